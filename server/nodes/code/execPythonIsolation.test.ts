import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExecPython } from './execPython';
import { defaultNodeSettings } from '../settings';
import { failureOf, runContext, type TestRun } from '../testing';
import { processKinds, usePool } from './poolTesting';

/** What a project author's code must not reach: the server's environment, files and ports. */
const python = (code: string, run: TestRun = {}) => runExecPython(runContext({ ...run, config: { code, ...run.config } }));
const checkout = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Processes on this machine whose command line is `sleep <marker>` (left behind by sandboxed code). */
async function sleepersWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const command = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (command === `sleep\0${marker}\0`) found.push(Number(entry));
  }
  return found;
}

const uniqueMarker = () => `${3000 + Math.floor(Math.random() * 1000)}.${Math.floor(Math.random() * 1e6)}`;

describe.each(processKinds)('ExecPython isolation, in $kind', ({ poolSize }) => {
  usePool(poolSize);
  const savedEnvironment = { ...process.env };
  let dataDir: string;
  let listener: Server;
  let listenerPort: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'weft-sandbox-data-'));
    await writeFile(path.join(dataDir, 'secret'), 'the-server-secret');
    listener = createServer((socket) => socket.end('hello from the host\n'));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    listenerPort = (listener.address() as { port: number }).port;
  });

  afterEach(() => {
    process.env = { ...savedEnvironment };
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await new Promise((resolve) => listener.close(resolve));
  });

  it("does not see the server's environment variables", async () => {
    Object.assign(process.env, {
      ADMIN_TOKEN: 'admin-token-0123456789abcdef',
      SECRET: 'secret-0123456789abcdef0123',
      DATABASE_URL: 'postgres://postgres:password@127.0.0.1:55432/postgres',
      LLM_API_KEY: 'sk-test',
    });
    const code = 'import os\ntry:\n    first = open("/proc/1/environ").read()\nexcept OSError:\n    first = ""\nreturn {"environment": dict(os.environ), "first": first}';
    const result = await python(code, { outputs: ['environment', 'first'] });
    const environment = result.outputs.environment as Record<string, string>;
    const allowed = ['PATH', 'HOME', 'TMPDIR', 'PWD', 'LANG', 'LC_CTYPE', 'PYTHONIOENCODING', 'PYTHONDONTWRITEBYTECODE'];
    expect(Object.keys(environment).filter((name) => !allowed.includes(name))).toEqual([]);
    const everything = JSON.stringify(result.outputs);
    for (const secret of ['admin-token-0123456789abcdef', 'secret-0123456789abcdef0123', 'password', 'sk-test']) expect(everything).not.toContain(secret);
  });

  it('runs as nobody (uid and gid 65534) when the server is root', async () => {
    const result = await python('import os\nreturn {"ids": [os.getuid(), os.getgid(), os.geteuid(), os.getgroups()]}', { outputs: ['ids'] });
    if (process.getuid?.() === 0) expect(result.outputs.ids).toEqual([65534, 65534, 65534, []]);
    else expect((result.outputs.ids as number[])[0]).toBe(65534);
  });

  it("cannot read the data folder's secret, a file of the checkout, /root or /home", async () => {
    const code = [
      'import os',
      'seen = {}',
      'for name in paths:',
      '    try:',
      '        with open(name) as f:',
      '            seen[name] = f.read(40)',
      '    except OSError as error:',
      '        seen[name] = None',
      'listed = {}',
      'for name in folders:',
      '    try:',
      '        listed[name] = os.listdir(name)',
      '    except OSError:',
      '        listed[name] = None',
      'return {"seen": seen, "listed": listed}',
    ].join('\n');
    const paths = [path.join(dataDir, 'secret'), path.join(checkout, 'package.json'), '/etc/shadow'];
    const folders = [dataDir, checkout, '/root', '/home', '/work'];
    const result = await python(code, { inputs: { paths, folders }, outputs: ['seen', 'listed'] });
    expect(result.outputs.seen).toEqual(Object.fromEntries(paths.map((name) => [name, null])));
    const listed = result.outputs.listed as Record<string, string[] | null>;
    for (const folder of folders) expect(listed[folder] ?? []).toEqual([]);
  });

  it('cannot write into the checkout, and has a private /tmp of its own', async () => {
    const target = path.join(checkout, `written-by-python-${process.pid}.txt`);
    const tag = `${process.pid}-${Date.now()}`;
    const marker = path.join(os.tmpdir(), `weft-host-tmp-${tag}`);
    await writeFile(marker, 'host');
    try {
      const code = [
        'import os',
        'try:',
        '    open(target, "w").write("pwned")',
        '    wrote = True',
        'except OSError:',
        '    wrote = False',
        'open(f"/tmp/scratch-{tag}.txt", "w").write("mine")',
        'return {"wrote": wrote, "hostTmpVisible": os.path.exists(marker), "scratch": open(f"/tmp/scratch-{tag}.txt").read()}',
      ].join('\n');
      const result = await python(code, { inputs: { target, marker, tag }, outputs: ['wrote', 'hostTmpVisible', 'scratch'] });
      expect(result.outputs).toEqual({ wrote: false, hostTmpVisible: false, scratch: 'mine' });
      await expect(readFile(target, 'utf8')).rejects.toThrow(/ENOENT/);
      await expect(readFile(path.join(os.tmpdir(), `scratch-${tag}.txt`), 'utf8')).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(target, { force: true });
      await rm(marker, { force: true });
    }
  });

  it("cannot connect to the host's loopback services", async () => {
    const code = [
      'import socket',
      'try:',
      '    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:',
      '        answer = s.recv(100).decode()',
      'except OSError as error:',
      '    answer = None',
      'return {"answer": answer}',
    ].join('\n');
    const result = await python(code, { inputs: { port: listenerPort }, outputs: ['answer'] });
    expect(result.outputs.answer).toBeNull();
  });

  it('a forked child that keeps running does not outlive the run, and the run is not reported as timed out', async () => {
    const marker = uniqueMarker();
    const code = [
      'import os',
      'if os.fork() == 0:',
      '    os.setsid()',
      '    if os.fork() == 0:',
      '        os.execv("/usr/bin/sleep", ["sleep", marker])',
      '    os._exit(0)',
      'return {"done": True}',
    ].join('\n');
    const started = Date.now();
    const result = await python(code, { inputs: { marker }, outputs: ['done'], config: { timeoutSeconds: 5 } });
    expect(result.outputs.done).toBe(true);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(await sleepersWith(marker)).toEqual([]);
  });

  it('ends as soon as the code returns, even with a thread still running: never reported as timed out', async () => {
    const started = Date.now();
    const code = 'import threading, time\nthreading.Thread(target=lambda: time.sleep(30)).start()\nreturn {"done": True}';
    const result = await python(code, { outputs: ['done'], config: { timeoutSeconds: 5 } });
    expect(result.outputs.done).toBe(true);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('kills the whole process tree at the time limit: a double-forked sleeper dies with the run', async () => {
    const marker = uniqueMarker();
    const code = [
      'import os, time',
      'if os.fork() == 0:',
      '    os.setsid()',
      '    if os.fork() == 0:',
      '        os.execv("/usr/bin/sleep", ["sleep", marker])',
      '    os._exit(0)',
      'time.sleep(60)',
    ].join('\n');
    const failure = await failureOf(python(code, { inputs: { marker }, config: { timeoutSeconds: 1 } }));
    expect(failure.message).toBe('timed out after 1 s');
    expect(await sleepersWith(marker)).toEqual([]);
  });

  it('caps the number of processes: a fork bomb stops at the limit and leaves nothing behind', async () => {
    const marker = uniqueMarker();
    const code = [
      'import os',
      'children = 0',
      'while children < 10000:',
      '    try:',
      '        pid = os.fork()',
      '    except OSError:',
      '        break',
      '    if pid == 0:',
      '        os.execv("/usr/bin/sleep", ["sleep", marker])',
      '    children += 1',
      'return {"children": children}',
    ].join('\n');
    const result = await python(code, { inputs: { marker }, outputs: ['children'], config: { timeoutSeconds: 20 } });
    expect(result.outputs.children).toBeLessThan(defaultNodeSettings.pythonSandbox.maxProcesses);
    expect(await sleepersWith(marker)).toEqual([]);
  });

  it('stops code at its CPU time limit', async () => {
    const settings = { pythonSandbox: { ...defaultNodeSettings.pythonSandbox, cpuSeconds: 1 } };
    const started = Date.now();
    const failure = await failureOf(python('while True:\n    pass', { settings, config: { timeoutSeconds: 8 } }));
    expect(failure.message).toBe('Python went over its CPU time limit of 1 s');
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  it('limits the size of a file the code writes', async () => {
    const settings = { pythonSandbox: { ...defaultNodeSettings.pythonSandbox, maxFileMb: 1 } };
    const code = 'try:\n    open("/tmp/big", "wb").write(b"x" * (3 * 1024 * 1024))\n    return {"wrote": True}\nexcept OSError as error:\n    return {"wrote": str(error)}';
    const result = await python(code, { settings, outputs: ['wrote'] });
    expect(result.outputs.wrote).toMatch(/File too large/);
  });

  it('limits memory in a child process as well', async () => {
    const settings = { python: { ...defaultNodeSettings.python, memoryMb: 64 } };
    const code = 'import subprocess, sys\nrun = subprocess.run([sys.executable, "-c", "bytearray(200 * 1024 * 1024)"], capture_output=True)\nreturn {"code": run.returncode, "error": run.stderr.decode()[-200:]}';
    const result = await python(code, { settings, outputs: ['code', 'error'] });
    expect(result.outputs.code).not.toBe(0);
    expect(result.outputs.error).toContain('MemoryError');
  });
});
