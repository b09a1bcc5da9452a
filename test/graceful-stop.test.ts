import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { execa } from 'execa';
import getPort from 'get-port';
import { startCountingServer, type CountingServer } from './support/countingServer';
import { createProject, runProject, waitForStatus } from './support/executions';
import {
  createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase,
} from './support/platform';

/*
 * A graceful stop (SIGTERM): no new node work starts, the node steps under way finish and are
 * journaled within SHUTDOWN_GRACE_MS, then restate-server stops and the process exits. After
 * the next start the runs go on where they stopped, and no side effect happened twice.
 */

const projectRoot = path.resolve(import.meta.dirname, '..');
const counterDelayMs = 1_000;
const runCount = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Three slow Http calls one after another (a Pack turns each String body into the next call's dict body). */
function program(counterUrl: string, index: number): string {
  const call = (step: string) => `${step} = Http { url: "${counterUrl}/count?key=${index}-${step}", method: "POST" }`;
  const after = (previous: string, next: string) => [
    `after_${previous} = Pack(previous: String)`, `after_${previous}.previous = ${previous}.body`, call(next), `${next}.body = after_${previous}.out`,
  ];
  return [call('a'), ...after('a', 'b'), ...after('b', 'c')].join('\n');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function untilGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(100);
  return pids.filter(isAlive);
}

describe('a graceful stop', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }, 60_000);

  it('lets Http steps under way at SIGTERM finish, and after a restart the runs complete with no call made twice', async () => {
    const database: TestDatabase = await createTestDatabase();
    const dataDir = await makeDataDir();
    const counter: CountingServer = await startCountingServer(counterDelayMs, { held: true });
    cleanups.push(() => database.drop(), () => removeDataDir(dataDir), () => counter.close());
    const start = async () => {
      const platform = await startPlatform({ dataDir, databaseUrl: database.url, env: { SHUTDOWN_GRACE_MS: '10000' } });
      cleanups.push(() => platform.stop());
      return platform;
    };

    const first: RunningPlatform = await start();
    const executionIds: string[] = [];
    for (let index = 0; index < runCount; index++) {
      executionIds.push(await runProject(first.graphqlUrl, await createProject(first.graphqlUrl, `slow ${index}`, program(counter.url, index))));
    }
    // Stop while calls are under way: the counter holds its answers, so every run's first call
    // has reached it and none has been answered, however long the machine took to get them there.
    while (counter.requests.length < runCount) await sleep(50);
    const inFlightAtStop = counter.requests.map((request) => request.key);
    const stopped = first.stop();
    // The answers come only once the stopping platform waits for those steps: they finish during the stop.
    while (!first.output().includes('waiting for node steps under way') && first.process.exitCode === null) await sleep(50);
    counter.release();
    await stopped;
    expect(first.process.exitCode).toBe(0);
    // No new call started while stopping: only those under way at the signal were made, and each was answered.
    expect(counter.requests.map((request) => request.key).sort()).toEqual(inFlightAtStop.sort());
    expect(counter.requests.every((request) => request.answeredAt !== undefined)).toBe(true);

    const second = await start();
    const finished = await Promise.all(executionIds.map((id) => waitForStatus(second.graphqlUrl, id, ['completed', 'failed'], 120_000)));
    expect(finished.map((execution) => execution.status)).toEqual(executionIds.map(() => 'completed'));
    const expectedKeys = executionIds.flatMap((_, index) => [`${index}-a`, `${index}-b`, `${index}-c`]);
    expect([...counter.counts.entries()].sort()).toEqual(expectedKeys.map((key) => [key, 1]).sort());
    expect(first.output()).toContain('waiting for node steps under way');
    expect(first.output()).not.toContain('node steps still running at the end of the grace period');
  }, 240_000);

  it('SIGTERM to `npm start` itself stops the server and its restate-server', async () => {
    const database: TestDatabase = await createTestDatabase();
    const dataDir = await makeDataDir();
    cleanups.push(() => database.drop(), () => removeDataDir(dataDir));
    const port = await getPort({ host: '127.0.0.1' });
    const environment: Record<string, string | undefined> = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' };
    if (database.url) environment.DATABASE_URL = database.url;
    else delete environment.DATABASE_URL;
    const npm = execa('npm', ['start'], { cwd: projectRoot, env: environment, extendEnv: false, reject: false, stdin: 'ignore', all: true });
    cleanups.push(async () => {
      if (npm.exitCode === null) npm.kill('SIGKILL');
    });
    const deadline = Date.now() + 120_000;
    while (!(await fetch(`http://127.0.0.1:${port}/health`).then((response) => response.ok, () => false))) {
      if (npm.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not become healthy: ${(await npm).all}`);
      await sleep(200);
    }
    const serverPid = Number(await readFile(path.join(dataDir, 'platform.pid'), 'utf8'));
    const restatePid = Number(await readFile(path.join(dataDir, 'restate', 'restate-server.pid'), 'utf8'));
    expect([serverPid, restatePid].every(isAlive)).toBe(true);
    cleanups.push(async () => {
      for (const pid of [serverPid, restatePid]) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    });

    process.kill(npm.pid!, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([npm.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 60_000)))]);
    clearTimeout(timer);
    expect({ npmExited: exited, stillRunning: await untilGone([serverPid, restatePid], 30_000) }).toEqual({ npmExited: true, stillRunning: [] });
    expect(npm.exitCode).toBe(0);
  }, 240_000);
});
