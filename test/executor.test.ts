import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { graphqlData, graphqlRequest } from './support/graphql';
import { createProject, executionDetails, readExample, runProject, waitForStatus } from './support/executions';
import { embeddedRestateUrls } from './support/platform';
import { journalEntryTypes, journaledSteps } from './support/restateJournal';
import { webSocketSubscriber } from './support/subscriptions';
import { usePlatform } from './support/usePlatform';

describe('the executor runs Weft programs with their semantics', () => {
  const platform = usePlatform();
  const url = () => platform.current.graphqlUrl;


  it('runs pure nodes in the workflow itself: a chain of 450 Templates is recorded node by node, once each, in order, by a few record steps', async () => {
    const lines = ['n0 = Text { value: "x" }'];
    for (let i = 1; i < 450; i++) lines.push(`n${i} = Template(v: String) { template: "{{v}}." }`, `n${i}.v = n${i - 1}.${i === 1 ? 'value' : 'text'}`);
    const executionId = await runProject(url(), await createProject(url(), 'pure chain', lines.join('\n')));
    const subscriber = webSocketSubscriber(url());
    try {
      const events = await subscriber
        .subscribe<{ executionEvents: { seq: number; execution: { status: string }; nodeRun: { nodeId: string; status: string } | null } }>(
          'subscription ($id: ID!) { executionEvents(executionId: $id, afterSeq: 0) { seq execution { status } nodeRun { nodeId status } } }',
          { id: executionId },
        )
        .until((all) => all.some((e) => ['completed', 'failed'].includes(e.executionEvents.execution.status)), 60_000);
      expect(events.map((e) => e.executionEvents.seq)).toEqual(events.map((_, index) => index + 1));
      const nodeEvents = events.flatMap((e) => (e.executionEvents.nodeRun ? [e.executionEvents.nodeRun] : []));
      expect(nodeEvents).toEqual(Array.from({ length: 450 }, (_, i) => ({ nodeId: `n${i}`, status: 'completed' })));
    } finally {
      await subscriber.close();
    }
    const execution = await executionDetails(url(), executionId);
    expect(execution.status).toBe('completed');
    expect(execution.node('n449')).toMatchObject({ status: 'completed', inputs: { v: `x${'.'.repeat(448)}` }, output: { text: `x${'.'.repeat(449)}` } });
    expect(execution.node('n449')?.startedAt).toBeTruthy();
    // No step per node, nor one to start (runProject hands the run its plan), nor one to finish (its
    // write is idempotent): 200 records at most in one step, the first with the run's own start, the
    // last ones written with the finish.
    const steps = (await journaledSteps((await embeddedRestateUrls(platform.current.dataDir)).adminUrl)).get(executionId)!;
    expect([...steps.keys()]).toEqual(['record running +199', 'record n199[] +199']);
  });

  it('runs hello.weft: Python adds the numbers, Pack bundles them, Debug shows them', async () => {
    const executionId = await runProject(url(), await createProject(url(), 'hello', await readExample('hello')));
    const execution = await waitForStatus(url(), executionId, ['completed', 'failed']);
    expect(execution.status).toBe('completed');
    expect(execution.node('sum')).toMatchObject({ status: 'completed', inputs: { a: 19, b: 23 }, output: { total: 42, note: '19 + 23' } });
    expect(execution.node('bundle')?.output).toEqual({ out: { total: 42, note: '19 + 23' } });
    expect(execution.node('show')).toMatchObject({ status: 'completed', inputs: { data: { total: 42, note: '19 + 23' } } });
  });

  it('runs failure.weft: the failing branch skips downstream (a Debug too), a Null-typed input takes the null, the independent branch completes, the run fails', async () => {
    const executionId = await runProject(url(), await createProject(url(), 'failure', await readExample('failure')));
    const execution = await waitForStatus(url(), executionId, ['completed', 'failed']);
    expect(execution.status).toBe('failed');
    expect(execution.error).toMatch(/^broken: .*ZeroDivisionError/);
    expect(execution.node('broken')?.status).toBe('failed');
    expect(execution.node('broken')?.error).toContain('division by zero');
    expect(execution.node('after_broken')?.status).toBe('skipped');
    expect(execution.node('skipped_show')?.status).toBe('skipped');
    expect(execution.node('maybe')).toMatchObject({ status: 'skipped', details: { reason: 'required input data is null (broken failed)' } });
    expect(execution.node('optional')).toMatchObject({ status: 'completed', inputs: { value: null }, output: { out: { value: null } } });
    expect(execution.node('loud')).toMatchObject({ status: 'completed', output: { text: 'still here!' } });
    expect(execution.node('ok_show')?.status).toBe('completed');
  });

  it('runs lanes.weft: one node run per lane, gathered in order with null for the lane that gave none', async () => {
    const executionId = await runProject(url(), await createProject(url(), 'lanes', await readExample('lanes')));
    const execution = await waitForStatus(url(), executionId, ['completed', 'failed']);
    expect(execution.status).toBe('completed');
    const lanes = execution.runs.filter((run) => run.nodeId === 'price_all.price');
    expect(lanes.map((run) => run.lane).sort((a, b) => a[0]! - b[0]!)).toEqual([[0], [1], [2], [3], [4], [5], [6], [7]]);
    expect(execution.node('price_all.price', [4])?.output).toMatchObject({ total: null });
    expect(execution.node('price_all.price', [0])?.inputs).toEqual({ order: { qty: 1, unit: 2.5 }, rate: 0.2 });
    const totals = execution.node('report')?.inputs as { totals: (number | null)[] };
    expect(totals.totals).toHaveLength(8);
    expect(totals.totals[4]).toBeNull();
    expect(execution.node('report')?.output).toMatchObject({ summary: '7 of 8 priced, sum 93.00' });
  });

  it('runs approval.weft: waits for the reviewer, refuses an answer that does not fit, resumes on a good one', async () => {
    const executionId = await runProject(url(), await createProject(url(), 'approval', await readExample('approval')));
    const waiting = await waitForStatus(url(), executionId, ['waiting_for_input']);
    expect(waiting.node('review')?.status).toBe('waiting_for_input');
    const [task] = waiting.openTasks;
    expect(task).toMatchObject({ nodeId: 'review' });
    const reply = task!.form.fields.find((field: { key: string }) => field.key === 'reply');
    expect(reply.value).toBe('Hello Dana Okafor, we are sorry about: Invoice 7731 was charged twice.. A refund is on its way.');

    const refused = await graphqlRequest(url(), `mutation ($id: ID!, $answer: JSON!) { answerHumanTask(id: $id, answer: $answer) {
      ... on InvalidAnswer { code problems { field message } } } }`, {
      id: task!.id,
      answer: { reply: 'Sure', tone: 'sarcastic' },
    });
    expect(refused.data?.answerHumanTask).toMatchObject({ code: 'INVALID_ANSWER', problems: [{ field: 'tone', message: expect.any(String) }] });
    expect((await executionDetails(url(), executionId)).status).toBe('waiting_for_input');

    const { answerHumanTask } = await graphqlData(url(), `mutation ($id: ID!, $answer: JSON!) { answerHumanTask(id: $id, answer: $answer, answeredBy: "dana") { ... on HumanTask { state answeredBy } } }`, {
      id: task!.id,
      answer: { reply: 'Refund sent.', tone: 'warm', decision: 'approve' },
    });
    expect(answerHumanTask).toEqual({ state: 'answered', answeredBy: 'dana' });
    const done = await waitForStatus(url(), executionId, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.node('sent')).toMatchObject({ status: 'completed', inputs: { data: 'Refund sent.' } });
    // Approved: decision_rejected is null, and a Debug fed null skips.
    expect(done.node('dropped')).toMatchObject({ status: 'skipped', inputs: { data: null } });

    const again = await graphqlRequest(url(), `mutation ($id: ID!) { answerHumanTask(id: $id, answer: {}) { ... on TaskClosed { code state } } }`, { id: task!.id });
    expect(again.data?.answerHumanTask).toEqual({ code: 'TASK_CLOSED', state: 'answered' });
  });

  it('runs a trigger program by hand with the trigger outputs given as inputs, and refuses inputs that do not fit', async () => {
    const projectId = await createProject(url(), 'webhook', await readExample('webhook'));
    const refused = await graphqlRequest(url(), `mutation ($id: ID!, $inputs: JSON) { runProject(projectId: $id, inputs: $inputs) { ... on InvalidInput { message } } }`, {
      id: projectId,
      inputs: { hook: { city: 'Oslo', degrees: 'cold' } },
    });
    expect(refused.data?.runProject.message).toBe('This run cannot start: input for hook.degrees is a String, which is not a Number');
    const executionId = await runProject(url(), projectId, { inputs: { hook: { city: 'Oslo', degrees: -3 } } });
    const execution = await waitForStatus(url(), executionId, ['completed', 'failed']);
    expect(execution.node('line')?.output).toEqual({ text: 'Oslo: -3 °C' });
  });
});

const withServer = process.env.DATABASE_URL ? describe : describe.skip;

withServer('a run that an earlier platform handed to Restate', () => {
  const platform = usePlatform();

  it('keeps the shape of its journal after an upgrade: a run submitted without a journal shape starts and finishes in steps of their own', async () => {
    const url = platform.current.graphqlUrl;
    const projectId = await createProject(url, 'before the upgrade', 'greeting = Text { value: "hello" }\nshout = Template(v: String) { template: "{{v}}!" }\nshout.v = greeting.value');
    // What an earlier platform wrote and submitted: a pending execution, and an input of the execution id alone.
    const executionId = randomUUID();
    const client = new pg.Client({ connectionString: platform.database.url });
    await client.connect();
    try {
      await client.query(`INSERT INTO "Execution" (id, "projectId", trigger, "lastSeq") VALUES ($1, $2, 'Manual', 0)`, [executionId, projectId]);
    } finally {
      await client.end();
    }
    const { ingressUrl, adminUrl } = await embeddedRestateUrls(platform.current.dataDir);
    const submitted = await fetch(`${ingressUrl}/Execution/${executionId}/run/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ executionId }),
    });
    expect(submitted.ok).toBe(true);
    const execution = await waitForStatus(url, executionId, ['completed', 'failed']);
    expect(execution.status).toBe('completed');
    expect(execution.node('shout')?.output).toEqual({ text: 'hello!' });
    const steps = (await journaledSteps(adminUrl)).get(executionId)!;
    expect([...steps.keys()]).toEqual(['start', 'finish']);
    // And it asked for its pause promise at the start, as it did then; a run started now asks for none.
    expect(await journalEntryTypes(adminUrl, executionId)).toContain('Command: GetPromise');
    const current = await runProject(url, projectId);
    expect((await waitForStatus(url, current, ['completed', 'failed'])).status).toBe('completed');
    expect(await journalEntryTypes(adminUrl, current)).not.toContain('Command: GetPromise');
  });
});
