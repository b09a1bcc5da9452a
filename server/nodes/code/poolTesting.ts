/** Runs a test file's ExecPython tests both ways a run gets its process: started for it, or warm from the pool. */
import { afterAll, beforeAll } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import { openSandboxPool, type SandboxPool } from './pool';

export const processKinds = [
  { kind: 'a process started for the run', poolSize: 0 },
  { kind: 'a warm sandbox from the pool', poolSize: 3 },
];

/** Opens a pool of `size` for the tests of the enclosing describe (none when 0) and closes it after them. */
export function usePool(size: number): () => SandboxPool | undefined {
  let pool: SandboxPool | undefined;
  beforeAll(() => {
    if (size > 0) pool = openSandboxPool({ size, idleMs: 60_000 });
  });
  afterAll(async () => {
    await pool?.close();
  });
  return () => pool;
}

/** This process's child processes that are a sandbox or an interpreter (setpriv, bwrap, python3…). */
export function sandboxChildren(): Promise<number[]> {
  return sandboxChildrenOf(process.pid);
}

/** Those processes under `parent`: its children, or with `deep` every descendant. */
export async function sandboxChildrenOf(parent: number, options: { deep?: boolean } = {}): Promise<number[]> {
  return (await sandboxProcessesOf(parent, options)).map(({ pid }) => pid);
}

/** The sandbox and interpreter processes under `parent`, with their names. */
export async function sandboxProcessesOf(parent: number, { deep = false } = {}): Promise<{ pid: number; name: string }[]> {
  const processes = new Map<number, { name: string; parent: number }>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    processes.set(Number(entry), { name: /\((.*)\)/.exec(stat)?.[1] ?? '', parent: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) });
  }
  const under = (pid: number) => {
    for (let at = processes.get(pid); at; at = deep ? processes.get(at.parent) : undefined) if (at.parent === parent) return true;
    return false;
  };
  return [...processes].filter(([pid, { name }]) => under(pid) && /^(setpriv|bwrap|python)/.test(name)).map(([pid, { name }]) => ({ pid, name }));
}

/** Those of `pids` still running (a zombie has ended: only its parent, or init, has not collected it yet). */
export async function stillRunning(pids: number[]): Promise<number[]> {
  const alive: number[] = [];
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (stat && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') alive.push(pid);
  }
  return alive;
}
