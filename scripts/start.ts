/**
 * `npm start`: builds what is stale (scripts/build.ts) and runs the platform (server/main.ts)
 * in this process. The platform starts once the Prisma client is there; the SPA is built
 * meanwhile on the other core, and the HTTP server waits for it.
 */
import { setWebBuild } from '../server/webBuild';
import { startBuild } from './build';

const build = startBuild();
try {
  await build.step('prisma');
} catch (error) {
  console.error(`Could not build the platform: ${(error as Error).message}`);
  process.exit(1);
}
setWebBuild(build.done);
await import('../server/main');
