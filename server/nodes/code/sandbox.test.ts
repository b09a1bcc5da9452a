import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultNodeSettings } from '../settings';
import { reportPythonSandbox, sandboxCommand, sandboxedPython, sandboxProblem, type SandboxPlan } from './sandbox';
import { runExecPython } from './execPython';
import { failureOf, runContext } from '../testing';
import type { Logger } from '../../log';

const plan: SandboxPlan = {
  bwrap: '/usr/bin/bwrap',
  python: '/usr/bin/python3.11',
  pythonArgs: ['-I', '-c', 'pass'],
  dropToNobody: false,
  tmpBytes: 64 * 1024 * 1024,
  rootEntries: [
    { name: '/bin', kind: 'symlink', target: 'usr/bin' },
    { name: '/lib', kind: 'folder' },
  ],
  optionalFiles: ['/etc/ld.so.cache'],
};

/** The value following `flag` each time it appears. */
const valuesOf = (args: string[], flag: string, count = 1) =>
  args.flatMap((arg, index) => (arg === flag ? [args.slice(index + 1, index + 1 + count)] : []));

describe('sandboxCommand', () => {
  it('runs bwrap with every namespace unshared, network included, as uid/gid 65534, dying with its parent', () => {
    const { file, args } = sandboxCommand(plan);
    expect(file).toBe('/usr/bin/bwrap');
    expect(args).toEqual(expect.arrayContaining(['--unshare-all', '--unshare-user', '--disable-userns', '--die-with-parent', '--new-session']));
    expect(args).not.toContain('--share-net');
    expect(valuesOf(args, '--uid')).toEqual([['65534']]);
    expect(valuesOf(args, '--gid')).toEqual([['65534']]);
  });

  it('shows only /usr (read-only), the root links into it, a private /tmp of the given size, /proc and /dev', () => {
    const { args } = sandboxCommand(plan);
    expect(valuesOf(args, '--ro-bind', 2)).toEqual([['/usr', '/usr'], ['/lib', '/lib']]);
    expect(valuesOf(args, '--symlink', 2)).toEqual([['usr/bin', '/bin']]);
    expect(valuesOf(args, '--ro-bind-try', 2)).toEqual([['/etc/ld.so.cache', '/etc/ld.so.cache']]);
    expect(valuesOf(args, '--bind', 2)).toEqual([]);
    expect(args.join(' ')).toContain(`--size ${64 * 1024 * 1024} --perms 1777 --tmpfs /tmp --chdir /tmp`);
    expect(valuesOf(args, '--proc')).toEqual([['/proc']]);
  });

  it('clears the environment and sets only a minimal one', () => {
    const { args } = sandboxCommand(plan);
    expect(args).toContain('--clearenv');
    const names = valuesOf(args, '--setenv', 2).map(([name]) => name);
    expect(names.sort()).toEqual(['HOME', 'LANG', 'PATH', 'PYTHONDONTWRITEBYTECODE', 'PYTHONIOENCODING', 'TMPDIR']);
  });

  it('ends with the interpreter and its arguments after --', () => {
    const { args } = sandboxCommand(plan);
    expect(args.slice(args.indexOf('--'))).toEqual(['--', '/usr/bin/python3.11', '-I', '-c', 'pass']);
  });

  it('drops root to nobody with setpriv before bwrap starts', () => {
    const { file, args } = sandboxCommand({ ...plan, dropToNobody: true });
    expect(file).toBe('/usr/bin/setpriv');
    expect(args.slice(0, 5)).toEqual(['--reuid=65534', '--regid=65534', '--clear-groups', '--', '/usr/bin/bwrap']);
  });
});

describe('sandboxProblem', () => {
  const settings = (sandbox: Partial<typeof defaultNodeSettings.pythonSandbox>, binary = defaultNodeSettings.python.binary) => ({
    python: { ...defaultNodeSettings.python, binary },
    pythonSandbox: { ...defaultNodeSettings.pythonSandbox, ...sandbox },
  });

  it('finds nothing wrong on this machine (bubblewrap installed, namespaces allowed)', async () => {
    expect(await sandboxProblem(settings({}))).toBeUndefined();
  });

  it('says how to install bubblewrap when it is missing', async () => {
    expect(await sandboxProblem(settings({ bwrapBinary: '/nowhere/bwrap' }))).toBe(
      'the Python sandbox cannot start: bubblewrap (/nowhere/bwrap) is not installed; install bubblewrap (Debian: apt-get install -y bubblewrap), ' +
        'or set PYTHON_BINARY / PYTHON_SANDBOX_BWRAP; PYTHON_SANDBOX=off runs Python unconfined (unsafe)',
    );
  });

  it('says namespaces are refused when bwrap cannot create them', async () => {
    // /bin/false stands for a bwrap that fails as it does when user namespaces are disabled.
    expect(await sandboxProblem(settings({ bwrapBinary: '/bin/false' }))).toMatch(/^the Python sandbox cannot start: bubblewrap could not create its namespaces here .*user namespaces/);
  });

  it('refuses an interpreter outside /usr, which the sandbox would not show', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'weft-python-'));
    try {
      const binary = path.join(folder, 'python3');
      await writeFile(binary, '#!/bin/sh\n', { mode: 0o755 });
      expect(sandboxedPython(settings({}, binary))).toEqual({ ok: false, problem: expect.stringMatching(/^could not start Python .*outside \/usr, the only part of the file system the sandbox shows/) });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('when the sandbox cannot run', () => {
  const missing = { ...defaultNodeSettings.pythonSandbox, bwrapBinary: '/nowhere/bwrap' };

  it('fails every ExecPython node with the reason and the fix', async () => {
    const failure = await failureOf(runExecPython(runContext({ settings: { pythonSandbox: missing }, config: { code: 'return {}' } })));
    expect(failure.message).toMatch(/^the Python sandbox cannot start: bubblewrap \(\/nowhere\/bwrap\) is not installed; install bubblewrap \(Debian: apt-get install -y bubblewrap\)/);
  });

  it('says so in the log at start, and warns loudly when the sandbox is off', async () => {
    const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
    const log = Object.fromEntries(
      ['debug', 'info', 'warn', 'error'].map((level) => [level, (msg: string, fields?: Record<string, unknown>) => lines.push({ level, msg, fields })]),
    ) as unknown as Logger;
    await reportPythonSandbox({ python: defaultNodeSettings.python, pythonSandbox: missing }, log);
    expect(lines).toEqual([
      { level: 'error', msg: 'ExecPython nodes cannot run on this machine', fields: { problem: expect.stringMatching(/^the Python sandbox cannot start: bubblewrap/) } },
    ]);
    lines.length = 0;
    await reportPythonSandbox({ python: defaultNodeSettings.python, pythonSandbox: { ...missing, mode: 'off' } }, log);
    expect(lines[0]).toMatchObject({ level: 'warn', msg: expect.stringMatching(/^PYTHON SANDBOX IS OFF/) });
  });
});
