import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import getPort from 'get-port';
import pg from 'pg';

const projectRoot = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..', '..');

export interface RunningPlatform {
  url: string;
  graphqlUrl: string;
  dataDir: string;
  process: ResultPromise;
  /** The platform's log lines so far (JSON, one per line). */
  output(): string;
  /** Sends SIGTERM and waits for the process to exit. */
  stop(): Promise<void>;
}

export interface TestDatabase {
  url?: string;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file: with DATABASE_URL set, a fresh database on
 * that PostgreSQL server (dropped afterwards); without it, the platform's embedded PGlite.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return { drop: async () => undefined };
  const name = `weft_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function makeDataDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'weft-test-'));
}

type PlatformOptions = { dataDir: string; databaseUrl?: string; env?: Record<string, string> };

class PortTaken extends Error {}

/**
 * Starts `server/main.ts` as `npm start` does, on a free port, and waits for /health.
 * A port is free when chosen but only taken when the platform listens; another test file's
 * platform, started meanwhile, can take it first. Then it starts again on other ports.
 */
export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  // A restart can keep its port (env.PORT), so that browsers reconnect to the same address: then there is no other to try.
  const attempts = options.env?.PORT ? 1 : 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchPlatform(options);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt >= attempts) throw error;
      console.warn(`The platform's port was taken while it started (attempt ${attempt} of ${attempts}); starting it again on other ports`);
    }
  }
}

async function launchPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  const port = options.env?.PORT ? Number(options.env.PORT) : await getPort({ host: '127.0.0.1' });
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: options.dataDir,
    LOG_LEVEL: 'info',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.env,
  };
  const environment = { ...process.env, ...env };
  if (!options.databaseUrl) delete environment.DATABASE_URL;
  const child = execa('node', ['--import', 'tsx', 'server/main.ts'], {
    cwd: projectRoot,
    env: environment,
    extendEnv: false,
    reject: false,
    buffer: false,
    stdin: 'ignore',
    forceKillAfterDelay: 15_000,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = child.then(() => undefined);
  const deadline = Date.now() + 90_000;
  while (true) {
    if (child.exitCode !== null) {
      const message = `The platform exited while starting:\n${output}`;
      throw /"could not start the platform".*already in use/.test(output) ? new PortTaken(message) : new Error(message);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The platform did not become healthy in time:\n${output}`);
    }
    const healthy = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) }).then((response) => response.ok, () => false);
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    dataDir: options.dataDir,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function removeDataDir(dataDir: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
}

/** The URLs of the embedded Restate a platform started for `dataDir`, from the ports it keeps there (server/restate/ports.ts). */
export async function embeddedRestateUrls(dataDir: string): Promise<{ ingressUrl: string; adminUrl: string }> {
  const ports = JSON.parse(await readFile(path.join(dataDir, 'restate', 'ports.json'), 'utf8')) as { ingress: number; admin: number };
  return { ingressUrl: `http://127.0.0.1:${ports.ingress}`, adminUrl: `http://127.0.0.1:${ports.admin}` };
}

/** Two server processes on one test database; the second uses the first one's Restate. `stop` stops both and drops it all. */
export async function startTwoProcesses(): Promise<{ first: RunningPlatform; second: RunningPlatform; stop: () => Promise<void> }> {
  const database = await createTestDatabase();
  const dataDirs = [await makeDataDir(), await makeDataDir()];
  const first = await startPlatform({ dataDir: dataDirs[0]!, databaseUrl: database.url });
  const restate = await embeddedRestateUrls(dataDirs[0]!);
  const second = await startPlatform({
    dataDir: dataDirs[1]!,
    databaseUrl: database.url,
    env: { RESTATE_INGRESS_URL: restate.ingressUrl, RESTATE_ADMIN_URL: restate.adminUrl },
  });
  return {
    first,
    second,
    stop: async () => {
      await second.stop();
      await first.stop();
      await database.drop();
      for (const dataDir of dataDirs) await removeDataDir(dataDir);
    },
  };
}
