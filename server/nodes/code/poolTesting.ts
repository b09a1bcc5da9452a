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
export async function sandboxChildrenOf(parent: number, { deep = false } = {}): Promise<number[]> {
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
  return [...processes].filter(([pid, { name }]) => under(pid) && /^(setpriv|bwrap|python)/.test(name)).map(([pid]) => pid);
}
