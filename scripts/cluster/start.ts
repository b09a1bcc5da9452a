/**
 * `npx tsx scripts/cluster/start.ts`: the multi-node deployment on loopback (see README,
 * "Running several nodes"): CLUSTER_SERVERS server processes behind CLUSTER_PORT, a Restate
 * cluster of CLUSTER_RESTATE_NODES nodes, on the PostgreSQL at DATABASE_URL. Ctrl-C stops it all.
 */
import { clusterSettings, startCluster } from './cluster';

const settings = clusterSettings(process.env);
const verbose = settings.LOG_LEVEL === 'debug';
const cluster = await startCluster(settings, verbose ? (line) => console.log(line) : undefined);
console.log(JSON.stringify({
  msg: 'cluster ready',
  url: cluster.url,
  graphql: cluster.graphqlUrl,
  servers: cluster.servers.map((s) => ({ name: s.name, pid: s.pid })),
  restateNodes: cluster.restateNodes.map((n) => ({ name: n.name, pid: n.pid, ingressUrl: n.ingressUrl, adminUrl: n.adminUrl })),
  restate: cluster.restate,
  executorUrl: cluster.executorUrl,
}, null, 2));
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await cluster.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
