import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readExample } from './support/executions';
import { graphqlPost } from './support/graphql';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase } from './support/platform';
import { webSocketSubscriber } from './support/subscriptions';

/**
 * Tokens never see more than their scope: shared subscription results never cross callers
 * of different authorization, a task link reads its own form only (whatever the path), and
 * credentials written in code are shown to admins only.
 */
const adminToken = 'bootstrap-admin-token-0123456789abcdef';
const webhookKey = 'whk-live-7f3a9c2e51b84d06';
const llmKey = 'sk-live-5b1e8d7c3a9f4e20b6d1';

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

  describe('credentials in code (B5)', () => {
    const secretCode = async () =>
      (await readExample('webhook')).replace('apiKey: "change-me"', `apiKey: "${webhookKey}"`) +
      `\nllm = LlmConfig {\n  label: "Model"\n  apiKey: "${llmKey}"\n  model: "gpt-4o-mini"\n}\n`;
    let projectId: string;
    let code: string;

    beforeAll(async () => {
      code = await secretCode();
      expect(code).toContain(webhookKey);
      projectId = await createProject(code);
      await data(adminToken, `mutation ($id: ID!) { saveVersion(projectId: $id, label: "with keys") { ... on Version { id } } }`, { id: projectId });
      await data(adminToken, `mutation ($id: ID!) { activateTriggers(projectId: $id) { __typename } }`, { id: projectId });
    }, 60_000);

    const everywhere = `query ($id: ID!) { project(id: $id) {
      code graph { nodes { id config } }
      versions { edges { node { code graph { nodes { id config } } } } }
      triggers { config } } }`;

    it('shows an admin the code as written', async () => {
      const { project } = await data(tokens.admin, everywhere, { id: projectId });
      expect(project.code).toBe(code);
      expect(project.versions.edges.map((edge: { node: { code: string } }) => edge.node.code)).toContain(code);
      expect(project.graph.nodes.find((node: { id: string }) => node.id === 'llm').config.apiKey).toBe(llmKey);
    });

    it('shows a read token the code with every credential redacted, line for line', async () => {
      const { body } = await as(tokens.read, everywhere, { id: projectId });
      expect(body.errors).toBeUndefined();
      const text = JSON.stringify(body.data);
      expect(text).not.toContain(webhookKey);
      expect(text).not.toContain(llmKey);
      const { project } = body.data!;
      expect(project.code.split('\n')).toHaveLength(code.split('\n').length);
      expect(project.code).toContain('apiKey: "<redacted>"');
      expect(project.code).toContain('template: "{{city}}: {{degrees}} °C"'); // the rest as written
      expect(project.code.replaceAll('<redacted>', '')).toBe(code.replace(webhookKey, '').replace(llmKey, ''));
      for (const edge of project.versions.edges) expect(edge.node.code).not.toMatch(/whk-live|sk-live/);
      expect(project.graph.nodes.find((node: { id: string }) => node.id === 'llm').config.apiKey).toBe('(set)');
    });

    it('redacts the code of the version an execution ran, for a read token', async () => {
      const run = await data(adminToken, `mutation ($id: ID!) { runProject(projectId: $id, inputs: { hook: { city: "Oslo", degrees: 3 } }) {
        __typename ... on Execution { id } ... on Problem { message } } }`, { id: projectId });
      expect(run.runProject).toMatchObject({ __typename: 'Execution' });
      const executionId = run.runProject.id;
      const seen = await data(tokens.read, `query ($id: ID!) { execution(id: $id) { version { code } graph { nodes { config } } } }`, { id: executionId });
      expect(JSON.stringify(seen)).not.toMatch(/whk-live|sk-live/);
      const admin = await data(tokens.admin, `query ($id: ID!) { execution(id: $id) { version { code } } }`, { id: executionId });
      expect(admin.execution.version.code).toContain(webhookKey);
    }, 60_000);

    it('redacts code pushed to a read subscriber but not to an admin one, on the same subscription', async () => {
      const query = `subscription { executionsFeed { execution { project { id code } } } }`;
      type Feed = { executionsFeed: { execution: { project: { id: string; code: string } } } };
      const sockets = (['admin', 'read'] as const).map((who) => ({ who, socket: webSocketSubscriber(platform.graphqlUrl, { authorization: `Bearer ${tokens[who]}` }) }));
      const streams = sockets.map(({ who, socket }) => ({ who, events: socket.subscribe<Feed>(query) }));
      try {
        await new Promise((resolve) => setTimeout(resolve, 500));
        await as(adminToken, `mutation ($id: ID!) { runProject(projectId: $id, inputs: { hook: { city: "Oslo", degrees: 3 } }) { __typename } }`, { id: projectId });
        for (const { who, events } of streams) {
          const received = await events.until((all) => all.some((event) => event.executionsFeed.execution.project.id === projectId));
          const seenCode = received.find((event) => event.executionsFeed.execution.project.id === projectId)!.executionsFeed.execution.project.code;
          if (who === 'admin') expect(seenCode).toContain(webhookKey);
          else expect(seenCode).not.toContain(webhookKey);
        }
      } finally {
        streams.forEach(({ events }) => events.stop());
        await Promise.all(sockets.map(({ socket }) => socket.close()));
      }
    }, 60_000);
  });
});
