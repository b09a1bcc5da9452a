import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { Logger } from '../log';
import { ensureRequestIdentity } from './identity';
import { rememberedPorts } from './ports';

export interface RestateUrls {
  ingressUrl: string;
  adminUrl: string;
}

export interface EmbeddedRestate extends RestateUrls {
  /** The node's own (cluster) address, which nothing but Restate should call. */
  nodeUrl: string;
  /** The public key it signs its requests to the executor with (`publickeyv1_…`). */
  identityKey: string;
  pid: number;
  stop(): Promise<void>;
}

const startTimeoutMs = 60_000;
const stopTimeoutMs = 10_000;
const maxRestartsPerMinute = 5;

/**
 * Starts `restate-server` (from the npm package) as a child process with its data in
 * `directory`, on ports remembered there, and resolves once it answers on both APIs.
 */
export async function startEmbeddedRestate(options: {
  directory: string;
  binary?: string;
  log: Logger;
  /** Ports the platform listens on later, which Restate must not take. */
  reservedPorts?: readonly number[];
}): Promise<EmbeddedRestate> {
  const { directory, log } = options;
  const binary = options.binary ?? findRestateBinary();
  if (!existsSync(binary)) {
    throw new Error(`The restate-server binary ${binary} does not exist: fix RESTATE_SERVER_BINARY or unset it to use the one from npm`);
  }
  await mkdir(directory, { recursive: true });
  const pidFile = path.join(directory, 'restate-server.pid');
  await stopLeftoverProcess(pidFile, binary, log);

  const identity = await ensureRequestIdentity(directory);
  const ports = await rememberedPorts(path.join(directory, 'ports.json'), ['ingress', 'admin', 'node'] as const, {}, options.reservedPorts);
  const ingressUrl = `http://127.0.0.1:${ports.ingress}`;
  const adminUrl = `http://127.0.0.1:${ports.admin}`;
  const environment = {
    RESTATE_BASE_DIR: directory,
    RESTATE_NODE_NAME: 'embedded',
    RESTATE_LISTEN_MODE: 'tcp',
    RESTATE_BIND_ADDRESS: `127.0.0.1:${ports.node}`,
    RESTATE_ADVERTISED_ADDRESS: `http://127.0.0.1:${ports.node}`,
    RESTATE_INGRESS__BIND_ADDRESS: `127.0.0.1:${ports.ingress}`,
    RESTATE_ADMIN__BIND_ADDRESS: `127.0.0.1:${ports.admin}`,
    // A laptop-sized footprint; both apply when the node is first provisioned.
    RESTATE_DEFAULT_NUM_PARTITIONS: '4',
    RESTATE_ROCKSDB_TOTAL_MEMORY_SIZE: '256MB',
    RESTATE_LOG_FORMAT: 'json',
    // Signs every request to the executor, which accepts only signed ones (server/restate/identity.ts).
    RESTATE_REQUEST_IDENTITY_PRIVATE_KEY_PEM_FILE: identity.privateKeyFile,
  };

  const launch = async () => {
    const child = execa(binary, ['--no-logo'], {
      env: environment,
      extendEnv: true,
      stdin: 'ignore',
      buffer: false,
      reject: false,
      cleanup: true,
      forceKillAfterDelay: stopTimeoutMs,
    });
    if (child.pid === undefined) throw new Error(`Could not start restate-server (${binary})`);
    await writeFile(pidFile, String(child.pid));
    const recentOutput = keepRecentLines(child, log);
    const exited = child.then((result) => result);
    const ready = waitUntilHealthy(ingressUrl, adminUrl);
    const outcome = await Promise.race([ready.then(() => 'ready' as const), exited.then(() => 'exited' as const)]);
    if (outcome === 'exited') {
      throw new Error(`restate-server exited before it was ready. Its last output:\n${recentOutput().join('\n')}`);
    }
    log.info('restate-server started', { pid: child.pid, ingressUrl, adminUrl, directory });
    return { child, exited };
  };

  let current = await launch();
  let stopping = false;
  const restarts: number[] = [];
  // Supervision: a restate-server that dies on its own is started again on the same data and
  // ports; executions in flight resume from its journal. A crash loop gives up after a while.
  const superviseExit = (running: typeof current) => {
    void running.exited.then(async (result) => {
      if (stopping) return;
      const now = Date.now();
      restarts.push(now);
      while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
      if (restarts.length > maxRestartsPerMinute) {
        log.error('restate-server keeps exiting; not restarting it again', { exitCode: result.exitCode, signal: result.signal });
        return;
      }
      log.warn('restate-server exited unexpectedly; restarting it', { exitCode: result.exitCode, signal: result.signal });
      await sleep(500);
      try {
        current = await launch();
        superviseExit(current);
      } catch (error) {
        log.error('could not restart restate-server', { error });
      }
    });
  };
  superviseExit(current);

  return {
    ingressUrl,
    adminUrl,
    nodeUrl: `http://127.0.0.1:${ports.node}`,
    identityKey: identity.publicKey,
    get pid() {
      return current.child.pid!;
    },
    stop: async () => {
      stopping = true;
      if (current.child.exitCode === null) {
        current.child.kill('SIGTERM');
        await current.exited;
      }
      await rm(pidFile, { force: true });
    },
  };
}

export function findRestateBinary(): string {
  const packageName = `@restatedev/restate-server-${process.platform}-${process.arch}`;
  try {
    return createRequire(import.meta.url).resolve(`${packageName}/bin/restate-server`);
  } catch {
    throw new Error(
      `The restate-server binary was not found (${packageName} is not installed). ` +
        'Run `npm install`, set RESTATE_SERVER_BINARY to a restate-server executable, ' +
        'or set RESTATE_INGRESS_URL and RESTATE_ADMIN_URL to use a running Restate.',
    );
  }
}

/** A restate-server left running by a platform process that was killed holds our ports and data. */
async function stopLeftoverProcess(pidFile: string, binary: string, log: Logger): Promise<void> {
  const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''));
  if (!pid) return;
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!command.startsWith(binary)) return;
  log.warn('stopping a restate-server left over from an earlier run', { pid });
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + stopTimeoutMs;
  while (Date.now() < deadline && (await isRunning(pid))) await sleep(100);
  if (await isRunning(pid)) {
    process.kill(pid, 'SIGKILL');
    while (await isRunning(pid)) await sleep(100);
  }
}

/**
 * Whether a process still holds its resources. Its command line empties when it releases its
 * memory, before it closes its sockets; only as a zombie (or gone) has it let go of its ports.
 */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return stat !== '' && state !== 'Z' && state !== 'X';
}

async function waitUntilHealthy(ingressUrl: string, adminUrl: string): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    const [admin, ingress] = await Promise.all([isOk(`${adminUrl}/health`), isOk(`${ingressUrl}/restate/health`)]);
    if (admin && ingress) return;
    await sleep(100);
  }
  throw new Error(`restate-server did not become healthy within ${startTimeoutMs / 1000} s`);
}

export async function isOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function keepRecentLines(child: ResultPromise, log: Logger): () => string[] {
  const recent: string[] = [];
  const onLine = (line: string) => {
    recent.push(line);
    if (recent.length > 30) recent.shift();
    log.debug('restate-server', { line });
  };
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    });
  }
  return () => recent;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
