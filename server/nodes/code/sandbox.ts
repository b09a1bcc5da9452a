/**
 * The confinement of ExecPython's process: bubblewrap (bwrap) namespaces with a read-only /usr,
 * a private memory-backed /tmp, its own pid, network, IPC, UTS and user namespaces, a cleared
 * environment, and, when the server runs as root, the real uid/gid of nobody (setpriv drops them
 * before bwrap starts, so the process is nobody on the host too, not only inside).
 *
 * `sandboxCommand` is pure (what to run, given the host's layout); `sandboxProblem` checks once,
 * by running an empty program, that the sandbox works on this machine.
 */
import { constants as fsConstants, existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import type { Logger } from '../../log';
import type { NodeSettings } from '../definition';

export const SANDBOX_UID = 65534;
export const SANDBOX_GID = 65534;
export const SETPRIV_BINARY = '/usr/bin/setpriv';

/** The environment the code gets: nothing of the server's. */
export const sandboxEnvironment: Readonly<Record<string, string>> = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/tmp',
  TMPDIR: '/tmp',
  LANG: 'C.UTF-8',
  PYTHONIOENCODING: 'utf-8',
  PYTHONDONTWRITEBYTECODE: '1',
};

/** A top-level entry of the host's root that the sandbox reproduces: merged-/usr symlinks, or folders bound read-only. */
export type RootEntry = { name: string; kind: 'symlink'; target: string } | { name: string; kind: 'folder' };

export interface SandboxPlan {
  bwrap: string;
  /** Absolute path of the interpreter (under /usr, the only tree the sandbox shows). */
  python: string;
  pythonArgs: string[];
  /** The server is root: become nobody before bwrap starts. */
  dropToNobody: boolean;
  tmpBytes: number;
  rootEntries: RootEntry[];
  /** Host files shown read-only when they exist (the dynamic linker's cache, the time zone). */
  optionalFiles: string[];
}

export interface Command {
  file: string;
  args: string[];
}

/** The command line that runs `python pythonArgs…` in the sandbox. */
export function sandboxCommand(plan: SandboxPlan): Command {
  const bwrapArgs = [
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--uid', String(SANDBOX_UID),
    '--gid', String(SANDBOX_GID),
    '--hostname', 'sandbox',
    '--clearenv',
    ...Object.entries(sandboxEnvironment).flatMap(([name, value]) => ['--setenv', name, value]),
    '--ro-bind', '/usr', '/usr',
    ...plan.rootEntries.flatMap((entry) =>
      entry.kind === 'symlink' ? ['--symlink', entry.target, entry.name] : ['--ro-bind', entry.name, entry.name],
    ),
    ...plan.optionalFiles.flatMap((file) => ['--ro-bind-try', file, file]),
    '--proc', '/proc',
    '--dev', '/dev',
    '--size', String(plan.tmpBytes),
    '--perms', '1777',
    '--tmpfs', '/tmp',
    '--chdir', '/tmp',
    '--',
    plan.python,
    ...plan.pythonArgs,
  ];
  if (!plan.dropToNobody) return { file: plan.bwrap, args: bwrapArgs };
  return {
    file: SETPRIV_BINARY,
    args: [`--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_GID}`, '--clear-groups', '--', plan.bwrap, ...bwrapArgs],
  };
}

const rootNames = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/** The host's /bin, /lib… as they are: symlinks into /usr on Debian (merged /usr), folders elsewhere. */
export function hostRootEntries(): RootEntry[] {
  const entries: RootEntry[] = [];
  for (const name of rootNames) {
    try {
      const stat = lstatSync(name);
      if (stat.isSymbolicLink()) entries.push({ name, kind: 'symlink', target: readlinkSync(name) });
      else if (stat.isDirectory()) entries.push({ name, kind: 'folder' });
    } catch {
      // absent on this host
    }
  }
  return entries;
}

/** An executable named without a slash, looked up on the server's PATH as a shell would. */
export function resolveExecutable(binary: string, searchPath = process.env.PATH ?? ''): string | undefined {
  if (binary.includes('/')) return existsSync(binary) ? path.resolve(binary) : undefined;
  for (const folder of searchPath.split(':').filter(Boolean)) {
    const candidate = path.join(folder, binary);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export type SandboxedPython = { ok: true; command: (pythonArgs: string[]) => Command; environment: Record<string, string>; cwd: string } | { ok: false; problem: string };

const isRoot = () => process.getuid?.() === 0;

/** How to start the interpreter for these settings, or why it cannot be started. */
export function sandboxedPython(settings: Pick<NodeSettings, 'python' | 'pythonSandbox'>): SandboxedPython {
  const { binary } = settings.python;
  const resolved = resolveExecutable(binary);
  if (!resolved) return { ok: false, problem: `could not start Python ("${binary}"): not found on the server's PATH (ENOENT); set the server's Python binary setting` };
  if (settings.pythonSandbox.mode === 'off') {
    return { ok: true, command: (pythonArgs) => ({ file: resolved, args: pythonArgs }), environment: { ...sandboxEnvironment }, cwd: '/tmp' };
  }
  const real = realpathSync(resolved);
  if (!real.startsWith('/usr/')) {
    return {
      ok: false,
      problem:
        `could not start Python ("${binary}"): it is ${real}, outside /usr, the only part of the file system the sandbox shows; ` +
        "set the server's Python binary setting (PYTHON_BINARY) to an interpreter under /usr, such as /usr/bin/python3",
    };
  }
  const plan: Omit<SandboxPlan, 'pythonArgs'> = {
    bwrap: settings.pythonSandbox.bwrapBinary,
    python: real,
    dropToNobody: isRoot(),
    tmpBytes: settings.pythonSandbox.tmpMb * 1024 * 1024,
    rootEntries: hostRootEntries(),
    optionalFiles: ['/etc/ld.so.cache', '/etc/localtime'],
  };
  // bwrap itself gets no environment of the server's either (its pid 1 keeps bwrap's own).
  return { ok: true, command: (pythonArgs) => sandboxCommand({ ...plan, pythonArgs }), environment: { PATH: sandboxEnvironment.PATH! }, cwd: '/' };
}

const checks = new Map<string, Promise<string | undefined>>();

/**
 * Why ExecPython cannot run on this machine (bwrap missing, namespaces refused, no interpreter),
 * or undefined when it can: an empty program run in the sandbox, once per setting while it works.
 */
export function sandboxProblem(settings: Pick<NodeSettings, 'python' | 'pythonSandbox'>): Promise<string | undefined> {
  const key = JSON.stringify([settings.python.binary, settings.pythonSandbox.mode, settings.pythonSandbox.bwrapBinary]);
  let check = checks.get(key);
  if (!check) {
    check = checkSandbox(settings);
    checks.set(key, check);
    // Only a working sandbox is remembered: once fixed (bwrap installed), the next run checks again.
    void check.then((problem) => {
      if (problem) checks.delete(key);
    });
  }
  return check;
}

async function checkSandbox(settings: Pick<NodeSettings, 'python' | 'pythonSandbox'>): Promise<string | undefined> {
  const python = sandboxedPython(settings);
  if (!python.ok) return python.problem;
  if (settings.pythonSandbox.mode === 'off') return undefined;
  const { bwrapBinary } = settings.pythonSandbox;
  const installHint = 'install bubblewrap (Debian: apt-get install -y bubblewrap), or set PYTHON_BINARY / PYTHON_SANDBOX_BWRAP; PYTHON_SANDBOX=off runs Python unconfined (unsafe)';
  const executable = await access(bwrapBinary, fsConstants.X_OK).then(() => true, () => false);
  if (!executable) return `the Python sandbox cannot start: bubblewrap (${bwrapBinary}) is not installed; ${installHint}`;
  if (isRoot() && !existsSync(SETPRIV_BINARY)) return `the Python sandbox cannot start: ${SETPRIV_BINARY} (util-linux) is missing, which drops root to nobody; install util-linux`;
  const { file, args } = python.command(['-I', '-c', 'pass']);
  const finished = await execa(file, args, { env: python.environment, extendEnv: false, cwd: python.cwd, reject: false, timeout: 20_000, stdin: 'ignore' });
  if (finished.exitCode === 0) return undefined;
  const said = String(finished.stderr ?? '').trim() || finished.originalMessage || `exit code ${finished.exitCode}`;
  return (
    `the Python sandbox cannot start: bubblewrap could not create its namespaces here (${said}); ` +
    'it needs unprivileged user namespaces (sysctl user.max_user_namespaces > 0, and kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu; ' +
    'a container must allow them); PYTHON_SANDBOX=off runs Python unconfined (unsafe)'
  );
}

/**
 * Said once at platform start: an error when ExecPython cannot run here (each ExecPython node
 * then fails with the same words), a loud warning when the sandbox is turned off.
 */
export async function reportPythonSandbox(settings: Pick<NodeSettings, 'python' | 'pythonSandbox'>, log: Logger): Promise<void> {
  if (settings.pythonSandbox.mode === 'off') {
    log.warn('PYTHON SANDBOX IS OFF (PYTHON_SANDBOX=off): ExecPython code runs unconfined, with the network and every file this server can reach; use it only for code you trust');
  }
  const problem = await sandboxProblem(settings);
  if (problem) log.error('ExecPython nodes cannot run on this machine', { problem });
  else log.info('ExecPython sandbox', { mode: settings.pythonSandbox.mode, python: settings.python.binary });
}
