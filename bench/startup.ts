/**
 * Cold start of the platform (fresh data folder, until /health answers 200), a warm
 * restart on the same data, and the resident memory of the whole process tree idle.
 * Then `npm start` as a user runs it, in a copy of the checkout: cold (as after `npm install` in a
 * fresh clone, whose postinstall builds the Prisma client and the empty embedded database new data
 * folders are copied from: the documents and the SPA are built first), built (nothing to rebuild,
 * fresh data) and warm (nothing to rebuild, same data).
 */
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import getPort from 'get-port';
import { makeDataDir, removeDataDir } from '../test/support/platform';

export interface StartupResult {
  coldStartMs: number;
  warmStartMs: number;
  idleRssMb: { server: number; restate: number; total: number };
  /** `npm start` until /health is 200: after `npm install` (the first build of the documents and SPA), with nothing to build, and on the same data again. */
  npmStart: { coldWithBuildMs: number; builtMs: number; warmMs: number };
}

const projectRoot = path.resolve(import.meta.dirname, '..');

async function startAndTime(dataDir: string, command: [string, ...string[]] = ['node', '--import', 'tsx', 'server/main.ts'], cwd = projectRoot) {
  const port = await getPort({ host: '127.0.0.1' });
  const began = performance.now();
  const child = execa(command[0], command.slice(1), {
    cwd,
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

/** The checkout's tracked files (as a fresh clone has them) beside the installed node_modules, nothing built. */
async function freshCopy(): Promise<string> {
  const copy = await mkdtemp(path.join(os.tmpdir(), 'weft-startup-'));
  const { stdout } = await execa('git', ['ls-files', '-z'], { cwd: projectRoot });
  for (const file of stdout.split('\0').filter(Boolean)) {
    await mkdir(path.dirname(path.join(copy, file)), { recursive: true });
    await cp(path.join(projectRoot, file), path.join(copy, file)).catch(() => undefined);
  }
  await symlink(path.join(projectRoot, 'node_modules'), path.join(copy, 'node_modules'));
  return copy;
}

async function timeNpmStart(cwd: string, dataDir: string): Promise<number> {
  const started = await startAndTime(dataDir, ['npm', 'start'], cwd);
  started.child.kill('SIGTERM');
  await started.child;
  return Math.round(started.ms);
}

async function measureNpmStart(): Promise<StartupResult['npmStart']> {
  const copy = await freshCopy();
  const dataDirs = [await makeDataDir(), await makeDataDir()];
  try {
    await execa('npm', ['run', '--silent', 'postinstall'], { cwd: copy }); // as npm install ends
    const coldWithBuildMs = await timeNpmStart(copy, dataDirs[0]!);
    const builtMs = await timeNpmStart(copy, dataDirs[1]!);
    const warmMs = await timeNpmStart(copy, dataDirs[1]!);
    return { coldWithBuildMs, builtMs, warmMs };
  } finally {
    await Promise.all(dataDirs.map(removeDataDir));
    await rm(copy, { recursive: true, force: true });
  }
}

export async function measureStartup(): Promise<StartupResult> {
  const npmStart = await measureNpmStart();
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
      npmStart,
    };
  } finally {
    await removeDataDir(dataDir);
  }
}
