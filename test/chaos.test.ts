import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from '@jest/globals';
import getPort from 'get-port';
import { startCountingServer, type CountingServer } from './support/countingServer';
import { createProject, executionDetails, runProject } from './support/executions';
import { graphqlData, graphqlRequest } from './support/graphql';
import {
  createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform,
} from './support/platform';
import { journaledSteps } from './support/restateJournal';
import { webSocketSubscriber, type Collector } from './support/subscriptions';

/*
 * Chaos: 50 runs at once, each with Http side effects on a counting server and a HumanQuery
 * wait, and one fault in the middle of them: kill -9 of the server process, kill -9 of
 * restate-server, or a crash and restart of PostgreSQL. Afterwards every run completes, no
 * Http step that Restate had journaled as done before the fault was called again (a step in
 * flight at the fault may repeat: at-least-once), every node run matches Restate's journal,
 * and subscribers following some runs saw every event once, across a reconnect with afterSeq.
 */

const runCount = Number(process.env.CHAOS_RUNS ?? 50);
const followerEvery = 5; // every 5th run has a graphql-ws subscriber following it
const counterDelayMs = 1_500; // slow enough that many calls are in flight at the fault
const httpSteps = ['a', 'c', 'b'] as const;
const recoveryDeadlineMs = 150_000;
const report = Boolean(process.env.CHAOS_TEST_REPORT);
const run = promisify(execFile);

/**
 * a → (c ∥ review) ; review → b: a call, a call beside a form, and a call after the answer.
 * Http's body input is a dict: a Pack carries a's String body, and the approval, into the next call.
 */
function program(counterUrl: string, index: number): string {
  const call = (step: string) => `${step} = Http { url: "${counterUrl}/count?key=${index}-${step}", method: "POST" }`;
  return [
    call('a'),
    'after_a = Pack(previous: String)',
    'after_a.previous = a.body',
    call('c'),
    'c.body = after_a.out',
    `review = HumanQuery {
  title: "Go on with run ${index}?"
  fields: [
    {"fieldType": "display", "key": "seen", "required": true},
    {"fieldType": "approve_reject", "key": "decision"}
  ]
}`,
    'review.seen = a.status',
    'after_review = Pack(approved: Boolean)',
    'after_review.approved = review.decision_approved',
    call('b'),
    'b.body = after_review.out',
  ].join('\n');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await read().catch((error: unknown) => error as T);
    if (!(value instanceof Error) && done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${value instanceof Error ? value.message : JSON.stringify(value)}`);
    await sleep(everyMs);
  }
}

// ---- a PostgreSQL server of the test's own, to crash and restart --------------------------

interface OwnPostgres {
  url: string;
  /** A crash (stop -m immediate), `downMs` with no server, then a start with crash recovery. */
  crashAndRestart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((version) => existsSync(path.join(root, version, 'bin', 'pg_ctl')));
  versions.sort((x, y) => Number(x) - Number(y));
  const newest = versions.at(-1);
  return newest === undefined ? undefined : path.join(root, newest, 'bin');
}

async function startOwnPostgres(bin: string): Promise<OwnPostgres> {
  const asRoot = process.getuid?.() === 0;
  const pgRun = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]) : run(path.join(bin, tool), args);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'weft-chaos-pg-'));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dataDir, Number(stdout.trim()), Number(gid.trim()));
  }
  const port = await getPort({ host: '127.0.0.1' });
  await pgRun('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync']);
  const start = () =>
    pgRun('pg_ctl', ['-D', dataDir, '-l', path.join(dataDir, 'server.log'), '-w', '-o', `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off`, 'start']);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    crashAndRestart: async (downMs) => {
      await pgRun('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      await sleep(downMs);
      await start();
    },
    stop: async () => {
      await pgRun('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// ---- the round: load, fault, recovery, checks -------------------------------------------

type Fault = 'server' | 'restate' | 'postgres';

interface Follower {
  index: number;
  executionId: string;
  /** Events received on each connection, in order; the last connection is the live one. */
  connections: Collector<FollowedEvent>[];
  close: () => unknown;
}
type FollowedEvent = { executionEvents: { seq: number; execution: { status: string } } };

const restateLine = /"msg":"restate-server started"[^\n]*/g;
function restateOf(platform: RunningPlatform): { pid: number; adminUrl: string } {
  const line = [...platform.output().matchAll(restateLine)].at(-1)?.[0];
  if (!line) throw new Error('The platform logged no "restate-server started" line');
  return { pid: Number(/"pid":(\d+)/.exec(line)![1]), adminUrl: /"adminUrl":"([^"]+)"/.exec(line)![1]! };
}

async function openTasks(graphqlUrl: string): Promise<{ id: string; executionId: string }[]> {
  const { humanTasks } = await graphqlData(graphqlUrl, `{ humanTasks(first: 100, filter: { state: [open] }) { edges { node { id execution { id } } } } }`);
  return (humanTasks.edges as { node: { id: string; execution: { id: string } } }[]).map(({ node }) => ({ id: node.id, executionId: node.execution.id }));
}

async function finishedCount(graphqlUrl: string): Promise<number> {
  const { executions } = await graphqlData(graphqlUrl, `{ executions(first: 1, filter: { status: [completed, failed, cancelled] }) { totalCount } }`);
  return executions.totalCount as number;
}

async function chaosRound(fault: Fault, cleanups: (() => Promise<unknown>)[], ownPostgres?: OwnPostgres) {
  const timings: Record<string, number> = {};
  const began = Date.now();
  const mark = (phase: string) => (timings[phase] = Date.now() - began);

  const database = ownPostgres ? { url: ownPostgres.url, drop: async () => undefined } : await createTestDatabase();
  const dataDir = await makeDataDir();
  const counter: CountingServer = await startCountingServer(counterDelayMs);
  cleanups.push(() => database.drop(), () => removeDataDir(dataDir), () => counter.close());
  const start = async () => {
    const platform = await startPlatform({ dataDir, databaseUrl: database.url, env: { WEB_MODE: 'none' } });
    cleanups.push(() => platform.stop());
    return platform;
  };
  let platform = await start();
  mark('started');

  const projectIds: string[] = [];
  for (let index = 0; index < runCount; index++) projectIds.push(await createProject(platform.graphqlUrl, `chaos ${index}`, program(counter.url, index)));
  mark('projectsCreated');

  const follow = (url: string, executionId: string, afterSeq: number) => {
    const subscriber = webSocketSubscriber(url);
    const events = subscriber.subscribe<FollowedEvent>(
      `subscription ($id: ID!, $after: Int) { executionEvents(executionId: $id, afterSeq: $after) { seq execution { status } } }`,
      { id: executionId, after: afterSeq },
    );
    return { events, close: async () => { await subscriber.close(); } };
  };

  // 50 runs started at once; every 5th one followed from its first event.
  const followers: Follower[] = [];
  const executionIds = await Promise.all(projectIds.map(async (projectId, index) => {
    const executionId = await runProject(platform.graphqlUrl, projectId);
    if (index % followerEvery === 0) {
      const { events, close } = follow(platform.graphqlUrl, executionId, 0);
      followers.push({ index, executionId, connections: [events], close });
    }
    return executionId;
  }));
  followers.sort((x, y) => x.index - y.index);
  mark('runsStarted');

  // Some forms are answered before the fault, so that calls after a form are under way too.
  const answered = new Set<string>();
  const answer = async (url: string, taskId: string) => {
    const result = await graphqlRequest(url, `mutation ($id: ID!, $answer: JSON!) {
        answerHumanTask(id: $id, answer: $answer) { __typename ... on HumanTask { state } ... on Problem { code message } } }`,
    { id: taskId, answer: { decision: 'approve' } });
    const outcome = result.data?.answerHumanTask;
    if (outcome?.__typename === 'HumanTask') answered.add(taskId);
    else if (report) console.log(`answer of ${taskId} not taken: ${JSON.stringify(result.errors ?? outcome)}`);
  };
  const early = await until('some forms to open', () => openTasks(platform.graphqlUrl), (tasks) => tasks.length >= runCount / 5, 60_000, 100);
  await Promise.all(early.map((task) => answer(platform.graphqlUrl, task.id)));
  await until('calls after a form to be under way', async () => counter.requests.filter((r) => r.key.endsWith('-b')).length, (n) => n >= 5, 60_000, 20);

  // The steps Restate has journaled as done: none of them may call the counting server again.
  const journaledBefore = await journaledSteps(restateOf(platform).adminUrl);
  const doneBefore = new Set<string>();
  for (const [index, executionId] of executionIds.entries()) {
    for (const step of httpSteps) if (journaledBefore.get(executionId)?.get(`run ${step}[]`)?.done) doneBefore.add(`${index}-${step}`);
  }
  const requestsBefore = counter.requests.length;
  const faultAt = Date.now();
  mark('fault');

  const reconnecting = followers.filter((follower, position) => fault === 'server' || position % 2 === 1);
  if (fault === 'server') {
    platform.process.kill('SIGKILL');
    await platform.process.catch(() => undefined);
    await Promise.all(followers.map(async (follower) => follower.close()));
    platform = await start();
  } else if (fault === 'restate') {
    for (const follower of reconnecting) follower.connections.at(-1)!.stop();
    await Promise.all(reconnecting.map(async (follower) => follower.close()));
    const killed = restateOf(platform).pid;
    process.kill(killed, 'SIGKILL');
    await until('restate-server to be started again', async () => restateOf(platform).pid, (pid) => pid !== killed);
    expect(platform.output()).toContain('restate-server exited unexpectedly; restarting it');
  } else {
    for (const follower of reconnecting) follower.connections.at(-1)!.stop();
    await Promise.all(reconnecting.map(async (follower) => follower.close()));
    await ownPostgres!.crashAndRestart(2_000);
    await until('the platform to be healthy again', () => fetch(`${platform.url}/health`).then((r) => r.ok), (ok) => ok);
    await until('the event listener to be back', async () => platform.output(), (output) => output.includes('database listener reconnected'));
  }
  mark('recovered');
  expect(platform.process.exitCode).toBeNull();

  // Reconnect with the last seq each one saw.
  for (const follower of reconnecting) {
    const afterSeq = follower.connections.at(-1)!.received.at(-1)?.executionEvents.seq ?? 0;
    const { events, close } = follow(platform.graphqlUrl, follower.executionId, afterSeq);
    follower.connections.push(events);
    follower.close = close;
  }
  cleanups.push(() => Promise.all(followers.map(async (follower) => follower.close())));

  // Answer every form as it opens, until every run has finished.
  const graphqlUrl = platform.graphqlUrl;
  await until(`all ${runCount} runs to finish`, async () => {
    for (const task of await openTasks(graphqlUrl)) if (!answered.has(task.id)) await answer(graphqlUrl, task.id);
    return finishedCount(graphqlUrl);
  }, (finished) => finished >= runCount, recoveryDeadlineMs, 500);
  mark('allFinished');

  // Every run completed, every node once, each Http answer the one the counter gave last.
  const details = await Promise.all(executionIds.map((id) => executionDetails(graphqlUrl, id)));
  for (const [index, execution] of details.entries()) {
    expect({ index, status: execution.status, error: execution.error }).toEqual({ index, status: 'completed', error: null });
    expect(execution.runs.map((r) => r.nodeId).sort()).toEqual(['a', 'after_a', 'after_review', 'b', 'c', 'review']);
    for (const step of httpSteps) {
      const key = `${index}-${step}`;
      const record = execution.node(step);
      expect(record).toMatchObject({ status: 'completed', output: { status: 200 } });
      expect(JSON.parse(record!.output.body)).toEqual({ key, count: counter.counts.get(key) });
    }
    expect(execution.node('review')).toMatchObject({ status: 'completed', output: { decision_approved: true, decision_rejected: null } });
  }

  // A step journaled as done before the fault was called once; one in flight at most twice.
  const repeated: string[] = [];
  for (let index = 0; index < runCount; index++) {
    for (const step of httpSteps) {
      const key = `${index}-${step}`;
      const count = counter.counts.get(key) ?? 0;
      if (doneBefore.has(key)) expect({ key, count }).toEqual({ key, count: 1 });
      expect({ key, atLeastOnce: count >= 1, atMostOncePerFault: count <= 2 }).toEqual({ key, atLeastOnce: true, atMostOncePerFault: true });
      if (count > 1) repeated.push(key);
    }
  }
  expect(doneBefore.size).toBeGreaterThanOrEqual(runCount / 5);

  // Every node run matches Restate's journal: each completed node run has its journaled step
  // with the same outputs, each journaled step its completed node run, and no step twice.
  const journal = await journaledSteps(restateOf(platform).adminUrl);
  for (const [index, execution] of details.entries()) {
    const steps = journal.get(executionIds[index]!);
    expect({ index, journaled: steps !== undefined }).toEqual({ index, journaled: true });
    for (const [name, step] of steps!) expect({ index, name, commands: step.commands, done: step.done }).toEqual({ index, name, commands: 1, done: true });
    const nodeSteps = [...steps!.entries()].filter(([name]) => /^(run|answered) /.test(name));
    // The Packs are pure: workflow code, not steps of their own; their records hold what they make of their inputs.
    expect(nodeSteps.map(([name]) => name).sort()).toEqual(['answered review[]', 'run a[]', 'run b[]', 'run c[]']);
    expect({ index, after_a: execution.node('after_a')!.output }).toEqual({ index, after_a: { out: { previous: execution.node('a')!.output.body } } });
    expect({ index, after_review: execution.node('after_review')!.output }).toEqual({ index, after_review: { out: { approved: true } } });
    for (const [name, step] of nodeSteps) {
      const nodeId = /^\w+ (\w+)\[/.exec(name)![1]!;
      // A work step journals its outcome with the record it defers (recorded by the step after it); an answer step its outcome.
      const outcome = name.startsWith('run ') ? (step.result as { outcome: unknown }).outcome : step.result;
      expect({ index, nodeId, outcome }).toEqual({ index, nodeId, outcome: { status: 'completed', outputs: execution.node(nodeId)!.output } });
    }
    // Started through runProject, a run has its plan from the start: no start step.
    expect({ index, start: steps!.has('start') }).toEqual({ index, start: false });
    expect({ index, ask: steps!.get('ask review[]')?.done }).toEqual({ index, ask: true });
    // The finish is written without a step (it is idempotent): the run's end is in its record, checked above.
    expect({ index, finish: steps!.has('finish') }).toEqual({ index, finish: false });
  }

  // Followers: every event once, in order, across the reconnect.
  for (const follower of followers) {
    const live = follower.connections.at(-1)!;
    await within(live.completed, 30_000, `the subscription following run ${follower.index} to end`);
    const seqs = follower.connections.flatMap((events) => events.received.map((e) => e.executionEvents.seq));
    const { lastSeq } = details[follower.index]!;
    expect({ run: follower.index, seqs }).toEqual({ run: follower.index, seqs: Array.from({ length: lastSeq }, (_, i) => i + 1) });
    const last = follower.connections.flatMap((events) => events.received).at(-1);
    expect(last?.executionEvents.execution.status).toBe('completed');
  }
  mark('checked');

  const figures = {
    fault,
    runs: runCount,
    database: ownPostgres ? 'own PostgreSQL' : database.url ? 'PostgreSQL' : 'PGlite',
    httpStepsDoneBeforeFault: doneBefore.size,
    requestsBeforeFault: requestsBefore,
    requestsTotal: counter.requests.length,
    // Calls under way at some moment between the fault and the platform's recovery.
    requestsOverlappingFault: counter.requests.filter((r) => r.receivedAt <= faultAt + timings.recovered! - timings.fault! && (r.answeredAt ?? Infinity) > faultAt).length,
    httpStepsNotStartedAtFault: runCount * httpSteps.length - new Set(counter.requests.filter((r) => r.receivedAt <= faultAt).map((r) => r.key)).size,
    repeatedSteps: repeated,
    followers: followers.length,
    reconnectedFollowers: reconnecting.length,
    eventsSeenByFollowers: followers.reduce((sum, f) => sum + f.connections.reduce((n, c) => n + c.received.length, 0), 0),
    timingsMs: timings,
  };
  if (report) console.log(JSON.stringify(figures));
  return figures;
}

describe(`chaos: ${runCount} runs with Http side effects and HumanQuery waits, one fault in the middle`, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  }, 60_000);

  it('kill -9 of the server process, started again on the same DATA_DIR', async () => {
    await chaosRound('server', cleanups);
  }, 300_000);

  it('kill -9 of restate-server; the platform starts it again', async () => {
    await chaosRound('restate', cleanups);
  }, 300_000);

  const binaries = postgresBinaries();
  const postgresSkip = !process.env.DATABASE_URL
    ? 'DATABASE_URL is not set (the PostgreSQL fault needs server mode; CI sets it)'
    : !binaries
      ? 'no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)'
      : undefined;
  if (postgresSkip) console.log(`chaos.test.ts: the PostgreSQL restart case is skipped: ${postgresSkip}`);
  (postgresSkip ? it.skip : it)('crash and restart of PostgreSQL (a server of the test\'s own)', async () => {
    const postgres = await startOwnPostgres(binaries!);
    cleanups.push(() => postgres.stop());
    await chaosRound('postgres', cleanups, postgres);
  }, 300_000);
});
