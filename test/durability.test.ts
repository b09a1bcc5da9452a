import { afterAll, describe, expect, it } from '@jest/globals';
import { graphqlData } from './support/graphql';
import { createProject, readExample, runProject, waitForNode, waitForStatus } from './support/executions';
import {
  createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase,
} from './support/platform';
import { sseSubscriber, webSocketSubscriber } from './support/subscriptions';

const fastThenSlow = `
fast = ExecPython -> (stamp: Number) {
  code: \`\`\`
import time
return {"stamp": time.time()}
  \`\`\`
}
slow = ExecPython(after: Number) -> (done: Number) {
  code: \`\`\`
import time
time.sleep(3)
return {"done": after}
  \`\`\`
}
slow.after = fast.stamp
show = Debug
show.data = slow.done
`;

type NodeEvent = { executionEvents: { seq: number; nodeRun: { nodeId: string; status: string; output: any } | null } };

/** Every stored event of an execution, replayed from the start. */
async function allEvents(graphqlUrl: string, executionId: string, lastSeq: number) {
  const subscriber = webSocketSubscriber(graphqlUrl);
  try {
    const events = subscriber.subscribe<NodeEvent>(
      `subscription ($id: ID!) { executionEvents(executionId: $id, afterSeq: 0) { seq nodeRun { nodeId status output } } }`,
      { id: executionId },
    );
    const received = await events.until((r) => r.length >= lastSeq);
    events.stop();
    return received;
  } finally {
    await subscriber.close();
  }
}

function restatePidOf(platform: RunningPlatform): number {
  const pids = [...platform.output().matchAll(/"msg":"restate-server started"[^\n]*"pid":(\d+)/g)].map((m) => Number(m[1]));
  return pids.at(-1)!;
}

describe('executions survive crashes', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }, 60_000);

  async function freshPlatform() {
    const database: TestDatabase = await createTestDatabase();
    const dataDir = await makeDataDir();
    cleanups.push(() => database.drop(), () => removeDataDir(dataDir));
    const start = async () => {
      const platform = await startPlatform({ dataDir, databaseUrl: database.url });
      cleanups.push(() => platform.stop());
      return platform;
    };
    return { start };
  }

  async function expectFinishedWithoutRerunningFast(platform: RunningPlatform, executionId: string, stampBeforeCrash: number) {
    const execution = await waitForStatus(platform.graphqlUrl, executionId, ['completed', 'failed'], 90_000);
    expect(execution.status).toBe('completed');
    expect(execution.node('fast')?.output).toMatchObject({ stamp: stampBeforeCrash });
    expect(execution.node('show')?.inputs).toEqual({ data: stampBeforeCrash });
    const events = await allEvents(platform.graphqlUrl, executionId, execution.lastSeq);
    expect(events.map((e) => e.executionEvents.seq)).toEqual(events.map((_, i) => i + 1));
    const fastStarts = events.filter((e) => e.executionEvents.nodeRun?.nodeId === 'fast' && e.executionEvents.nodeRun.status === 'running');
    expect(fastStarts).toHaveLength(1);
  }

  async function startSlowRun(platform: RunningPlatform) {
    const executionId = await runProject(platform.graphqlUrl, await createProject(platform.graphqlUrl, 'durable', fastThenSlow));
    await waitForNode(platform.graphqlUrl, executionId, 'slow', 'running');
    const { execution } = await graphqlData(platform.graphqlUrl, `query ($id: ID!) { execution(id: $id) { nodeRuns { nodeId output } } }`, { id: executionId });
    const stamp = execution.nodeRuns.find((run: { nodeId: string }) => run.nodeId === 'fast').output.stamp as number;
    return { executionId, stamp };
  }

  it('resumes after the server process is killed (kill -9) and started again, without running finished nodes again', async () => {
    const { start } = await freshPlatform();
    const first = await start();
    const { executionId, stamp } = await startSlowRun(first);
    first.process.kill('SIGKILL');
    await first.process.catch(() => undefined);
    const second = await start();
    await expectFinishedWithoutRerunningFast(second, executionId, stamp);
  }, 180_000);

  it('resumes after restate-server is killed (kill -9): the platform restarts it', async () => {
    const { start } = await freshPlatform();
    const platform = await start();
    const { executionId, stamp } = await startSlowRun(platform);
    const restatePid = restatePidOf(platform);
    process.kill(restatePid, 'SIGKILL');
    await expectFinishedWithoutRerunningFast(platform, executionId, stamp);
    expect(restatePidOf(platform)).not.toBe(restatePid);
    expect(platform.output()).toContain('restate-server exited unexpectedly; restarting it');
  }, 180_000);

  it('resumes a run with many nodes in flight at the kill, ending with every node run once completed', async () => {
    const { start } = await freshPlatform();
    const first = await start();
    const lines = ['seed = Number { value: 1 }'];
    for (let i = 0; i < 12; i++) {
      lines.push(
        `w${i} = ExecPython(n: Number) -> (n: Number) {\n  code: \`\`\`\nimport time, random\ntime.sleep(random.uniform(0.2, 1.5))\nreturn {"n": n + ${i}}\n  \`\`\`\n}`,
        `w${i}.n = seed.value`,
      );
    }
    const executionId = await runProject(first.graphqlUrl, await createProject(first.graphqlUrl, 'wide', lines.join('\n')));
    await waitForNode(first.graphqlUrl, executionId, 'w0', 'running');
    await new Promise((resolve) => setTimeout(resolve, 700));
    first.process.kill('SIGKILL');
    await first.process.catch(() => undefined);
    const second = await start();
    const done = await waitForStatus(second.graphqlUrl, executionId, ['completed', 'failed'], 90_000);
    expect(done.status).toBe('completed');
    for (let i = 0; i < 12; i++) expect(done.node(`w${i}`)).toMatchObject({ status: 'completed', output: { n: 1 + i } });
  }, 180_000);

  it('keeps a form waiting across a restart; the answer after it resumes the run, and subscribers that reconnect with afterSeq see every event once', async () => {
    const { start } = await freshPlatform();
    const first = await start();
    const executionId = await runProject(first.graphqlUrl, await createProject(first.graphqlUrl, 'approval', await readExample('approval')));
    const transports = [webSocketSubscriber, sseSubscriber];
    const followEvents = (subscriber: ReturnType<typeof webSocketSubscriber>, afterSeq: number) =>
      subscriber.subscribe<{ executionEvents: { seq: number; execution: { status: string } } }>(
        `subscription ($id: ID!, $after: Int) { executionEvents(executionId: $id, afterSeq: $after) { seq execution { status } } }`,
        { id: executionId, after: afterSeq },
      );
    const before = transports.map((connect) => connect(first.graphqlUrl));
    const beforeRestart = before.map((subscriber) => followEvents(subscriber, 0));
    const waiting = await waitForStatus(first.graphqlUrl, executionId, ['waiting_for_input']);
    await Promise.all(beforeRestart.map((events) => events.until((received) => received.some((e) => e.executionEvents.seq === waiting.lastSeq))));
    const taskId = waiting.openTasks[0]!.id;
    first.process.kill('SIGKILL');
    await first.process.catch(() => undefined);
    await Promise.all(before.map((subscriber) => subscriber.close()));

    const second = await start();
    const after = transports.map((connect) => connect(second.graphqlUrl));
    const afterRestart = after.map((subscriber, index) => followEvents(subscriber, beforeRestart[index]!.received.at(-1)!.executionEvents.seq));
    await graphqlData(second.graphqlUrl, `mutation ($id: ID!, $answer: JSON!) { answerHumanTask(id: $id, answer: $answer) { ... on HumanTask { state } } }`, {
      id: taskId,
      answer: { reply: 'Refund sent.', tone: 'formal', decision: 'reject' },
    });
    const done = await waitForStatus(second.graphqlUrl, executionId, ['completed', 'failed'], 90_000);
    expect(done.status).toBe('completed');
    expect(done.node('dropped')?.inputs).toEqual({ data: true });
    // Rejected: decision_approved is null, and Gate's pass is required, so the Gate skips (NODES.md 2.4).
    expect(done.node('send_gate')?.status).toBe('skipped');
    expect(done.node('sent')?.inputs).toEqual({ data: null });

    await Promise.all(afterRestart.map((events) => events.completed));
    await Promise.all(after.map((subscriber) => subscriber.close()));
    for (const [index, events] of afterRestart.entries()) {
      const seqs = [...beforeRestart[index]!.received, ...events.received].map((event) => event.executionEvents.seq);
      expect(seqs).toEqual(Array.from({ length: done.lastSeq }, (_, i) => i + 1));
      expect(events.received.at(-1)!.executionEvents.execution.status).toBe('completed');
    }
  }, 180_000);
});
