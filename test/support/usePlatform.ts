import { afterAll, beforeAll } from '@jest/globals';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase } from './platform';

/**
 * One platform for the tests of a describe block: started before them on a fresh data
 * folder and database, stopped and cleaned up after them.
 */
export function usePlatform(options: { env?: Record<string, string> } = {}): { readonly current: RunningPlatform; readonly database: TestDatabase } {
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  let platform: RunningPlatform | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await makeDataDir();
    platform = await startPlatform({ dataDir, databaseUrl: database.url, env: options.env });
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
    await database?.drop();
    if (dataDir) await removeDataDir(dataDir);
  }, 60_000);
  return {
    get current() {
      if (!platform) throw new Error('The platform is not started yet: use it inside a test');
      return platform;
    },
    get database() {
      if (!database) throw new Error('The database is not created yet: use it inside a test');
      return database;
    },
  };
}
