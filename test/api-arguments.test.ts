import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readExample } from './support/executions';
import { graphqlPost } from './support/graphql';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase } from './support/platform';
import { webSocketSubscriber } from './support/subscriptions';

/**
 * Every argument that reaches SQL, given something malformed: each answer is a clear
 * BAD_USER_INPUT (or, for a well-formed id of nothing, null / NOT_FOUND), never an
 * INTERNAL_SERVER_ERROR, and the log holds no database error or stack.
 */
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const pothosCursorOf = (id: string) => Buffer.from(`GPC:S:${id}`).toString('base64');
const unknownId = '01900000-0000-7000-8000-00000000abcd';

const badIds = ['not-a-uuid', '', '1', "' OR 1=1 --", '01900000-0000-7000-8000-00000000abcg', 'x'.repeat(5000)];
const badCursors = [
  'garbage',
  '%%%',
  cursorOf(['2026-01-01T00:00:00.000Z', 'not-a-uuid']),
  cursorOf(['2026-01-01T00:00:00.000Z', "'; DROP TABLE \"Project\"; --"]),
  cursorOf(['-271821-04-20T00:00:00.000Z', unknownId]),
  cursorOf(['+275760-09-13T00:00:00.000Z', unknownId]),
  cursorOf([1e300, unknownId]),
  cursorOf([2 ** 31, unknownId]),
  cursorOf([{ gt: 1 }, unknownId]),
  pothosCursorOf('not-a-uuid'),
  pothosCursorOf(unknownId),
];
/** JSON nested deeper than JSON.stringify can write (so it is spliced in as text). */
const deepJsonText = `${'['.repeat(50_000)}1${']'.repeat(50_000)}`;
const deepMarker = '"__deep__"';

interface Case {
  name: string;
  query: string;
  variables: Record<string, unknown>;
  /** An optional filter where an empty id means "any". */
  optional?: boolean;
  /** The code expected, when not BAD_USER_INPUT. */
  expected?: string;
}

describe('API arguments: malformed input is BAD_USER_INPUT, never an internal error', () => {
  let database: TestDatabase;
  let dataDir: string;
  let platform: RunningPlatform;
  const ids = {} as Record<'project' | 'execution' | 'task' | 'version' | 'trigger' | 'testConfig', string>;
  const post = (query: string, variables: Record<string, unknown>) => graphqlPost(platform.graphqlUrl, query, variables);

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await makeDataDir();
    platform = await startPlatform({ dataDir, databaseUrl: database.url });
    const data = async (query: string, variables: Record<string, unknown> = {}) => {
      const { body } = await post(query, variables);
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data!;
    };
    const approval = await data(`mutation ($code: String!) { createProject(name: "args", code: $code) { ... on Project { id versions { edges { node { id } } } } } }`, {
      code: await readExample('approval'),
    });
    ids.project = approval.createProject.id;
    ids.version = approval.createProject.versions.edges[0].node.id;
    const run = (await data(`mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id } ... on Problem { message } } }`, { id: ids.project })).runProject;
    if (!run.id) throw new Error(`runProject refused: ${run.message}`);
    ids.execution = run.id;
    const deadline = Date.now() + 60_000;
    while (!ids.task) {
      if (Date.now() > deadline) throw new Error('the approval form never opened');
      const { execution } = await data(`query ($id: ID!) { execution(id: $id) { openTasks { id } } }`, { id: ids.execution });
      ids.task = execution.openTasks[0]?.id;
      if (!ids.task) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const webhook = await data(`mutation ($code: String!) { createProject(name: "hook", code: $code) { ... on Project { id } } }`, { code: await readExample('webhook') });
    const activated = await data(`mutation ($id: ID!) { activateTriggers(projectId: $id) { ... on Project { triggers { id } } } }`, { id: webhook.createProject.id });
    ids.trigger = activated.activateTriggers.triggers[0].id;
    const hello = await data(`mutation ($code: String!) { createProject(name: "hello", code: $code) { ... on Project { id } } }`, { code: await readExample('hello') });
    const config = await data(`mutation ($id: ID!) { createTestConfig(projectId: $id, name: "none", mocks: {}) { ... on TestConfig { id } } }`, { id: hello.createProject.id });
    ids.testConfig = config.createTestConfig.id;
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await database?.drop();
    if (dataDir) await removeDataDir(dataDir);
  }, 60_000);

  /** Every field that takes an id, with the id replaced by `id`. */
  function idCases(id: string): Case[] {
    const one = (name: string, query: string, extra: Record<string, unknown> = {}) => ({ name, query, variables: { id, ...extra }, optional: !query.includes('$id: ID!') });
    return [
      one('project', `query ($id: ID!) { project(id: $id) { id } }`),
      one('execution', `query ($id: ID!) { execution(id: $id) { id } }`),
      one('version', `query ($id: ID!) { version(id: $id) { id } }`),
      one('trigger', `query ($id: ID!) { trigger(id: $id) { id } }`),
      one('humanTask', `query ($id: ID!) { humanTask(id: $id) { id } }`),
      one('humanTriggerForms.projectId', `query ($id: ID) { humanTriggerForms(projectId: $id) { id } }`),
      one('executions.filter.projectId', `query ($id: ID) { executions(filter: { projectId: $id }) { totalCount } }`),
      one('humanTasks.filter.projectId', `query ($id: ID) { humanTasks(filter: { projectId: $id }) { totalCount } }`),
      one('humanTasks.filter.executionId', `query ($id: ID) { humanTasks(filter: { executionId: $id }) { totalCount } }`),
      one('runProject.projectId', `mutation ($id: ID!) { runProject(projectId: $id) { __typename } }`),
      one('runProject.testConfigId', `mutation ($id: ID, $p: ID!) { runProject(projectId: $p, testConfigId: $id) { __typename } }`, { p: ids.project }),
      one('updateProject', `mutation ($id: ID!) { updateProject(id: $id, name: "x") { __typename } }`),
      one('deleteProject', `mutation ($id: ID!) { deleteProject(id: $id) { __typename } }`),
      one('cancelExecution', `mutation ($id: ID!) { cancelExecution(id: $id) { __typename } }`),
      one('pauseExecution', `mutation ($id: ID!) { pauseExecution(id: $id) { __typename } }`),
      one('resumeExecution', `mutation ($id: ID!) { resumeExecution(id: $id) { __typename } }`),
      one('rerunExecution', `mutation ($id: ID!) { rerunExecution(id: $id) { __typename } }`),
      one('saveVersion', `mutation ($id: ID!) { saveVersion(projectId: $id, label: "x") { __typename } }`),
      one('labelVersion', `mutation ($id: ID!) { labelVersion(id: $id, label: "x") { __typename } }`),
      one('restoreVersion', `mutation ($id: ID!) { restoreVersion(id: $id) { __typename } }`),
      one('createTestConfig', `mutation ($id: ID!) { createTestConfig(projectId: $id, name: "x", mocks: {}) { __typename } }`),
      one('updateTestConfig', `mutation ($id: ID!) { updateTestConfig(id: $id, name: "x") { __typename } }`),
      one('deleteTestConfig', `mutation ($id: ID!) { deleteTestConfig(id: $id) }`),
      one('answerHumanTask', `mutation ($id: ID!) { answerHumanTask(id: $id, answer: {}) { __typename } }`),
      one('skipHumanTask', `mutation ($id: ID!) { skipHumanTask(id: $id) { __typename } }`),
      one('activateTriggers', `mutation ($id: ID!) { activateTriggers(projectId: $id) { __typename } }`),
      one('deactivateTriggers', `mutation ($id: ID!) { deactivateTriggers(projectId: $id) { __typename } }`),
      one('activateTrigger', `mutation ($id: ID!) { activateTrigger(id: $id) { __typename } }`),
      one('deactivateTrigger', `mutation ($id: ID!) { deactivateTrigger(id: $id) { __typename } }`),
      one('submitHumanTrigger', `mutation ($id: ID!) { submitHumanTrigger(triggerId: $id, answer: {}) { __typename } }`),
      one('revokeApiToken', `mutation ($id: ID!) { revokeApiToken(id: $id) { id } }`),
    ];
  }

  /** Every paged list, with `after` (or `before`) set to `cursor`. */
  function cursorCases(cursor: string): Case[] {
    const page = (name: string, query: string, extra: Record<string, unknown> = {}) => ({ name, query, variables: { cursor, ...extra } });
    return [
      page('projects.after', `query ($cursor: String) { projects(first: 5, after: $cursor) { edges { cursor } } }`),
      page('projects.before', `query ($cursor: String) { projects(last: 5, before: $cursor) { edges { cursor } } }`),
      page('executions.after', `query ($cursor: String) { executions(first: 5, after: $cursor) { edges { cursor } } }`),
      page('executions.before', `query ($cursor: String) { executions(last: 5, before: $cursor, orderBy: oldestFirst) { edges { cursor } } }`),
      page('humanTasks.after', `query ($cursor: String) { humanTasks(first: 5, after: $cursor) { edges { cursor } } }`),
      page('Project.executions.after', `query ($cursor: String, $id: ID!) { project(id: $id) { executions(first: 5, after: $cursor) { edges { cursor } } } }`, { id: ids.project }),
      page('Project.versions.after', `query ($cursor: String, $id: ID!) { project(id: $id) { versions(first: 5, after: $cursor) { edges { cursor } } } }`, { id: ids.project }),
      page('Execution.nodeRunsConnection.after', `query ($cursor: String, $id: ID!) { execution(id: $id) { nodeRunsConnection(first: 5, after: $cursor) { edges { cursor } } } }`, { id: ids.execution }),
      page('Trigger.executions.after', `query ($cursor: String, $id: ID!) { trigger(id: $id) { executions(first: 5, after: $cursor) { edges { cursor } } } }`, { id: ids.trigger }),
      page('Trigger.executions.before', `query ($cursor: String, $id: ID!) { trigger(id: $id) { executions(last: 5, before: $cursor) { edges { cursor } } } }`, { id: ids.trigger }),
    ];
  }

  /** Filters, dates, page sizes and JSON inputs out of range or of the wrong shape. */
  function otherCases(): Case[] {
    const dates = ['-271821-04-20T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', '0000-01-01T00:00:00Z', '2026-13-45T99:99:99Z', 'yesterday', ''];
    const deep = '__deep__'; // spliced in as deepJsonText
    return [
      ...dates.flatMap((date) => [
        { name: `executions.filter.startedFrom ${date}`, query: `query ($d: DateTime) { executions(filter: { startedFrom: $d }) { totalCount } }`, variables: { d: date } },
        { name: `Project.executions.filter.startedBefore ${date}`, query: `query ($d: DateTime, $id: ID!) { project(id: $id) { executions(filter: { startedBefore: $d }) { totalCount } } }`, variables: { d: date, id: ids.project } },
      ]),
      { name: 'executions.filter.status unknown', query: `query ($s: [ExecutionStatus!]) { executions(filter: { status: $s }) { totalCount } }`, variables: { s: ['exploded'] } },
      { name: 'executions.filter.trigger unknown', query: `query ($t: [TriggerKind!]) { executions(filter: { trigger: $t }) { totalCount } }`, variables: { t: ['Telepathy'] } },
      { name: 'humanTasks.filter.state unknown', query: `query ($s: [HumanTaskState!]) { humanTasks(filter: { state: $s }) { totalCount } }`, variables: { s: ['lost'] } },
      { name: 'Project.versions.kind unknown', query: `query ($k: VersionKind, $id: ID!) { project(id: $id) { versions(kind: $k) { totalCount } } }`, variables: { k: 'forged', id: ids.project } },
      { name: 'executions.first too big', query: `query { executions(first: 100000) { totalCount } }`, variables: {}, expected: 'QUERY_TOO_COSTLY' },
      { name: 'executions.first over the page size', query: `query { executions(first: 201) { totalCount } }`, variables: {} },
      { name: 'executions.first negative', query: `query { executions(first: -1) { totalCount } }`, variables: {} },
      { name: 'Trigger.executions.first over the page size', query: `query ($id: ID!) { trigger(id: $id) { executions(first: 201) { totalCount } } }`, variables: { id: ids.trigger } },
      { name: 'Trigger.executions.first negative', query: `query ($id: ID!) { trigger(id: $id) { executions(first: -3) { totalCount } } }`, variables: { id: ids.trigger } },
      { name: 'executions.first and last', query: `query { executions(first: 1, last: 1) { totalCount } }`, variables: {} },
      { name: 'nodeRunsConnection.status unknown', query: `query ($id: ID!, $s: [NodeRunStatus!]) { execution(id: $id) { nodeRunsConnection(status: $s) { totalCount } } }`, variables: { id: ids.execution, s: ['melted'] } },
      { name: 'nodeRuns.status unknown literal', query: `query ($id: ID!) { execution(id: $id) { nodeRuns(status: [melted]) { id } } }`, variables: { id: ids.execution }, expected: 'GRAPHQL_VALIDATION_FAILED' },
      { name: 'runProject.inputs not an object', query: `mutation ($id: ID!) { runProject(projectId: $id, inputs: [1, 2]) { __typename ... on Problem { code } } }`, variables: { id: ids.project } },
      { name: 'runProject.inputs deeply nested', query: `mutation ($id: ID!, $i: JSON) { runProject(projectId: $id, inputs: $i) { __typename ... on Problem { code } } }`, variables: { id: ids.project, i: { customer: { value: deep } } } },
      { name: 'createTestConfig.mocks deeply nested', query: `mutation ($id: ID!, $m: JSON!) { createTestConfig(projectId: $id, name: "deep", mocks: $m) { __typename ... on Problem { code } } }`, variables: { id: ids.project, m: { customer: { value: deep } } } },
      { name: 'createTestConfig.mocks a string', query: `mutation ($id: ID!) { createTestConfig(projectId: $id, name: "s", mocks: "nope") { __typename ... on Problem { code } } }`, variables: { id: ids.project } },
      { name: 'answerHumanTask.answer deeply nested', query: `mutation ($id: ID!, $a: JSON!) { answerHumanTask(id: $id, answer: $a) { __typename ... on Problem { code } } }`, variables: { id: ids.task, a: { reply: deep } } },
      { name: 'answerHumanTask.answer a number', query: `mutation ($id: ID!) { answerHumanTask(id: $id, answer: 7) { __typename ... on Problem { code } } }`, variables: { id: ids.task }, expected: 'INVALID_ANSWER' },
      { name: 'submitHumanTrigger.answer deeply nested', query: `mutation ($id: ID!, $a: JSON!) { submitHumanTrigger(triggerId: $id, answer: $a) { __typename ... on Problem { code } } }`, variables: { id: ids.trigger, a: { x: deep } } },
      { name: 'updateProject.code with a NUL', query: `mutation ($id: ID!) { updateProject(id: $id, code: "a\\u0000b") { __typename } }`, variables: { id: ids.project } },
    ];
  }

  /** The outcome as a user reads it: an error's code, a typed problem's code, or "ok". */
  async function outcomeOf(testCase: Case): Promise<string> {
    const { status, body } = await postWithDeepJson(testCase.query, testCase.variables);
    const code = body.errors?.[0]?.extensions?.code as string | undefined;
    if (code) return code;
    if (body.errors) return `uncoded error: ${body.errors[0]!.message}`;
    const problem = Object.values(body.data ?? {}).find((value) => typeof (value as { code?: unknown } | null)?.code === 'string') as { code: string } | undefined;
    if (problem) return problem.code;
    return status === 200 ? 'ok' : `status ${status}`;
  }

  async function postWithDeepJson(query: string, variables: Record<string, unknown>) {
    const text = JSON.stringify({ query, variables });
    if (!text.includes(deepMarker)) return post(query, variables);
    const response = await fetch(platform.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text.replace(deepMarker, deepJsonText) });
    return { status: response.status, body: (await response.json()) as { data?: Record<string, any>; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
  }

  function expectCleanLog(since: number) {
    const log = platform.output().slice(since);
    expect(log).not.toMatch(/INTERNAL_SERVER_ERROR|Unexpected error|Invalid `|prisma\.|\bP20\d\d\b|\n\s+at /);
    expect(log.split('\n').filter((line) => line.includes('"level":"error"'))).toEqual([]);
  }

  it('refuses a malformed id in every field that takes one with BAD_USER_INPUT', async () => {
    const since = platform.output().length;
    const table = badIds.flatMap((id) => idCases(id).map((testCase) => ({ ...testCase, name: `${testCase.name} ${JSON.stringify(id.slice(0, 40))}` })));
    const outcomes = await Promise.all(table.map(async (testCase) => `${testCase.name}: ${await outcomeOf(testCase)}`));
    expect(outcomes).toEqual(table.map((testCase) => `${testCase.name}: ${testCase.optional && testCase.variables.id === '' ? 'ok' : 'BAD_USER_INPUT'}`));
    expectCleanLog(since);
  }, 120_000);

  it('answers a well-formed id of nothing with null or NOT_FOUND, never an internal error', async () => {
    const since = platform.output().length;
    const table = idCases(unknownId);
    const outcomes = await Promise.all(table.map(async (testCase) => `${testCase.name}: ${await outcomeOf(testCase)}`));
    for (const outcome of outcomes) expect(outcome).toMatch(/: (ok|NOT_FOUND)$/);
    expectCleanLog(since);
  }, 120_000);

  it('refuses a malformed cursor in every paged list with BAD_USER_INPUT', async () => {
    const since = platform.output().length;
    const table = badCursors.flatMap((cursor, index) => cursorCases(cursor).map((testCase) => ({ ...testCase, name: `${testCase.name} #${index}` })));
    const outcomes = await Promise.all(table.map(async (testCase) => `${testCase.name}: ${await outcomeOf(testCase)}`));
    expect(outcomes).toEqual(table.map((testCase) => `${testCase.name}: BAD_USER_INPUT`));
    expectCleanLog(since);
  }, 120_000);

  it('still pages every list with the cursors it hands out', async () => {
    const { body } = await post(`query ($id: ID!) { trigger(id: $id) { executions(first: 1) { totalCount pageInfo { endCursor } } } projects(first: 1) { pageInfo { endCursor } } }`, { id: ids.trigger });
    expect(body.errors).toBeUndefined();
    const next = await post(`query ($c: String) { projects(first: 1, after: $c) { edges { node { id } } } }`, { c: body.data!.projects.pageInfo.endCursor });
    expect(next.body.errors).toBeUndefined();
    expect(next.body.data!.projects.edges).toHaveLength(1);
  });

  it('refuses out-of-range dates, unknown enum values, bad page sizes and oversized JSON with BAD_USER_INPUT or a typed problem', async () => {
    const since = platform.output().length;
    const table = otherCases();
    const outcomes = await Promise.all(table.map(async (testCase) => `${testCase.name}: ${await outcomeOf(testCase)}`));
    expect(outcomes).toEqual(table.map((testCase) => `${testCase.name}: ${testCase.expected ?? 'BAD_USER_INPUT'}`));
    expectCleanLog(since);
  }, 120_000);

  it('refuses a malformed id or filter of a subscription with BAD_USER_INPUT', async () => {
    const since = platform.output().length;
    const subscriber = webSocketSubscriber(platform.graphqlUrl);
    try {
      for (const [query, variables] of [
        [`subscription ($id: ID!) { executionEvents(executionId: $id) { seq } }`, { id: 'not-a-uuid' }],
        [`subscription ($id: ID!) { executionsFeed(filter: { projectId: $id }) { seq } }`, { id: "' OR 1=1" }],
        [`subscription ($id: ID!) { humanTaskEvents(filter: { executionId: $id }) { id } }`, { id: '42' }],
      ] as const) {
        const events = subscriber.subscribe(query, variables);
        await expect(events.until(() => false, 10_000)).rejects.toThrow(/BAD_USER_INPUT/);
      }
      const unknown = subscriber.subscribe(`subscription ($id: ID!) { executionEvents(executionId: $id) { seq } }`, { id: unknownId });
      await expect(unknown.until(() => false, 10_000)).rejects.toThrow(/NOT_FOUND/);
    } finally {
      await subscriber.close();
    }
    expectCleanLog(since);
  }, 60_000);
});
