import { afterAll, beforeAll } from '@jest/globals';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase } from './platform';

export interface PlatformInTests {
  readonly current: RunningPlatform;
  readonly database: TestDatabase;
  /** Stops the platform, as a crash-free shutdown would. */
  stop(): Promise<void>;
  /** Starts it again on the same data folder, database and port (a browser's socket comes back to it). */
  startAgain(): Promise<void>;
}

/**
 * One platform for the tests of a describe block: started before them on a fresh data
 * folder and database, stopped and cleaned up after them.
 */
export function usePlatform(options: { env?: Record<string, string> } = {}): PlatformInTests {
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
  const started = (): RunningPlatform => {
    if (!platform) throw new Error('The platform is not started yet: use it inside a test');
    return platform;
  };
  return {
    get current() {
      return started();
    },
    get database() {
      if (!database) throw new Error('The database is not created yet: use it inside a test');
      return database;
    },
    stop: () => started().stop(),
    async startAgain() {
      const port = new URL(started().url).port;
      platform = await startPlatform({ dataDir: dataDir!, databaseUrl: database!.url, env: { ...options.env, PORT: port } });
    },
  };
}
