import { describe, expect, it } from '@jest/globals';
import { graphqlData } from './support/graphql';
import { createProject, readExample, waitForStatus } from './support/executions';
import {
  activateTriggers, deactivateTriggers, eventually, projectTriggers, runsOf, scheduledTimes, sleep, type TriggerView,
} from './support/triggers';
import { usePlatform } from './support/usePlatform';

const maxWebhookBytes = 2000;

const everyTwoSeconds = `
tick = Cron { cron: "*/2 * * * * *", timezone: "Europe/Oslo" }
show = Debug
show.data = tick.scheduledTime
`;

const reviewForm = `
start = HumanTrigger {
  title: "Start a review"
  fields: [
    {"fieldType": "text_input", "key": "ticket", "required": true},
    {"fieldType": "select", "key": "priority", "config": {"options": ["low", "high"]}}
  ]
}
line = Template(ticket: String, priority: String?) { template: "{{ticket}} ({{priority}})" }
line.ticket = start.ticket
line.priority = start.priority
`;

describe('triggers start runs on their own', () => {
  const platform = usePlatform({ env: { ALLOW_SECOND_CRON: 'true', WEBHOOK_MAX_BODY_BYTES: String(maxWebhookBytes) } });
  const url = () => platform.current.graphqlUrl;

  describe('Cron', () => {
    it('ticks on a seconds-field schedule: each tick a run labelled Cron with scheduledTime and actualTime', async () => {
      const projectId = await createProject(url(), 'every two seconds', everyTwoSeconds);
      const { triggers } = await activateTriggers(url(), projectId);
      expect(triggers).toEqual([
        expect.objectContaining({ nodeId: 'tick', kind: 'Cron', state: 'active', error: null, cron: '*/2 * * * * *', timezone: 'Europe/Oslo' }),
      ]);
      const trigger = triggers![0]!;
      const runs = await eventually(() => runsOf(url(), trigger.id), (found) => found.filter((run) => run.status === 'completed').length >= 3, 20_000);
      for (const run of runs.filter((r) => r.status === 'completed')) {
        expect(run).toMatchObject({ trigger: 'Cron', triggerId: trigger.id, triggeredBy: '*/2 * * * * *' });
        const { scheduledTime, actualTime } = run.nodeRuns.find((nodeRun) => nodeRun.nodeId === 'tick')!.output;
        expect(new Date(scheduledTime).toISOString()).toBe(scheduledTime);
        expect(new Date(scheduledTime).getUTCSeconds() % 2).toBe(0);
        expect(new Date(scheduledTime).getUTCMilliseconds()).toBe(0);
        expect(Date.parse(actualTime)).toBeGreaterThanOrEqual(Date.parse(scheduledTime));
        expect(Date.parse(actualTime) - Date.parse(scheduledTime)).toBeLessThan(1500);
        expect(run.nodeRuns.find((nodeRun) => nodeRun.nodeId === 'show')?.status).toBe('completed');
      }
      const times = scheduledTimes(runs, 'tick');
      expect(new Set(times).size).toBe(times.length);
      for (let i = 1; i < times.length; i++) expect(Date.parse(times[i]!) - Date.parse(times[i - 1]!)).toBe(2000);
      await deactivateTriggers(url(), projectId);
    }, 40_000);

    it('activating again (or twice) does not double the schedule; deactivating stops it', async () => {
      const projectId = await createProject(url(), 'activated three times', everyTwoSeconds);
      const [first] = (await activateTriggers(url(), projectId)).triggers!;
      await activateTriggers(url(), projectId);
      await deactivateTriggers(url(), projectId);
      await activateTriggers(url(), projectId);
      const runs = await eventually(() => runsOf(url(), first!.id), (found) => found.length >= 4, 20_000);
      const times = scheduledTimes(runs, 'tick');
      expect(new Set(times).size).toBe(times.length);

      const [stopped] = await deactivateTriggers(url(), projectId);
      expect(stopped).toMatchObject({ id: first!.id, state: 'inactive' });
      await sleep(1000);
      const countAfterStop = (await runsOf(url(), first!.id)).length;
      await sleep(4500);
      expect((await runsOf(url(), first!.id)).length).toBe(countAfterStop);
    }, 40_000);

    it('a failing run does not stop the schedule', async () => {
      const failing = `${everyTwoSeconds}\nboom = ExecPython(at: String) -> (x: Number) { code: "return {'x': 1 / 0}" }\nboom.at = tick.scheduledTime\n`;
      const projectId = await createProject(url(), 'failing every two seconds', failing);
      const [trigger] = (await activateTriggers(url(), projectId)).triggers!;
      const runs = await eventually(() => runsOf(url(), trigger!.id), (found) => found.filter((run) => run.status === 'failed').length >= 2, 25_000);
      expect(runs.every((run) => run.trigger === 'Cron')).toBe(true);
      await deactivateTriggers(url(), projectId);
    }, 40_000);

    it('refuses to activate a program with errors (a bad expression, an unknown time zone) and records no trigger', async () => {
      const projectId = await createProject(url(), 'broken cron', 'tick = Cron { cron: "every day" }');
      const { problem } = await activateTriggers(url(), projectId);
      expect(problem).toMatchObject({ code: 'PROGRAM_HAS_ERRORS' });
      expect(problem!.message).toContain('a cron expression has 5 fields');
      expect(await projectTriggers(url(), projectId)).toEqual([]);

      const zone = await activateTriggers(url(), await createProject(url(), 'bad zone', 'tick = Cron { cron: "* * * * *", timezone: "Mars/Base" }'));
      expect(zone.problem?.message).toContain('unknown time zone "Mars/Base"');
    });
  });

  describe('ApiPost webhooks', () => {
    let projectId: string;
    let hook: TriggerView;
    const post = (path: string, body: unknown, headers: Record<string, string> = { 'x-api-key': 'change-me' }) =>
      fetch(`${platform.current.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as any, headers: response.headers }));
    const runCount = async () => (await runsOf(url(), hook.id)).length;

    it('a POST with the declared fields starts a run of the trigger with them as outputs (202)', async () => {
      projectId = await createProject(url(), 'webhook', await readExample('webhook'));
      [hook] = (await activateTriggers(url(), projectId)).triggers! as [TriggerView];
      expect(hook).toMatchObject({ nodeId: 'hook', kind: 'ApiPost', state: 'active', webhookPath: `/webhooks/${hook.id}` });

      const before = Date.now();
      const answer = await post(hook.webhookPath!, { city: 'Oslo', degrees: -3, ignored: true });
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({
        executionId: expect.any(String),
        url: `${platform.current.url}/projects/${projectId}?executionId=${answer.body.executionId}`,
        graphql: { url: platform.current.graphqlUrl, subscription: expect.stringContaining(answer.body.executionId) },
      });
      const execution = await waitForStatus(url(), answer.body.executionId, ['completed', 'failed']);
      expect(execution.status).toBe('completed');
      expect(execution.node('line')?.output).toEqual({ text: 'Oslo: -3 °C' });
      const hookOutput = execution.node('hook')!.output;
      expect(hookOutput).toMatchObject({ city: 'Oslo', degrees: -3 });
      expect(Date.parse(hookOutput.receivedAt)).toBeGreaterThanOrEqual(before - 1000);
      const [run] = await runsOf(url(), hook.id);
      expect(run).toMatchObject({ id: answer.body.executionId, trigger: 'ApiPost', triggerId: hook.id });
    }, 40_000);

    it('refuses a missing or mistyped field with 400 naming it, and starts nothing', async () => {
      const count = await runCount();
      const missing = await post(hook.webhookPath!, { city: 'Oslo' });
      expect(missing).toMatchObject({ status: 400, body: { error: { code: 'MISSING_FIELD', field: 'degrees' } } });
      expect(missing.body.error.message).toContain('"degrees"');
      const nulled = await post(hook.webhookPath!, { city: 'Oslo', degrees: null });
      expect(nulled).toMatchObject({ status: 400, body: { error: { field: 'degrees' } } });
      const wrong = await post(hook.webhookPath!, { city: 'Oslo', degrees: 'cold' });
      expect(wrong).toMatchObject({ status: 400, body: { error: { code: 'WRONG_TYPE', field: 'degrees', message: 'The field "degrees" must be a Number, not a String' } } });
      expect((await post(hook.webhookPath!, 'not json')).status).toBe(400);
      expect((await post(hook.webhookPath!, [1, 2])).status).toBe(400);
      expect(await runCount()).toBe(count);
    });

    it('refuses a missing or wrong x-api-key with 401, an unknown webhook with 404, an oversized body with 413', async () => {
      const count = await runCount();
      expect((await post(hook.webhookPath!, { city: 'Oslo', degrees: 1 }, {})).status).toBe(401);
      expect((await post(hook.webhookPath!, { city: 'Oslo', degrees: 1 }, { 'x-api-key': 'guess' })).status).toBe(401);
      expect((await post('/webhooks/0190f3f0-0000-7000-8000-000000000000', { city: 'Oslo', degrees: 1 })).status).toBe(404);
      expect((await post('/webhooks/not-an-id', {})).status).toBe(404);
      const huge = await post(hook.webhookPath!, { city: 'x'.repeat(maxWebhookBytes), degrees: 1 });
      expect(huge).toMatchObject({ status: 413, body: { error: { code: 'REQUEST_TOO_LARGE' } } });
      expect(await runCount()).toBe(count);
    });

    it('the same Idempotency-Key starts one run, however often (and however concurrently) it is retried', async () => {
      const count = await runCount();
      const headers = { 'x-api-key': 'change-me', 'idempotency-key': 'delivery-42' };
      const first = await post(hook.webhookPath!, { city: 'Bergen', degrees: 9 }, headers);
      const retried = await Promise.all([1, 2, 3].map(() => post(hook.webhookPath!, { city: 'Bergen', degrees: 9 }, headers)));
      expect(first.status).toBe(202);
      for (const again of retried) expect(again).toMatchObject({ status: 202, body: { executionId: first.body.executionId, replayed: true } });
      const concurrent = await Promise.all([1, 2, 3].map(() => post(hook.webhookPath!, { city: 'Tromsø', degrees: -9 }, { ...headers, 'idempotency-key': 'delivery-43' })));
      expect(new Set(concurrent.map((answer) => answer.body.executionId)).size).toBe(1);
      expect(await runCount()).toBe(count + 2);
    });

    it('an inactive webhook answers 409', async () => {
      await deactivateTriggers(url(), projectId);
      const count = await runCount();
      const refused = await post(hook.webhookPath!, { city: 'Oslo', degrees: 1 });
      expect(refused).toMatchObject({ status: 409, body: { error: { code: 'TRIGGER_INACTIVE' } } });
      expect(await runCount()).toBe(count);
    });
  });

  describe('HumanTrigger forms', () => {
    it('are listed while active; a valid submission starts a run with the answers as outputs', async () => {
      const projectId = await createProject(url(), 'review form', reviewForm);
      const [trigger] = (await activateTriggers(url(), projectId)).triggers!;
      const { humanTriggerForms } = await graphqlData(url(), `{ humanTriggerForms { id nodeId project { id } form } }`);
      const listed = humanTriggerForms.find((form: { id: string }) => form.id === trigger!.id);
      expect(listed).toMatchObject({ nodeId: 'start', project: { id: projectId }, form: { title: 'Start a review' } });
      expect(listed.form.fields.map((field: { key: string }) => field.key)).toEqual(['ticket', 'priority']);

      const { submitHumanTrigger } = await graphqlData(url(), `mutation ($id: ID!, $answer: JSON!) {
        submitHumanTrigger(triggerId: $id, answer: $answer, submittedBy: "dana") {
          __typename ... on Execution { id trigger triggerId triggeredBy } ... on Problem { message } } }`, {
        id: trigger!.id,
        answer: { ticket: 'T-7', priority: 'high' },
      });
      expect(submitHumanTrigger).toMatchObject({ __typename: 'Execution', trigger: 'HumanTrigger', triggerId: trigger!.id, triggeredBy: 'dana' });
      const execution = await waitForStatus(url(), submitHumanTrigger.id, ['completed', 'failed']);
      expect(execution.node('start')?.output).toEqual({ ticket: 'T-7', priority: 'high' });
      expect(execution.node('line')?.output).toEqual({ text: 'T-7 (high)' });

      await deactivateTriggers(url(), projectId);
      const after = await graphqlData(url(), `{ humanTriggerForms { id } }`);
      expect(after.humanTriggerForms.map((form: { id: string }) => form.id)).not.toContain(trigger!.id);
    }, 40_000);

    it('an answer that does not fit the form is refused with every problem, and an inactive form starts nothing', async () => {
      const projectId = await createProject(url(), 'review form, refusals', reviewForm);
      const [trigger] = (await activateTriggers(url(), projectId)).triggers!;
      const submit = (answer: unknown) =>
        graphqlData(url(), `mutation ($id: ID!, $answer: JSON!) { submitHumanTrigger(triggerId: $id, answer: $answer) {
          __typename ... on Problem { code message } ... on InvalidAnswer { problems { field message } } } }`, { id: trigger!.id, answer });
      const { submitHumanTrigger: invalid } = await submit({ priority: 'urgent', extra: 1 });
      expect(invalid).toMatchObject({ __typename: 'InvalidAnswer', code: 'INVALID_ANSWER' });
      expect(invalid.problems.map((problem: { field: string }) => problem.field).sort()).toEqual(['extra', 'priority', 'ticket']);
      expect(await runsOf(url(), trigger!.id)).toEqual([]);

      await deactivateTriggers(url(), projectId);
      const { submitHumanTrigger: inactive } = await submit({ ticket: 'T-8' });
      expect(inactive).toMatchObject({ __typename: 'TriggerInactive', code: 'TRIGGER_INACTIVE' });
      const { submitHumanTrigger: unknown } = await graphqlData(url(), `mutation { submitHumanTrigger(triggerId: "0190f3f0-0000-7000-8000-000000000000", answer: {}) {
        __typename } }`);
      expect(unknown.__typename).toBe('NotFound');
      expect(await runsOf(url(), trigger!.id)).toEqual([]);
    });
  });
});
