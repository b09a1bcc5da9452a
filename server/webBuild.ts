/**
 * The SPA bundle that `npm start` (scripts/start.ts) may still be building while the platform
 * starts: the HTTP server, which serves web/dist, waits for it. Nothing to wait for otherwise.
 */
let pending: Promise<void> = Promise.resolve();

export function setWebBuild(build: Promise<unknown>): void {
  pending = build.then(() => undefined);
  pending.catch(() => undefined); // reported where it is awaited
}

export function webBuild(): Promise<void> {
  return pending;
}
