import type { Database } from '../db/database';
import { isOk } from '../restate/embedded';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  database: { ok: boolean; kind: string; error?: string };
  restate: { ok: boolean; error?: string };
}

/** Whether the database answers and Restate's ingress and admin APIs are up. */
export async function checkHealth(database: Database, restate: { ingressUrl: string; adminUrl: string }): Promise<HealthReport> {
  const [databaseError, ingressOk, adminOk] = await Promise.all([
    withTimeout(database.sql.query('SELECT 1'), 2_000).then(
      () => undefined,
      (error: Error) => error.message,
    ),
    isOk(`${restate.ingressUrl}/restate/health`),
    isOk(`${restate.adminUrl}/health`),
  ]);
  const restateError = [!ingressOk && `ingress ${restate.ingressUrl} does not answer`, !adminOk && `admin ${restate.adminUrl} does not answer`]
    .filter(Boolean)
    .join('; ');
  const report: HealthReport = {
    status: !databaseError && !restateError ? 'ok' : 'unavailable',
    database: { ok: !databaseError, kind: database.kind, ...(databaseError ? { error: databaseError } : {}) },
    restate: { ok: !restateError, ...(restateError ? { error: restateError } : {}) },
  };
  return report;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}
