/**
 * Soak: a steady load on one platform for a while (quick: 1 minute, full: 10 minutes), and
 * whether the server process keeps its memory and open handles within a stated bound.
 *
 * Load: a run started every 200 ms (Http to a local counting server, a Template, a Debug;
 * every 10th run also waits on a HumanQuery form that is answered within ~2 s), and 20
 * subscribers: 5 graphql-ws and 5 SSE clients on executionsFeed for the whole time, and
 * 10 graphql-ws clients that each follow one recent execution to its end, disconnect, and
 * start over with a new connection (subscription and connection churn).
 *
 * Every 10 s: the server's RSS and open file descriptors (from /proc/<pid>), its active
 * handles and V8 heap (its own /metrics), and restate-server's RSS. The samples after the
 * warm-up are split in thirds, and the last third is compared with the first: the RSS floor
 * (lowest sample: the heap swings by ~200 MB between major GCs, so single samples say
 * little) may grow by less than 50 MB, the median fd count and median active handles by
 * fewer than 20.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWebSocketClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startCountingServer } from '../test/support/countingServer';
import { createProject, runProject } from '../test/support/executions';
import { graphqlData, graphqlRequest } from '../test/support/graphql';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform } from '../test/support/platform';

export const soakBound = { rssGrowthMb: 50, fdGrowth: 20, handleGrowth: 20 };

export interface SoakSample {
  atS: number;
  serverRssMb: number;
  serverFds: number;
  activeHandles: number;
  heapUsedMb: number;
  restateRssMb: number;
  runsStarted: number;
  runsFinished: number;
  feedEvents: number;
  followedExecutions: number;
}

export interface SoakResult {
  database: 'PGlite' | 'PostgreSQL';
  durationS: number;
  warmUpS: number;
  runIntervalMs: number;
  subscribers: number;
  runsStarted: number;
  runsCompleted: number;
  runsNotCompleted: number;
  startErrors: number;
  subscriberErrors: number;
  feedEvents: number;
  followedExecutions: number;
  formsAnswered: number;
  samples: SoakSample[];
  /** Last third of the samples after the warm-up against the first third: what the bound is checked on. */
  growthAfterWarmUp: { rssFloorMb: number; medianFds: number; medianActiveHandles: number; restateRssFloorMb: number };
  /** The server's RSS after the warm-up: lowest, highest, and the last sample minus the first. */
  serverRssMb: { min: number; max: number; lastMinusFirst: number };
  rssSlopeMbPerMinute: number;
  bound: typeof soakBound;
  /** Only the full run is judged: a minute is too short for the heap to settle. */
  judged: boolean;
  withinBound: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round1 = (n: number) => Math.round(n * 10) / 10;

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function fdCount(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`).catch(() => [])).length;
}

async function serverMetrics(url: string): Promise<{ activeHandles: number; heapUsedMb: number }> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { activeHandles: value('weft_nodejs_active_handles_total'), heapUsedMb: value('weft_nodejs_heap_size_used_bytes') / 2 ** 20 };
}

/** restate-server is the server's child process (LOG_LEVEL=warn hides the line that names it). */
async function restatePid(serverPid: number): Promise<number | undefined> {
  const children = await readFile(`/proc/${serverPid}/task/${serverPid}/children`, 'utf8').catch(() => '');
  for (const pid of children.split(/\s+/).filter(Boolean).map(Number)) {
    if ((await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes('restate-server')) return pid;
  }
  return undefined;
}

const httpProgram = (counterUrl: string) => `
call = Http { url: "${counterUrl}/count?key=soak", method: "POST" }
say = Template(count: Number) { template: "count {{count}}" }
say.count = call.status
show = Debug
show.data = say.text
`;

const formProgram = `
topic = Text { value: "soak" }
review = HumanQuery {
  title: "Go on?"
  fields: [
    {"fieldType": "display", "key": "topic", "required": true},
    {"fieldType": "approve_reject", "key": "decision"}
  ]
}
review.topic = topic.value
show = Debug
show.data = review.decision_approved
`;

export async function measureSoak(options: { quick: boolean; durationS?: number }): Promise<SoakResult> {
  const durationS = options.durationS ?? (options.quick ? 60 : 600);
  const warmUpS = options.quick ? 20 : 60;
  const sampleEveryS = 10;
  const runIntervalMs = 200;
  const database = await createTestDatabase();
  const dataDir = await makeDataDir();
  const counter = await startCountingServer(20);
  const platform = await startPlatform({ dataDir, databaseUrl: database.url, env: { LOG_LEVEL: 'warn', WEB_MODE: 'none' } });
  const url = platform.graphqlUrl;
  const serverPid = platform.process.pid!;
  const stopping = { now: false };
  const clients: { dispose: () => unknown }[] = [];
  let startErrors = 0;
  let subscriberErrors = 0;
  let feedEvents = 0;
  let followedExecutions = 0;
  let formsAnswered = 0;
  const executionIds: string[] = [];
  try {
    const httpProjectId = await createProject(url, 'soak http', httpProgram(counter.url));
    const formProjectId = await createProject(url, 'soak form', formProgram);

    // 10 long-lived feed subscribers, half graphql-ws, half SSE.
    const feedQuery = 'subscription { executionsFeed { seq kind execution { id status } nodeRun { nodeId status } } }';
    const sink = { next: () => void (feedEvents += 1), error: () => void (subscriberErrors += 1), complete: () => undefined };
    for (let i = 0; i < 5; i++) {
      const ws = createWebSocketClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
      ws.subscribe({ query: feedQuery }, sink);
      clients.push(ws);
      const sse = createSseClient({ url, singleConnection: false, retryAttempts: 0 });
      sse.subscribe({ query: feedQuery }, sink);
      clients.push(sse);
    }

    // 10 followers that each follow a recent execution to its end over a new connection, again and again.
    const follow = async () => {
      let previous: string | undefined;
      while (!stopping.now) {
        const executionId = executionIds.at(-1);
        if (!executionId || executionId === previous) {
          await sleep(100);
          continue;
        }
        previous = executionId;
        const client: Client = createWebSocketClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 30_000);
          client.subscribe(
            { query: 'subscription ($id: ID!) { executionEvents(executionId: $id, afterSeq: 0) { seq execution { status } } }', variables: { id: executionId } },
            {
              next: () => undefined,
              error: () => ((subscriberErrors += 1), clearTimeout(timer), resolve()),
              complete: () => ((followedExecutions += 1), clearTimeout(timer), resolve()),
            },
          );
        });
        await client.dispose();
      }
    };
    const followers = Array.from({ length: 10 }, follow);

    // Forms are answered as they open.
    const answerForms = async () => {
      while (!stopping.now) {
        await sleep(2_000);
        const open = await graphqlData(url, '{ humanTasks(first: 100) { edges { node { id } } } }').catch(() => undefined);
        for (const { node } of (open?.humanTasks.edges ?? []) as { node: { id: string } }[]) {
          const result = await graphqlRequest(url, `mutation ($id: ID!) { answerHumanTask(id: $id, answer: { decision: "approve" }) { __typename } }`, { id: node.id }).catch(() => undefined);
          if (result?.data?.answerHumanTask.__typename === 'HumanTask') formsAnswered += 1;
        }
      }
    };
    const answering = answerForms();

    // A run every 200 ms, at most 50 start requests outstanding.
    let outstanding = 0;
    let runsStarted = 0;
    const startRuns = async () => {
      for (let n = 0; !stopping.now; n++) {
        if (outstanding < 50) {
          outstanding += 1;
          void runProject(url, n % 10 === 9 ? formProjectId : httpProjectId)
            .then((id) => void (executionIds.push(id), (runsStarted += 1)), () => void (startErrors += 1))
            .finally(() => (outstanding -= 1));
        }
        await sleep(runIntervalMs);
      }
    };
    const starting = startRuns();

    const finishedCount = async () => {
      const { executions } = await graphqlData(url, '{ executions(first: 1, filter: { status: [completed, failed, cancelled] }) { totalCount } }');
      return executions.totalCount as number;
    };
    const samples: SoakSample[] = [];
    const began = Date.now();
    for (let at = sampleEveryS; at <= durationS; at += sampleEveryS) {
      await sleep(began + at * 1000 - Date.now());
      const restate = await restatePid(serverPid);
      const metrics = await serverMetrics(platform.url);
      samples.push({
        atS: at,
        serverRssMb: round1(await rssMb(serverPid)),
        serverFds: await fdCount(serverPid),
        activeHandles: metrics.activeHandles,
        heapUsedMb: round1(metrics.heapUsedMb),
        restateRssMb: restate ? round1(await rssMb(restate)) : 0,
        runsStarted,
        runsFinished: await finishedCount(),
        feedEvents,
        followedExecutions,
      });
      console.error(`soak ${JSON.stringify(samples.at(-1))}`);
    }
    stopping.now = true;
    await starting;
    await Promise.all([...followers, answering]);
    // What was started is given a little time to finish.
    const deadline = Date.now() + 30_000;
    let finished = await finishedCount();
    while (finished < runsStarted && Date.now() < deadline) {
      await sleep(1_000);
      finished = await finishedCount();
    }
    const { executions: completed } = await graphqlData(url, '{ executions(first: 1, filter: { status: [completed] }) { totalCount } }');

    const afterWarmUp = samples.filter((s) => s.atS > warmUpS);
    const third = Math.max(1, Math.floor(afterWarmUp.length / 3));
    const early = afterWarmUp.slice(0, third);
    const late = afterWarmUp.slice(-third);
    const min = (values: number[]) => Math.min(...values);
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    const change = (pick: (s: SoakSample) => number, summary: (values: number[]) => number) => round1(summary(late.map(pick)) - summary(early.map(pick)));
    const growth = {
      rssFloorMb: change((s) => s.serverRssMb, min),
      medianFds: change((s) => s.serverFds, median),
      medianActiveHandles: change((s) => s.activeHandles, median),
      restateRssFloorMb: change((s) => s.restateRssMb, min),
    };
    const withinBound = growth.rssFloorMb < soakBound.rssGrowthMb && growth.medianFds < soakBound.fdGrowth && growth.medianActiveHandles < soakBound.handleGrowth;
    const rss = afterWarmUp.map((s) => s.serverRssMb);
    return {
      database: database.url ? 'PostgreSQL' : 'PGlite',
      durationS,
      warmUpS,
      runIntervalMs,
      subscribers: 20,
      runsStarted,
      runsCompleted: completed.totalCount,
      runsNotCompleted: runsStarted - completed.totalCount,
      startErrors,
      subscriberErrors,
      feedEvents,
      followedExecutions,
      formsAnswered,
      samples,
      growthAfterWarmUp: growth,
      serverRssMb: { min: min(rss), max: Math.max(...rss), lastMinusFirst: round1(rss.at(-1)! - rss[0]!) },
      rssSlopeMbPerMinute: round1(slope(afterWarmUp.map((s) => [s.atS / 60, s.serverRssMb]))),
      bound: soakBound,
      judged: !options.quick,
      withinBound,
    };
  } finally {
    stopping.now = true;
    await Promise.all(clients.map(async (client) => client.dispose()));
    await platform.stop();
    await counter.close();
    await database.drop();
    await removeDataDir(dataDir);
  }
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measureSoak({ quick: process.argv.includes('--quick') });
  console.log(JSON.stringify(result, null, 2));
}
