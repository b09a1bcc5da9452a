/**
 * Cold start of the platform (fresh data folder, until /health answers 200), a warm
 * restart on the same data, and the resident memory of the whole process tree idle.
 */
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import getPort from 'get-port';
import { makeDataDir, removeDataDir } from '../test/support/platform';

export interface StartupResult {
  coldStartMs: number;
  warmStartMs: number;
  idleRssMb: { server: number; restate: number; total: number };
}

async function startAndTime(dataDir: string) {
  const port = await getPort({ host: '127.0.0.1' });
  const began = performance.now();
  const child = execa('node', ['--import', 'tsx', 'server/main.ts'], {
    env: { PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: undefined },
    reject: false,
    stdin: 'ignore',
    buffer: false,
  });
  while (!(await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null) throw new Error('the platform exited while starting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { child, ms: performance.now() - began };
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024;
}

async function childPids(pid: number): Promise<number[]> {
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return children.split(/\s+/).filter(Boolean).map(Number);
}

export async function measureStartup(): Promise<StartupResult> {
  const dataDir = await makeDataDir();
  try {
    const cold = await startAndTime(dataDir);
    cold.child.kill('SIGTERM');
    await cold.child;
    // Idle memory is read after a warm start: the first start also runs initdb, whose memory stays reserved.
    const warm = await startAndTime(dataDir);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const server = await rssMb(warm.child.pid!);
    const restateMb = (await Promise.all((await childPids(warm.child.pid!)).map(rssMb))).reduce((a, b) => a + b, 0);
    warm.child.kill('SIGTERM');
    await warm.child;
    const round = (n: number) => Math.round(n);
    return {
      coldStartMs: round(cold.ms),
      warmStartMs: round(warm.ms),
      idleRssMb: { server: round(server), restate: round(restateMb), total: round(server + restateMb) },
    };
  } finally {
    await removeDataDir(dataDir);
  }
}
