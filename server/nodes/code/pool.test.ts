import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExecPython } from './execPython';
import { activeSandboxPool, openSandboxPool, type SandboxPool } from './pool';
import { sandboxChildren, sandboxChildrenOf, stillRunning } from './poolTesting';
import { defaultNodeSettings } from '../settings';
import { failureOf, runContext, type TestRun } from '../testing';

const python = (code: string, run: TestRun = {}) => runExecPython(runContext({ ...run, config: { code, ...run.config } }));
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the pool holds `count` idle sandboxes (it refills in the background). */
async function untilIdle(pool: SandboxPool, count: number): Promise<void> {
  for (let waited = 0; pool.idleCount() < count; waited += 20) {
    if (waited > 10_000) throw new Error(`the pool holds ${pool.idleCount()} idle sandboxes, not ${count}`);
    await settle(20);
  }
}

describe('the pool of warm sandboxes', () => {
  let pool: SandboxPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('hands each sandbox to one run only: the next run sees none of its /tmp files, globals or environment', async () => {
    pool = openSandboxPool({ size: 2, idleMs: 60_000 });
    const leave = [
      'import builtins, os, sys',
      'open("/tmp/left-behind.txt", "w").write("first run")',
      'builtins.LEFT_BEHIND = "first run"',
      'sys.modules["left_behind"] = sys',
      'os.environ["LEFT_BEHIND"] = "first run"',
      'return {"pid": os.getpid(), "host": os.uname().nodename}',
    ].join('\n');
    const look = [
      'import builtins, os, sys',
      'return {"file": os.path.exists("/tmp/left-behind.txt"), "tmp": os.listdir("/tmp"), "global": hasattr(builtins, "LEFT_BEHIND"),',
      '        "module": "left_behind" in sys.modules, "environment": os.environ.get("LEFT_BEHIND"), "pid": os.getpid()}',
    ].join('\n');
    const first = await python(leave, { outputs: ['pid', 'host'] });
    expect(first.outputs.host).toBe('sandbox');
    await untilIdle(pool, 2);
    for (let run = 0; run < 4; run += 1) {
      const next = await python(look, { outputs: ['file', 'tmp', 'global', 'module', 'environment', 'pid'] });
      expect(next.outputs).toEqual({ file: false, tmp: [], global: false, module: false, environment: null, pid: expect.any(Number) });
    }
  });

  it('starts a new sandbox for every run: no process of a finished run is left', async () => {
    pool = openSandboxPool({ size: 2, idleMs: 60_000 });
    await python('return {}');
    await untilIdle(pool, 2);
    const before = await sandboxChildren();
    expect(before).toHaveLength(2); // the two idle ones, each one setpriv/bwrap process here
    await python('import os\nos.fork() or __import__("time").sleep(30)\nreturn {}', { config: { timeoutSeconds: 1 } }).catch(() => undefined);
    await untilIdle(pool, 2);
    const after = await sandboxChildren();
    expect(after).toHaveLength(2);
    // The sandbox that ran is gone, and one started after it took its place.
    expect(after.filter((pid) => before.includes(pid))).toHaveLength(1);
  });

  it('never hands a sandbox started for other settings to a run: its /tmp size is the one it asks for', async () => {
    pool = openSandboxPool({ size: 2, idleMs: 60_000 });
    const size = 'import os\ns = os.statvfs("/tmp")\nreturn {"mb": s.f_blocks * s.f_frsize // (1024 * 1024)}';
    const small = { pythonSandbox: { ...defaultNodeSettings.pythonSandbox, tmpMb: 3 } };
    expect((await python(size, { outputs: ['mb'] })).outputs.mb).toBe(defaultNodeSettings.pythonSandbox.tmpMb);
    await untilIdle(pool, 2);
    expect((await python(size, { outputs: ['mb'], settings: small })).outputs.mb).toBe(3);
    await untilIdle(pool, 4);
    expect((await python(size, { outputs: ['mb'] })).outputs.mb).toBe(defaultNodeSettings.pythonSandbox.tmpMb);
    expect((await python(size, { outputs: ['mb'], settings: small })).outputs.mb).toBe(3);
  });

  it('counts the time limit from when the code starts, not from when its sandbox was started', async () => {
    pool = openSandboxPool({ size: 1, idleMs: 60_000 });
    await python('return {}');
    await untilIdle(pool, 1);
    await settle(2_500); // the warm sandbox has waited longer than the next run's limit
    const result = await python('import time\ntime.sleep(0.3)\nreturn {"slept": True}', { outputs: ['slept'], config: { timeoutSeconds: 2 } });
    expect(result.outputs.slept).toBe(true);
    const failure = await failureOf(python('import time\ntime.sleep(5)', { config: { timeoutSeconds: 0.5 } }));
    expect(failure.message).toBe('timed out after 0.5 s');
  });

  it('ends every idle sandbox when it closes, and starts none after', async () => {
    pool = openSandboxPool({ size: 3, idleMs: 60_000 });
    await python('return {}');
    await untilIdle(pool, 3);
    expect(await sandboxChildren()).toHaveLength(3);
    await pool.close();
    expect(await sandboxChildren()).toEqual([]);
    expect(activeSandboxPool()).toBeUndefined();
    // A run after the stop still works, in a sandbox started for it, and leaves nothing behind.
    expect((await python('return {"x": 1}', { outputs: ['x'] })).outputs.x).toBe(1);
    await settle(50);
    expect(await sandboxChildren()).toEqual([]);
    expect(pool.idleCount()).toBe(0);
  });

  it('ends the idle sandboxes of settings no run has used for its idle time', async () => {
    pool = openSandboxPool({ size: 2, idleMs: 2_000 });
    await python('return {}');
    await untilIdle(pool, 2);
    await settle(2_000);
    for (let waited = 0; pool.idleCount() > 0 && waited < 5_000; waited += 50) await settle(50);
    expect(pool.idleCount()).toBe(0);
    for (let waited = 0; (await sandboxChildren()).length > 0 && waited < 2_000; waited += 50) await settle(50);
    expect(await sandboxChildren()).toEqual([]);
  });

  it('drops an idle sandbox that died, and the next run still gets a working one', async () => {
    pool = openSandboxPool({ size: 1, idleMs: 60_000 });
    await python('return {}');
    await untilIdle(pool, 1);
    const [idle] = await sandboxChildren();
    process.kill(-idle!, 'SIGKILL');
    for (let waited = 0; pool.idleCount() > 0 && waited < 2_000; waited += 20) await settle(20);
    expect(pool.idleCount()).toBe(0);
    expect((await python('return {"x": 2}', { outputs: ['x'] })).outputs.x).toBe(2);
  });

  it('does not outlive a server that is killed: its idle sandboxes die with it', async () => {
    const checkout = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
    const script = [
      "const { openSandboxPool } = await import('./server/nodes/code/pool.ts');",
      "const { runExecPython } = await import('./server/nodes/code/execPython.ts');",
      "const { defaultNodeSettings } = await import('./server/nodes/settings.ts');",
      'const pool = openSandboxPool({ size: 2, idleMs: 60000 });',
      "await runExecPython({ nodeId: 'n', inputs: {}, config: { code: 'return {}' }, outputs: [], settings: defaultNodeSettings, signal: new AbortController().signal });",
      'while (pool.idleCount({ ready: true }) < 2) await new Promise((resolve) => setTimeout(resolve, 20));',
      "console.log('ready');",
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const server = spawn('node', ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: checkout, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        server.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        server.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
      });
      const sandboxes = await sandboxChildrenOf(server.pid!, { deep: true });
      expect(sandboxes.length).toBeGreaterThanOrEqual(6); // two sandboxes: outer bwrap, bwrap in the namespace, python3
      server.kill('SIGKILL');
      let left = sandboxes;
      for (let waited = 0; left.length > 0 && waited < 3_000; waited += 50) {
        await settle(50);
        left = await stillRunning(left);
      }
      expect(left).toEqual([]);
    } finally {
      server.kill('SIGKILL');
    }
  }, 60_000);
});

