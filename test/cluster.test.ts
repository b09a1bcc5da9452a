import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { clusterSettings, startCluster, type Cluster } from '../scripts/cluster/cluster';
import { createProject, executionDetails, runProject } from './support/executions';
import { graphqlData } from './support/graphql';
import { createTestDatabase, makeDataDir, removeDataDir, type TestDatabase } from './support/platform';

const withServer = process.env.DATABASE_URL ? describe : describe.skip;
if (!process.env.DATABASE_URL) {
  console.log('cluster.test.ts skipped: the multi-node deployment needs one real PostgreSQL; set DATABASE_URL (CI does)');
}

const runs = 8;
const stepDelayMs = 1_500;

/** A remote API that answers after a delay, so that runs are in flight when the kills come. */
function startSlowServer() {
  const server = http.createServer((request, response) => {
    request.resume();
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: true }));
    }, stepDelayMs);
  });
  return new Promise<{ url: string; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
    }));
  });
}

/** Four calls in a row; a Pack turns each String body into the next call's dict body. */
function program(url: string): string {
  const call = (step: string) => `${step} = Http { url: "${url}/${step}", method: "POST" }`;
  const chain = (previous: string, next: string) => [
    `after_${previous} = Pack(previous: String)`, `after_${previous}.previous = ${previous}.body`, call(next), `${next}.body = after_${previous}.out`,
  ];
  return [call('a'), ...chain('a', 'b'), ...chain('b', 'c'), ...chain('c', 'd')].join('\n');
}

/** One unsigned HTTP/2 request to the executor endpoints' address, as anything on the network could send it. */
async function callUnsigned(url: string, path: string): Promise<number> {
  const session = http2.connect(url);
  try {
    return await new Promise<number>((resolve, reject) => {
      session.once('error', reject);
      const request = session.request({ ':method': 'GET', ':path': path, accept: 'application/vnd.restate.endpointmanifest.v3+json' });
      request.once('response', (answer) => resolve(Number(answer[':status'])));
      request.once('error', reject);
      request.resume();
      request.end();
    });
  } finally {
    session.close();
  }
}

type Event = { seq: number; execution: { status: string; lastSeq: number } };

/**
 * A dashboard's subscriber: graphql-ws through the proxy; when its connection drops (the server
 * behind it was killed) it reconnects with afterSeq = the last seq it saw, until the execution ends.
 */
function resilientSubscriber(graphqlUrl: string, executionId: string) {
  const seqs: number[] = [];
  let reconnects = 0;
  let finalStatus = '';
  const done = (async () => {
    for (let attempt = 0; attempt < 50 && !finalStatus; attempt++) {
      const client = createClient({ url: graphqlUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
      await new Promise<void>((resolve) => {
        client.subscribe<{ executionEvents: Event }>(
          { query: `subscription ($id: ID!, $after: Int) { executionEvents(executionId: $id, afterSeq: $after) { seq execution { status lastSeq } } }`, variables: { id: executionId, after: seqs.at(-1) ?? 0 } },
          {
            next: ({ data }) => {
              if (!data) return;
              seqs.push(data.executionEvents.seq);
              if (['completed', 'failed', 'cancelled'].includes(data.executionEvents.execution.status)) finalStatus = data.executionEvents.execution.status;
            },
            error: () => resolve(),
            complete: () => resolve(),
          },
        );
      });
      await client.dispose();
      if (!finalStatus) {
        reconnects += 1;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
  })();
  return { seqs, done, reconnects: () => reconnects, finalStatus: () => finalStatus };
}

withServer('multi-node deployment: 2 servers behind one port, a 3-node Restate cluster, one PostgreSQL', () => {
  let database: TestDatabase;
  let directory: string;
  let cluster: Cluster;
  let slow: Awaited<ReturnType<typeof startSlowServer>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    directory = await makeDataDir();
    slow = await startSlowServer();
    const starting = Date.now();
    cluster = await startCluster(clusterSettings(process.env, { DATABASE_URL: database.url!, CLUSTER_DIR: directory, CLUSTER_PORT: 0, LOG_LEVEL: 'warn' }));
    console.log(`cluster started in ${Date.now() - starting} ms`);
  }, 240_000);
  afterAll(async () => {
    const stopping = Date.now();
    await cluster?.stop();
    console.log(`cluster stopped in ${Date.now() - stopping} ms`);
    await slow?.close();
    await database?.drop();
    if (directory) await removeDataDir(directory);
  }, 120_000);

  it('forms one Restate cluster of 3 metadata members and serves through the single port', async () => {
    const health = (await (await fetch(`${cluster.restate.adminUrl}/cluster-health`)).json()) as { cluster_name: string; metadata_cluster_health: { members: number[] } };
    expect(health.cluster_name).toBe('weftworks');
    expect([...health.metadata_cluster_health.members].sort()).toEqual([1, 2, 3]);
    expect((await fetch(`${cluster.url}/health`)).status).toBe(200);
  });

  it('executor endpoints refuse requests that no Restate node signed (each node has its own key)', async () => {
    expect(new Set(cluster.restateNodes.map((node) => node.identityKey)).size).toBe(cluster.restateNodes.length);
    for (let attempt = 0; attempt < cluster.servers.length * 2; attempt++) expect(await callUnsigned(cluster.executorUrl, '/discover')).toBe(401);
  });

  it('completes every run and delivers every event exactly once across kill -9 of a Restate node and a server', async () => {
    const url = cluster.graphqlUrl;
    const projectId = await createProject(url, 'slow chain', program(slow.url));
    const started = Date.now();
    const executionIds = await Promise.all(Array.from({ length: runs }, () => runProject(url, projectId)));
    const subscribers = executionIds.map((id) => resilientSubscriber(url, id));
    const inFlight = () => subscribers.filter((subscriber) => !subscriber.finalStatus()).length;

    // Mid-run: one Restate node (not the one that provisioned the cluster), then one server.
    await new Promise((resolve) => setTimeout(resolve, stepDelayMs * 1.5));
    const restateVictim = cluster.restateNodes[1]!;
    const inFlightAtRestateKill = inFlight();
    await restateVictim.kill('SIGKILL');
    const restateKilledAt = Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, stepDelayMs));
    const serverVictim = cluster.servers[0]!;
    const inFlightAtServerKill = inFlight();
    await serverVictim.kill('SIGKILL');
    const serverKilledAt = Date.now() - started;

    const completedAt: number[] = [];
    await Promise.all(subscribers.map(async (subscriber) => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([subscriber.done, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('run did not finish in 180 s')), 180_000)))]);
      clearTimeout(timer);
      completedAt.push(Date.now() - started);
    }));

    // The kills came mid-run (checked once every follower has ended, so none is left behind).
    expect(inFlightAtServerKill).toBeGreaterThan(0);
    for (const [index, executionId] of executionIds.entries()) {
      const execution = await executionDetails(url, executionId);
      expect({ executionId, status: execution.status, error: execution.error }).toEqual({ executionId, status: 'completed', error: null });
      // Every event exactly once, in order, across reconnects to whichever server answered.
      expect(subscribers[index]!.seqs).toEqual(Array.from({ length: execution.lastSeq }, (_, i) => i + 1));
    }
    const { executions } = await graphqlData(url, `query ($id: ID!) { executions(first: 50, filter: { projectId: $id }) { totalCount } }`, { id: projectId });
    expect(executions.totalCount).toBe(runs);
    const report = {
      runs,
      restateNodeKilledAtMs: restateKilledAt,
      inFlightAtRestateKill,
      serverKilledAtMs: serverKilledAt,
      inFlightAtServerKill,
      fastestPossibleRunMs: 4 * stepDelayMs,
      completedAtMs: { first: Math.min(...completedAt), last: Math.max(...completedAt) },
      reconnects: subscribers.reduce((sum, s) => sum + s.reconnects(), 0),
    };
    console.log(`cluster test: ${JSON.stringify(report)}`);
  }, 300_000);
});
