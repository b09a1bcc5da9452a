import { describe, expect, it } from '@jest/globals';
import { graphqlData } from './support/graphql';
import { createProject, runProject, waitForStatus } from './support/executions';
import { usePlatform } from './support/usePlatform';

/** Weft's "persistent memory" shape: read the counter, add one in Python, store it back. */
const counter = `
db = PostgresDatabase
read = MemoryQuery { pattern: "^counter$" }
read.endpointUrl = db.endpointUrl

bump = ExecPython(found: Dict[String, Number]) -> (next: Number) {
  code: \`\`\`
return {"next": found.get("counter", 0) + 1}
  \`\`\`
}
bump.found = read.value

save = MemoryStore { key: "counter" }
save.endpointUrl = db.endpointUrl
save.value = bump.next
`;

const infrastructureQuery = `query ($id: ID!) { project(id: $id) { infrastructure { nodeId nodeType state inCode instanceId endpointUrl startedAt stoppedAt } } }`;

async function lifecycle(graphqlUrl: string, action: 'start' | 'stop' | 'terminate', projectId: string) {
  const data = await graphqlData(
    graphqlUrl,
    `mutation ($id: ID!) { ${action}Infrastructure(projectId: $id) {
      ... on Project { infrastructure { nodeId state instanceId endpointUrl } } ... on Problem { message } } }`,
    { id: projectId },
  );
  return data[`${action}Infrastructure`];
}

async function runToEnd(graphqlUrl: string, projectId: string) {
  return waitForStatus(graphqlUrl, await runProject(graphqlUrl, projectId), ['completed', 'failed', 'cancelled']);
}

describe('PostgresDatabase: a store that lives across runs and restarts', () => {
  const platform = usePlatform();
  const url = () => platform.current.graphqlUrl;

  it('a counter read, incremented in Python and stored reads 1..5 over five runs with every process restarted between them; stop refuses runs clearly; terminate resets it', async () => {
    const projectId = await createProject(url(), 'counter', counter);
    expect((await graphqlData(url(), infrastructureQuery, { id: projectId })).project.infrastructure).toEqual([
      { nodeId: 'db', nodeType: 'PostgresDatabase', state: 'not_started', inCode: true, instanceId: null, endpointUrl: null, startedAt: null, stoppedAt: null },
    ]);

    const beforeStart = await runToEnd(url(), projectId);
    expect(beforeStart.status).toBe('failed');
    expect(beforeStart.node('db')?.error).toMatch(/has not been started: start it with the Start button .* startInfrastructure\(projectId: /);
    expect(beforeStart.node('save')?.status).toBe('skipped');

    const started = await lifecycle(url(), 'start', projectId);
    expect(started.infrastructure).toEqual([
      { nodeId: 'db', state: 'running', instanceId: expect.stringMatching(/^wf-[0-9a-f]{12}-db$/), endpointUrl: expect.stringMatching(/^weftworks-infra:\/\//) },
    ]);
    const { instanceId, endpointUrl } = started.infrastructure[0];

    const counts: number[] = [];
    for (let run = 1; run <= 5; run++) {
      const execution = await runToEnd(url(), projectId);
      expect(execution.status).toBe('completed');
      expect(execution.node('db')?.output).toEqual({ instanceId, endpointUrl });
      expect(execution.node('read')?.output).toEqual(
        run === 1
          ? { value: {}, found: false, count: 0, keys: [] }
          : { value: { counter: run - 1 }, found: true, count: 1, keys: ['counter'] },
      );
      expect(execution.node('save')?.output).toEqual({ stored: true, key: 'counter' });
      counts.push(execution.node('bump')?.output.next);
      // Every process (the server and its restate-server) goes down and comes back between runs.
      await platform.stop();
      await platform.startAgain();
    }
    expect(counts).toEqual([1, 2, 3, 4, 5]);

    const stopped = await lifecycle(url(), 'stop', projectId);
    expect(stopped.infrastructure[0]).toMatchObject({ state: 'stopped', instanceId });
    const whileStopped = await runToEnd(url(), projectId);
    expect(whileStopped.status).toBe('failed');
    expect(whileStopped.node('db')?.error).toMatch(/"db" is stopped \(its data is kept\): start it with the Start button/);
    expect(whileStopped.error).toContain('db: The infrastructure node "db" is stopped');
    expect(whileStopped.node('read')?.status).toBe('skipped');

    await lifecycle(url(), 'start', projectId);
    const afterRestart = await runToEnd(url(), projectId);
    expect(afterRestart.node('bump')?.output.next).toBe(6);

    const terminated = await lifecycle(url(), 'terminate', projectId);
    expect(terminated.infrastructure).toEqual([{ nodeId: 'db', state: 'not_started', instanceId: null, endpointUrl: null }]);
    const afterTerminate = await runToEnd(url(), projectId);
    expect(afterTerminate.status).toBe('failed');
    expect(afterTerminate.node('db')?.error).toMatch(/has not been started/);

    await lifecycle(url(), 'start', projectId);
    const fresh = await runToEnd(url(), projectId);
    expect(fresh.status).toBe('completed');
    expect(fresh.node('read')?.output.found).toBe(false);
    expect(fresh.node('bump')?.output.next).toBe(1);
  }, 240_000);

  it('MemoryQuery and MemoryDelete take PostgreSQL regular expressions: unanchored, case-sensitive, ordered by key', async () => {
    const store = `
db = PostgresDatabase
one = Number { value: 1 }
two = Text { value: "two" }
yes = Boolean { value: true }
a = MemoryStore { key: "user_1" }
a.endpointUrl = db.endpointUrl
a.value = one.value
b = MemoryStore { key: "a_user_2" }
b.endpointUrl = db.endpointUrl
b.value = two.value
c = MemoryStore { key: "User_3" }
c.endpointUrl = db.endpointUrl
c.value = yes.value
d = MemoryStore { key: "other" }
d.endpointUrl = db.endpointUrl
d.value = one.value
`;
    const projectId = await createProject(url(), 'patterns', store);
    await lifecycle(url(), 'start', projectId);
    expect((await runToEnd(url(), projectId)).status).toBe('completed');

    const query = `
db = PostgresDatabase
users = MemoryQuery { pattern: "user" }
users.endpointUrl = db.endpointUrl
exact = MemoryQuery { pattern: "^user_1$" }
exact.endpointUrl = db.endpointUrl
none = MemoryQuery { pattern: "^nothing" }
none.endpointUrl = db.endpointUrl
bad = MemoryQuery { pattern: "(" }
bad.endpointUrl = db.endpointUrl
`;
    await graphqlData(url(), `mutation ($id: ID!, $code: String!) { updateProject(id: $id, code: $code) { ... on Project { id } } }`, { id: projectId, code: query });
    const queried = await runToEnd(url(), projectId);
    expect(queried.node('users')?.output).toEqual({ value: { a_user_2: 'two', user_1: 1 }, found: true, count: 2, keys: ['a_user_2', 'user_1'] });
    expect(queried.node('exact')?.output).toEqual({ value: { user_1: 1 }, found: true, count: 1, keys: ['user_1'] });
    expect(queried.node('none')?.output).toEqual({ value: {}, found: false, count: 0, keys: [] });
    expect(queried.node('bad')?.status).toBe('failed');
    expect(queried.node('bad')?.error).toMatch(/The pattern "\(" is not a valid regular expression/);

    const remove = `
db = PostgresDatabase
gone = MemoryDelete { pattern: "_" }
gone.endpointUrl = db.endpointUrl
`;
    await graphqlData(url(), `mutation ($id: ID!, $code: String!) { updateProject(id: $id, code: $code) { ... on Project { id } } }`, { id: projectId, code: remove });
    const deleted = await runToEnd(url(), projectId);
    expect(deleted.node('gone')?.output).toEqual({ deleted: ['User_3', 'a_user_2', 'user_1'], count: 3 });
    const again = await runToEnd(url(), projectId);
    expect(again.node('gone')?.output).toEqual({ deleted: [], count: 0 });
  }, 120_000);

  it("a Memory node refuses another project's endpointUrl", async () => {
    const owner = await createProject(url(), 'owner', 'db = PostgresDatabase');
    const [{ endpointUrl }] = (await lifecycle(url(), 'start', owner)).infrastructure;
    const thief = await createProject(url(), 'thief', `peek = MemoryQuery {\n  endpointUrl: "${endpointUrl}"\n  pattern: ".*"\n}`);
    const run = await runToEnd(url(), thief);
    expect(run.node('peek')?.status).toBe('failed');
    expect(run.node('peek')?.error).toMatch(/No infrastructure instance of this project answers/);
    const made = await createProject(url(), 'made up', `peek = MemoryQuery {\n  endpointUrl: "http://127.0.0.1:5432/action"\n  pattern: ".*"\n}`);
    expect((await runToEnd(url(), made)).node('peek')?.error).toMatch(/is not the endpointUrl of a PostgresDatabase of this platform/);
  }, 60_000);
});
