import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import getPort from 'get-port';
import { z } from 'zod';
import { findRestateBinary } from '../../server/restate/embedded';
import { ensureRequestIdentity } from '../../server/restate/identity';
import { startHttpFront, startTcpBalancer, type Front } from './proxy';

/**
 * A multi-node deployment on loopback, without Docker: N server processes behind one port, one
 * PostgreSQL (DATABASE_URL), and a Restate cluster of M nodes (the restate-server binary from
 * npm) with replicated metadata (raft) and a replicated log. Used by `scripts/cluster/start.ts`
 * and by test/cluster.test.ts. Each Restate node signs its requests to the servers' executor
 * endpoints with a key of its own (kept in its folder); the servers accept only those keys.
 */

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The settings of the deployment script (the servers themselves read server/config.ts). */
export const clusterSettingsSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL of a running PostgreSQL server'),
  CLUSTER_DIR: z.string().default('./.data/cluster'),
  /** The one port of the deployment: app, /graphql (HTTP, WebSocket, SSE), /health. 0 picks a free one. */
  CLUSTER_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  CLUSTER_SERVERS: z.coerce.number().int().min(1).max(8).default(2),
  CLUSTER_RESTATE_NODES: z.coerce.number().int().min(1).max(7).default(3),
  /** Copies of each log record and partition; with 3 nodes, 2 survive the loss of one. */
  CLUSTER_REPLICATION: z.coerce.number().int().min(1).default(2),
  CLUSTER_PARTITIONS: z.coerce.number().int().min(1).default(4),
  CLUSTER_RESTATE_MEMORY: z.string().default('256MB'),
  CLUSTER_PROBE_INTERVAL_MS: z.coerce.number().int().positive().default(250),
  SECRET: z.string().min(24).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});
export type ClusterSettings = z.infer<typeof clusterSettingsSchema>;

export function clusterSettings(environment: NodeJS.ProcessEnv, overrides: Partial<ClusterSettings> = {}): ClusterSettings {
  const parsed = clusterSettingsSchema.safeParse({ ...environment, ...overrides });
  if (!parsed.success) {
    throw new Error(`Invalid cluster settings:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  if (parsed.data.CLUSTER_REPLICATION > parsed.data.CLUSTER_RESTATE_NODES) throw new Error('CLUSTER_REPLICATION cannot exceed CLUSTER_RESTATE_NODES');
  return parsed.data;
}

const startTimeoutMs = 120_000;

export interface ManagedProcess {
  name: string;
  pid: number | undefined;
  process: ResultPromise;
  output(): string;
  /** Starts it again with the same settings and data (after a kill). */
  restart(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface Cluster {
  url: string;
  graphqlUrl: string;
  /** identityKey: the public key the node signs its requests to the executor endpoints with. */
  restateNodes: (ManagedProcess & { ingressUrl: string; adminUrl: string; identityKey: string })[];
  servers: ManagedProcess[];
  restate: { ingressUrl: string; adminUrl: string };
  executorUrl: string;
  stop(): Promise<void>;
}

export async function startCluster(settings: ClusterSettings, log: (line: string) => void = () => undefined): Promise<Cluster> {
  const directory = path.resolve(settings.CLUSTER_DIR);
  const fronts: Front[] = [];
  const processes: ManagedProcess[] = [];
  const stop = async () => {
    await Promise.all(fronts.map((front) => front.close()));
    // Servers first (they use Restate and the database), then the Restate nodes, each tier at once.
    const servers = processes.filter((managed) => managed.name.startsWith('server'));
    await Promise.all(servers.map((managed) => managed.kill('SIGTERM')));
    await Promise.all(processes.filter((managed) => !servers.includes(managed)).map((managed) => managed.kill('SIGTERM')));
  };
  try {
    const free = () => getPort({ host: '127.0.0.1' });
    // Restate: every node runs every role; the first provisions the cluster, the others join it.
    const binary = findRestateBinary();
    const nodes: { name: string; fabric: number; ingress: number; admin: number }[] = [];
    for (let i = 1; i <= settings.CLUSTER_RESTATE_NODES; i++) nodes.push({ name: `n${i}`, fabric: await free(), ingress: await free(), admin: await free() });
    const restateNodes = await Promise.all(nodes.map(async (node, index) => {
      const base = path.join(directory, 'restate', node.name);
      await mkdir(base, { recursive: true });
      const identity = await ensureRequestIdentity(base);
      const configFile = path.join(base, 'restate.toml');
      await writeFile(configFile, restateNodeConfig(node, index === 0, nodes.map((n) => n.fabric), base, identity.privateKeyFile, settings));
      const managed = manage(node.name, binary, ['--no-logo', '--config-file', configFile], { RESTATE_LISTEN_MODE: 'tcp', RESTATE_LOG_FORMAT: 'json' }, log);
      processes.push(managed);
      return Object.assign(managed, { ingressUrl: `http://127.0.0.1:${node.ingress}`, adminUrl: `http://127.0.0.1:${node.admin}`, identityKey: identity.publicKey });
    }));
    await Promise.all(restateNodes.map((node) => waitFor(`${node.adminUrl}/health`, node).then(() => waitFor(`${node.ingressUrl}/restate/health`, node))));

    const ingress = await startTcpBalancer({ port: await free(), backends: nodes.map((n) => ({ host: '127.0.0.1', port: n.ingress })), connectTimeoutMs: 2_000 });
    const admin = await startTcpBalancer({ port: await free(), backends: nodes.map((n) => ({ host: '127.0.0.1', port: n.admin })), connectTimeoutMs: 2_000 });
    fronts.push(ingress, admin);

    // Servers: each its own executor port; Restate reaches them through one balanced address,
    // so every server registers the same deployment and any live one can run any step.
    const servers: { name: string; port: number; executorPort: number }[] = [];
    for (let i = 1; i <= settings.CLUSTER_SERVERS; i++) servers.push({ name: `server${i}`, port: await free(), executorPort: await free() });
    const executor = await startTcpBalancer({ port: await free(), backends: servers.map((s) => ({ host: '127.0.0.1', port: s.executorPort })), connectTimeoutMs: 2_000 });
    fronts.push(executor);
    const secret = settings.SECRET ?? randomSecret();
    const serverProcesses: ManagedProcess[] = [];
    for (const server of servers) {
      const dataDir = path.join(directory, server.name);
      await mkdir(dataDir, { recursive: true });
      const managed = manage(server.name, 'node', ['--import', 'tsx', 'server/main.ts'], {
        PORT: String(server.port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        DATABASE_URL: settings.DATABASE_URL,
        RESTATE_INGRESS_URL: ingress.url,
        RESTATE_ADMIN_URL: admin.url,
        EXECUTOR_PORT: String(server.executorPort),
        EXECUTOR_URL: executor.url,
        SECRET: secret,
        // Requests to the executor endpoint must be signed by one of the Restate nodes.
        RESTATE_IDENTITY_KEYS: restateNodes.map((restateNode) => restateNode.identityKey).join(','),
        LOG_LEVEL: settings.LOG_LEVEL,
      }, log);
      processes.push(managed);
      serverProcesses.push(managed);
      // One at a time: the first applies the migrations.
      await waitFor(`http://127.0.0.1:${server.port}/health`, managed);
    }

    const front = await startHttpFront({
      port: settings.CLUSTER_PORT === 0 ? await free() : settings.CLUSTER_PORT,
      backends: servers.map((s) => `http://127.0.0.1:${s.port}`),
      probeIntervalMs: settings.CLUSTER_PROBE_INTERVAL_MS,
      probeTimeoutMs: settings.CLUSTER_PROBE_INTERVAL_MS * 4,
    });
    fronts.push(front);
    return {
      url: front.url,
      graphqlUrl: `${front.url}/graphql`,
      restateNodes,
      servers: serverProcesses,
      restate: { ingressUrl: ingress.url, adminUrl: admin.url },
      executorUrl: executor.url,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function restateNodeConfig(
  node: { name: string; fabric: number; ingress: number; admin: number },
  provisions: boolean,
  fabricPorts: number[],
  baseDir: string,
  identityKeyFile: string,
  settings: ClusterSettings,
): string {
  const quote = (value: string) => JSON.stringify(value);
  return [
    `roles = ["metadata-server", "admin", "worker", "log-server", "http-ingress"]`,
    `node-name = ${quote(node.name)}`,
    `cluster-name = "weftworks"`,
    `base-dir = ${quote(baseDir)}`,
    `bind-address = ${quote(`127.0.0.1:${node.fabric}`)}`,
    `advertised-address = ${quote(`http://127.0.0.1:${node.fabric}`)}`,
    // At most one node may provision the cluster; the others join through the metadata servers.
    `auto-provision = ${provisions}`,
    `default-replication = ${settings.CLUSTER_REPLICATION}`,
    `default-num-partitions = ${settings.CLUSTER_PARTITIONS}`,
    `rocksdb-total-memory-size = ${quote(settings.CLUSTER_RESTATE_MEMORY)}`,
    '',
    '[metadata-client]',
    'type = "replicated"',
    `addresses = [${fabricPorts.map((port) => quote(`http://127.0.0.1:${port}`)).join(', ')}]`,
    '',
    '[bifrost]',
    'default-provider = "replicated"',
    '',
    '[admin]',
    `bind-address = ${quote(`127.0.0.1:${node.admin}`)}`,
    '',
    '[ingress]',
    `bind-address = ${quote(`127.0.0.1:${node.ingress}`)}`,
    '',
    '[worker.invoker]',
    `request-identity-private-key-pem-file = ${quote(identityKeyFile)}`,
    '',
  ].join('\n');
}

function manage(name: string, command: string, args: string[], env: Record<string, string>, log: (line: string) => void): ManagedProcess {
  let output = '';
  let child: ResultPromise;
  const launch = () => {
    child = execa(command, args, { cwd: projectRoot, env, extendEnv: true, reject: false, buffer: false, stdin: 'ignore', forceKillAfterDelay: 15_000 });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        output = (output + text).slice(-200_000);
        for (const line of text.split('\n')) if (line.trim()) log(`[${name}] ${line}`);
      });
    }
  };
  launch();
  const managed: ManagedProcess = {
    name,
    get pid() { return child.pid; },
    get process() { return child; },
    output: () => output,
    restart: async () => {
      if (child.exitCode === null && child.signalCode === null) throw new Error(`${name} is still running`);
      launch();
    },
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await child;
    },
  };
  return managed;
}

export async function waitFor(url: string, managed: ManagedProcess, timeoutMs = startTimeoutMs): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (managed.process.exitCode !== null) throw new Error(`${managed.name} exited while starting:\n${managed.output().slice(-4000)}`);
    if (await fetch(url, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${managed.name} did not answer ${url} within ${timeoutMs / 1000} s:\n${managed.output().slice(-4000)}`);
}

function randomSecret(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
