/**
 * Executions per second of a 10-node program with 1 and with 2 server processes, on one
 * PostgreSQL server and one Restate, behind the one port of scripts/cluster (the executor
 * endpoints of the servers balanced behind one address, so both run executor work).
 */
import { clusterSettings, startCluster } from '../scripts/cluster/cluster';
import { createProject, runProject, waitForStatus } from '../test/support/executions';
import { createTestDatabase, makeDataDir, removeDataDir } from '../test/support/platform';
import { chainProgram } from './executor';

export async function measureClusterThroughput(quick: boolean) {
  if (!process.env.DATABASE_URL) return { skipped: 'needs DATABASE_URL: several server processes share one PostgreSQL server' };
  const executions = quick ? 20 : 60;
  const results = [];
  for (const servers of [1, 2]) {
    const database = await createTestDatabase();
    const directory = await makeDataDir();
    const cluster = await startCluster(
      clusterSettings(process.env, {
        DATABASE_URL: database.url!, CLUSTER_DIR: directory, CLUSTER_PORT: 0, CLUSTER_SERVERS: servers,
        CLUSTER_RESTATE_NODES: 1, CLUSTER_REPLICATION: 1, LOG_LEVEL: 'warn',
      }),
    );
    try {
      const projectId = await createProject(cluster.graphqlUrl, 'ten', chainProgram(10));
      await waitForStatus(cluster.graphqlUrl, await runProject(cluster.graphqlUrl, projectId), ['completed'], 120_000); // warm-up
      const began = performance.now();
      const ids = await Promise.all(Array.from({ length: executions }, () => runProject(cluster.graphqlUrl, projectId)));
      const finished = await Promise.all(ids.map((id) => waitForStatus(cluster.graphqlUrl, id, ['completed', 'failed'], 600_000)));
      const seconds = (performance.now() - began) / 1000;
      const failed = finished.filter((execution) => execution.status !== 'completed').length;
      results.push({ servers, executions, failed, seconds: round(seconds), executionsPerSecond: round(executions / seconds) });
    } finally {
      await cluster.stop();
      await database.drop();
      await removeDataDir(directory);
    }
  }
  return { program: '10-node chain', runs: results };
}

const round = (n: number) => Number(n.toFixed(2));
