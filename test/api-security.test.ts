import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildClientSchema, getIntrospectionQuery, getNamedType, isLeafType, type GraphQLField, type IntrospectionQuery } from 'graphql';
import { loadConfig } from '../server/config';
import { readExample } from './support/executions';
import { graphqlPost } from './support/graphql';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase } from './support/platform';
import { sseSubscriber, webSocketSubscriber } from './support/subscriptions';

const adminToken = 'bootstrap-admin-token-0123456789abcdef';
const scopes = ['read', 'run', 'answer', 'admin'] as const;
type Scope = (typeof scopes)[number];
type OperationType = 'query' | 'mutation' | 'subscription';

/** The specification of who may call what; root fields added later fall under the defaults. */
const runMutations = ['runProject', 'rerunExecution', 'cancelExecution', 'pauseExecution', 'resumeExecution', 'submitHumanTrigger', 'runRunnerPage', 'completeActionTask', 'uploadFile'];
/** A published page's root fields: open to anyone, with or without a token (test/runner-pages.test.ts checks what they reveal). */
const publicFields = ['publishedPage', 'runPublishedPage', 'publishedPageRun', 'publishedPageLatestRun'];
const answerMutations = ['answerHumanTask', 'skipHumanTask'];
const taskLinkFields = ['humanTask', 'answerHumanTask', 'skipHumanTask'];
function neededScope(type: OperationType, field: string): Scope {
  if (type === 'mutation') return runMutations.includes(field) ? 'run' : answerMutations.includes(field) ? 'answer' : 'admin';
  return field === 'apiTokens' ? 'admin' : 'read';
}

describe('API security: tokens and scopes', () => {
  let database: TestDatabase;
  let dataDir: string;
  let platform: RunningPlatform;
  const tokens = {} as Record<Scope, string>;
  let approval: ReturnType<typeof openApprovalTask>;
  const url = () => platform.graphqlUrl;
  const as = (token: string | undefined, query: string, variables: Record<string, unknown> = {}) =>
    graphqlPost(url(), query, variables, token ? { authorization: `Bearer ${token}` } : {});

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await makeDataDir();
    platform = await startPlatform({ dataDir, databaseUrl: database.url, env: { AUTH: 'on', ADMIN_TOKEN: adminToken } });
    for (const scope of scopes) {
      const { body } = await as(adminToken, `mutation ($name: String!, $scopes: [ApiScope!]!) { createApiToken(name: $name, scopes: $scopes) { secret } }`, {
        name: `${scope} token`,
        scopes: [scope],
      });
      tokens[scope] = body.data!.createApiToken.secret;
    }
    approval = openApprovalTask();
    await approval;
  }, 180_000);
  afterAll(async () => {
    await platform?.stop();
    await database?.drop();
    if (dataDir) await removeDataDir(dataDir);
  }, 60_000);

  it('turns auth on by default only when the server listens beyond loopback', () => {
    expect(loadConfig({}).auth.enabled).toBe(false);
    expect(loadConfig({ HOST: 'localhost' }).auth.enabled).toBe(false);
    expect(loadConfig({ HOST: '0.0.0.0' }).auth.enabled).toBe(true);
    expect(loadConfig({ HOST: '192.168.1.20', AUTH: 'off' }).auth.enabled).toBe(false);
    expect(loadConfig({ AUTH: 'on' }).auth.enabled).toBe(true);
  });

  describe('every root operation × every caller', () => {
    let table: { type: OperationType; field: GraphQLField<unknown, unknown>; caller: string; expected: 'allowed' | 'UNAUTHENTICATED' | 'FORBIDDEN' }[] = [];

    beforeAll(async () => {
      const { body } = await as(adminToken, getIntrospectionQuery());
      const schema = buildClientSchema(body.data as unknown as IntrospectionQuery);
      const roots = { query: schema.getQueryType(), mutation: schema.getMutationType(), subscription: schema.getSubscriptionType() };
      table = [];
      for (const [type, root] of Object.entries(roots) as [OperationType, (typeof roots)[OperationType]][]) {
        for (const field of Object.values(root?.getFields() ?? {})) {
          const needed = neededScope(type, field.name);
          if (publicFields.includes(field.name)) {
            for (const caller of ['no token', 'revoked-looking token', 'ADMIN_TOKEN', ...scopes, 'task link']) table.push({ type, field, caller, expected: 'allowed' });
            continue;
          }
          table.push({ type, field, caller: 'no token', expected: 'UNAUTHENTICATED' });
          table.push({ type, field, caller: 'revoked-looking token', expected: 'UNAUTHENTICATED' });
          table.push({ type, field, caller: 'ADMIN_TOKEN', expected: 'allowed' });
          for (const scope of scopes) {
            table.push({ type, field, caller: scope, expected: scope === 'admin' || scope === needed ? 'allowed' : 'FORBIDDEN' });
          }
          table.push({ type, field, caller: 'task link', expected: taskLinkFields.includes(field.name) ? 'allowed' : 'FORBIDDEN' });
        }
      }
    });

    it('covers every root field of the schema, and each one gets the expected answer', async () => {
      const { taskId, linkToken: link } = await approval;
      const credential: Record<string, string | undefined> = {
        'no token': undefined,
        'revoked-looking token': 'weft_not-a-token-that-exists',
        ADMIN_TOKEN: adminToken,
        ...tokens,
        'task link': link,
      };
      expect(table.length).toBeGreaterThan(7 * 20);
      const outcomes = await Promise.all(
        table.map(async (row) => {
          const { status, body: result } = await as(credential[row.caller], operationThatNeverRuns(row.type, row.field), { id: taskId });
          const code = result.errors?.[0]?.extensions?.code as string | undefined;
          const outcome = code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' ? code : 'allowed';
          if (outcome === 'allowed') expect(result.errors?.map((error) => error.message).join(' ')).toContain('$never'); // past authorization, stopped there
          if (outcome !== 'allowed') expect(status).toBe(outcome === 'UNAUTHENTICATED' ? 401 : 403);
          return `${row.type} ${row.field.name} as ${row.caller}: ${outcome}`;
        }),
      );
      expect(outcomes).toEqual(table.map((row) => `${row.type} ${row.field.name} as ${row.caller}: ${row.expected}`));
    });
  });

  /** Gets past authorization and stops at variable coercion ($never is not given), so nothing runs. */
  function operationThatNeverRuns(type: OperationType, field: GraphQLField<unknown, unknown>): string {
    const required = field.args.filter((argument) => String(argument.type).endsWith('!') && argument.defaultValue === undefined);
    const variables = ['$never: Boolean!', ...required.map((argument) => `$${argument.name}: ${String(argument.type)}`)];
    const argumentList = required.length ? `(${required.map((argument) => `${argument.name}: $${argument.name}`).join(', ')})` : '';
    const call = `${field.name}${argumentList}`;
    const body = isLeafType(getNamedType(field.type)) ? `${call} @include(if: $never)` : `${call} { __typename @include(if: $never) }`;
    return `${type} (${variables.join(', ')}) { ${body} }`;
  }

  /** An approval.weft execution waiting on its form, and that form's link token. */
  async function openApprovalTask() {
    const projectId = await createProjectAs(await readExample('approval'));
    const { body } = await as(adminToken, `mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id } } }`, { id: projectId });
    const executionId = body.data!.runProject.id as string;
    const openTasks = async () =>
      (await as(adminToken, `query ($id: ID!) { execution(id: $id) { openTasks { id linkToken } } }`, { id: executionId })).body.data!.execution
        .openTasks as { id: string; linkToken: string }[];
    await waitFor(async () => (await openTasks()).length > 0);
    const [task] = await openTasks();
    return { executionId, taskId: task!.id, linkToken: task!.linkToken };
  }

  async function createProjectAs(code: string): Promise<string> {
    const { body } = await as(adminToken, `mutation ($code: String!) { createProject(name: "secured", code: $code) { ... on Project { id } } }`, { code });
    return body.data!.createProject.id;
  }

  it('answers a form through its link token, which allows nothing else', async () => {
    const { executionId, taskId, linkToken } = await approval;
    expect(linkToken).toMatch(/^wtask_/);
    const readOnly = await as(tokens.read, `query ($id: ID!) { humanTask(id: $id) { linkToken } }`, { id: taskId });
    expect(readOnly.body.data?.humanTask.linkToken).toBeNull();

    const seen = await as(linkToken, `query ($id: ID!) { humanTask(id: $id) { title state } }`, { id: taskId });
    expect(seen.body.data?.humanTask.state).toBe('open');
    const other = await as(linkToken, `query ($id: ID!) { execution(id: $id) { status } }`, { id: executionId });
    expect(other.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const otherTask = await as(linkToken, `mutation { skipHumanTask(id: "01900000-0000-7000-8000-00000000ffff") { ... on HumanTask { state } } }`);
    expect(otherTask.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const forged = await as(linkToken.slice(0, -2) + 'xx', `query ($id: ID!) { humanTask(id: $id) { state } }`, { id: taskId });
    expect(forged.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const answered = await as(linkToken, `mutation ($id: ID!, $answer: JSON!) { answerHumanTask(id: $id, answer: $answer, answeredBy: "reviewer") { ... on HumanTask { state } } }`, {
      id: taskId,
      answer: { reply: 'Refund sent.', tone: 'warm', decision: 'approve' },
    });
    expect(answered.body).toEqual({ data: { answerHumanTask: { state: 'answered' } } });
  }, 90_000);

  it('takes the token from the graphql-ws connection_init payload, and closes connections without one', async () => {
    const anonymous = webSocketSubscriber(url());
    const refused = anonymous.subscribe(`subscription { executionsFeed { seq } }`);
    await expect(refused.until(() => false, 10_000)).rejects.toThrow(/4403/);
    await anonymous.close();

    const reader = webSocketSubscriber(url(), { authorization: `Bearer ${tokens.read}` });
    const feed = reader.subscribe<{ executionsFeed: { execution: { id: string } } }>(`subscription { executionsFeed { seq execution { id } } }`);
    const mutation = reader.subscribe(`mutation { createProject(name: "nope") { ... on Project { id } } }`);
    await expect(mutation.until(() => false, 10_000)).rejects.toThrow(/FORBIDDEN/);
    const projectId = await createProjectAs('greeting = Text { value: "hi" }');
    const { body } = await as(tokens.run, `mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id } } }`, { id: projectId });
    const executionId = body.data!.runProject.id;
    await feed.until((received) => received.some((event) => event.executionsFeed.execution.id === executionId));
    feed.stop();
    await reader.close();

    const byToken = webSocketSubscriber(url(), { token: tokens.read });
    const events = byToken.subscribe<{ executionEvents: { seq: number } }>(`subscription ($id: ID!) { executionEvents(executionId: $id) { seq } }`, { id: executionId });
    await events.until((received) => received.length > 0);
    events.stop();
    await byToken.close();
  }, 60_000);

  it('takes the token from the Authorization header of a GraphQL-over-SSE request', async () => {
    const anonymous = sseSubscriber(url());
    const refused = anonymous.subscribe(`subscription { executionsFeed { seq } }`);
    await expect(refused.until(() => false, 10_000)).rejects.toThrow(/UNAUTHENTICATED|401/);
    await anonymous.close();

    const reader = sseSubscriber(url(), { authorization: `Bearer ${tokens.read}` });
    const projectId = await createProjectAs('greeting = Text { value: "hi" }');
    const feed = reader.subscribe<{ executionsFeed: { execution: { id: string } } }>(`subscription { executionsFeed { seq execution { id } } }`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { body } = await as(tokens.admin, `mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id } } }`, { id: projectId });
    await feed.until((received) => received.some((event) => event.executionsFeed.execution.id === body.data!.runProject.id));
    feed.stop();
    await reader.close();
  }, 60_000);

  it('shows a token secret once, lists tokens without secrets, and refuses a revoked token at once', async () => {
    const { body: created } = await as(adminToken, `mutation { createApiToken(name: "dashboard", scopes: [read, read]) { secret token { id name scopes revokedAt } } }`);
    const { secret, token } = created.data!.createApiToken;
    expect(secret).toMatch(/^weft_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ name: 'dashboard', scopes: ['read'], revokedAt: null });
    expect((await as(secret, `{ projects { totalCount } }`)).status).toBe(200);

    const { body: listed } = await as(tokens.admin, `{ apiTokens { id name lastUsedAt } }`);
    expect(listed.data!.apiTokens.find((t: { id: string }) => t.id === token.id)).toMatchObject({ name: 'dashboard', lastUsedAt: expect.any(String) });
    expect(JSON.stringify(listed)).not.toContain(secret);
    const { body: fields } = await as(secret, `{ __type(name: "ApiToken") { fields { name } } }`);
    expect(fields.data!.__type.fields.map((f: { name: string }) => f.name).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'revokedAt', 'scopes']);

    const { body: revoked } = await as(tokens.admin, `mutation ($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, { id: token.id });
    expect(revoked.data!.revokeApiToken.revokedAt).toEqual(expect.any(String));
    const refused = await as(secret, `{ projects { totalCount } }`);
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringContaining('revoked') });

    const refusedEmpty = await as(tokens.admin, `mutation { createApiToken(name: "x", scopes: []) { secret } }`);
    expect(refusedEmpty.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps introspection for authenticated explorers only', async () => {
    const anonymous = await as(undefined, `{ __schema { queryType { name } } }`);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const explorer = await as(tokens.read, getIntrospectionQuery());
    expect(explorer.body.errors).toBeUndefined();
    expect(explorer.body.data?.__schema.types.length).toBeGreaterThan(20);
  });

  it('lets an execution run end to end with run and read tokens only', async () => {
    const projectId = await createProjectAs(await readExample('hello'));
    const executionId = await runProjectAs(tokens.run, projectId);
    const reader = webSocketSubscriber(url(), { authorization: `Bearer ${tokens.read}` });
    const events = reader.subscribe<{ executionEvents: { execution: { status: string } } }>(
      `subscription ($id: ID!) { executionEvents(executionId: $id) { seq execution { status } } }`,
      { id: executionId },
    );
    await events.until((received) => received.some((event) => event.executionEvents.execution.status === 'completed'), 60_000);
    events.stop();
    await reader.close();
  }, 90_000);

  async function runProjectAs(token: string, projectId: string): Promise<string> {
    const { body } = await as(token, `mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id } } }`, { id: projectId });
    return body.data!.runProject.id;
  }
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
