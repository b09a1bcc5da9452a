import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readExample } from './support/executions';
import { graphqlPost } from './support/graphql';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase } from './support/platform';
import { webSocketSubscriber } from './support/subscriptions';

/**
 * Tokens never see more than their scope: shared subscription results never cross callers
 * of different authorization, and a task link reads its own form only (whatever the path).
 */
const adminToken = 'bootstrap-admin-token-0123456789abcdef';

describe('token scope', () => {
  let database: TestDatabase;
  let dataDir: string;
  let platform: RunningPlatform;
  const tokens = {} as Record<'read' | 'answer' | 'admin', string>;
  const as = (token: string | undefined, query: string, variables: Record<string, unknown> = {}) =>
    graphqlPost(platform.graphqlUrl, query, variables, token ? { authorization: `Bearer ${token}` } : {});
  const data = async (token: string, query: string, variables: Record<string, unknown> = {}) => {
    const { body } = await as(token, query, variables);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await makeDataDir();
    platform = await startPlatform({ dataDir, databaseUrl: database.url, env: { AUTH: 'on', ADMIN_TOKEN: adminToken } });
    for (const scope of ['read', 'answer', 'admin'] as const) {
      const created = await data(adminToken, `mutation ($s: [ApiScope!]!) { createApiToken(name: "t", scopes: $s) { secret } }`, { s: [scope] });
      tokens[scope] = created.createApiToken.secret;
    }
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await database?.drop();
    if (dataDir) await removeDataDir(dataDir);
  }, 60_000);

  async function createProject(code: string): Promise<string> {
    const created = await data(adminToken, `mutation ($code: String!) { createProject(name: "scoped", code: $code) { ... on Project { id } } }`, { code });
    return created.createProject.id;
  }

  async function openApprovalTask(projectId: string): Promise<{ executionId: string; taskId: string }> {
    const run = await data(adminToken, `mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id } } }`, { id: projectId });
    const executionId = run.runProject.id as string;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const { execution } = await data(adminToken, `query ($id: ID!) { execution(id: $id) { openTasks { id } } }`, { id: executionId });
      if (execution.openTasks.length > 0) return { executionId, taskId: execution.openTasks[0].id };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('the approval form never opened');
  }

  describe('shared subscription results (D1)', () => {
    // executionsFeed hands every subscriber the same event object, so this selection is executed once per authorization.
    const taskEvents = `subscription { executionsFeed { kind humanTask { id state linkToken } } }`;
    type TaskEvent = { executionsFeed: { kind: string; humanTask: { id: string; linkToken: string | null } | null } };

    async function subscribeInOrder(order: ('admin' | 'read')[]) {
      const sockets = order.map((who) => ({ who, socket: webSocketSubscriber(platform.graphqlUrl, { authorization: `Bearer ${tokens[who]}` }) }));
      const streams = sockets.map(({ who, socket }) => ({ who, events: socket.subscribe<TaskEvent>(taskEvents) }));
      // Subscribed (the server answers a first event only to live subscribers): give the sockets a moment to be acknowledged.
      await new Promise((resolve) => setTimeout(resolve, 500));
      return {
        streams,
        close: async () => {
          streams.forEach(({ events }) => events.stop());
          await Promise.all(sockets.map(({ socket }) => socket.close()));
        },
      };
    }

    for (const order of [['admin', 'read'], ['read', 'admin']] as ('admin' | 'read')[][]) {
      it(`gives each caller its own linkToken when ${order.join(' then ')} subscribe to the same selection`, async () => {
        const projectId = await createProject(await readExample('approval'));
        const subscribed = await subscribeInOrder(order);
        try {
          const { taskId } = await openApprovalTask(projectId);
          for (const { who, events } of subscribed.streams) {
            const received = await events.until((all) => all.some((event) => event.executionsFeed.humanTask?.id === taskId));
            const event = received.find((e) => e.executionsFeed.humanTask?.id === taskId)!;
            if (who === 'admin') expect(event.executionsFeed.humanTask!.linkToken).toMatch(/^wtask_/);
            else expect(event.executionsFeed.humanTask!.linkToken).toBeNull();
          }
          // The read token, holding no link token, cannot answer the task.
          const refused = await as(tokens.read, `mutation ($id: ID!) { skipHumanTask(id: $id) { __typename } }`, { id: taskId });
          expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        } finally {
          await subscribed.close();
        }
      }, 90_000);
    }
  });

  describe('task link tokens (D2)', () => {
    let task: { executionId: string; taskId: string };
    let link: string;

    beforeAll(async () => {
      task = await openApprovalTask(await createProject(await readExample('approval')));
      const { humanTask } = await data(adminToken, `query ($id: ID!) { humanTask(id: $id) { linkToken } }`, { id: task.taskId });
      link = humanTask.linkToken;
    }, 90_000);

    const beyondTheForm: [string, string][] = [
      ['the project and its whole history', `query ($id: ID!) { humanTask(id: $id) { execution { project { code versions { edges { node { code } } } triggers { config } executions { edges { node { triggerPayload openTasks { form } } } } } } } }`],
      ['the project code', `query ($id: ID!) { humanTask(id: $id) { execution { project { code } } } }`],
      ['the project graph', `query ($id: ID!) { humanTask(id: $id) { execution { project { graph { nodes { config } } } } } }`],
      ['other runs of the project', `query ($id: ID!) { humanTask(id: $id) { execution { project { executions { totalCount } } } } }`],
      ['the run trigger payload', `query ($id: ID!) { humanTask(id: $id) { execution { triggerPayload } } }`],
      ['the run node outputs', `query ($id: ID!) { humanTask(id: $id) { execution { nodeRuns { output } } } }`],
      ['other open tasks of the run', `query ($id: ID!) { humanTask(id: $id) { execution { openTasks { id form } } } }`],
      ['the run version code', `query ($id: ID!) { humanTask(id: $id) { execution { version { code } } } }`],
      ['through a fragment', `query ($id: ID!) { humanTask(id: $id) { ...T } } fragment T on HumanTask { execution { project { code } } }`],
      ['through an inline fragment', `query ($id: ID!) { humanTask(id: $id) { ... on HumanTask { execution { ... on Execution { project { code } } } } } }`],
      ['through an alias', `query ($id: ID!) { humanTask(id: $id) { run: execution { p: project { c: code } } } }`],
      ['from the answer mutation', `mutation ($id: ID!) { answerHumanTask(id: $id, answer: {}) { ... on HumanTask { execution { project { code } } } } }`],
      ['from the skip mutation', `mutation ($id: ID!) { skipHumanTask(id: $id) { ... on HumanTask { execution { nodeRuns { output } } } } }`],
    ];

    for (const [what, query] of beyondTheForm) {
      it(`refuses ${what}`, async () => {
        const { status, body } = await as(link, query, { id: task.taskId });
        expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(status).toBe(403);
        expect(body.data ?? null).toBeNull();
      });
    }

    it('still shows its form as the task page asks for it, and answers it', async () => {
      const page = await as(link, `query ($id: ID!) { humanTask(id: $id) {
        id nodeId lane title form state answeredBy answeredAt createdAt linkToken __typename
        execution { id status project { id name } } } }`, { id: task.taskId });
      expect(page.body.errors).toBeUndefined();
      expect(page.body.data!.humanTask).toMatchObject({ id: task.taskId, state: 'open', execution: { id: task.executionId, project: { name: 'scoped' } } });
      const problem = await as(link, `mutation ($id: ID!) { answerHumanTask(id: $id, answer: { tone: "loud" }) {
        __typename ... on Problem { message code } ... on InvalidAnswer { problems { field message } } ... on TaskClosed { state } } }`, { id: task.taskId });
      expect(problem.body.errors).toBeUndefined();
      expect(problem.body.data!.answerHumanTask.__typename).toBe('InvalidAnswer');
      const answered = await as(link, `mutation ($id: ID!, $answer: JSON!) { answerHumanTask(id: $id, answer: $answer) {
        __typename ... on HumanTask { state answer execution { id status } } } }`, { id: task.taskId, answer: { reply: 'Refund sent.', tone: 'warm', decision: 'approve' } });
      expect(answered.body.errors).toBeUndefined();
      expect(answered.body.data!.answerHumanTask).toMatchObject({ __typename: 'HumanTask', state: 'answered' });
    }, 60_000);

    it('leaves the same deep query to a read token', async () => {
      const { body } = await as(tokens.read, beyondTheForm[0]![1], { id: task.taskId });
      expect(body.errors).toBeUndefined();
      expect(body.data!.humanTask.execution.project.code).toContain('HumanQuery');
    });
  });
});
