import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { graphqlData } from './support/graphql';
import { createProject, runProject, waitForStatus } from './support/executions';
import { startFakeService, type FakeService } from './support/fakeService';
import { webSocketSubscriber } from './support/subscriptions';
import { usePlatform } from './support/usePlatform';

const secret = 'sk-live-4f1c9e7a-DO-NOT-LEAK';

const program = (serviceUrl: string) => `
key = Credential
auth = Template {
  template: "Bearer {{value}}"
}
auth.value = key.value
headers = Pack(authorization: String)
headers.authorization = auth.text
call = Http {
  url: "${serviceUrl}/whoami"
  method: "GET"
}
call.headers = headers.out
`;

/** Every file under a folder whose bytes contain `needle` (PGlite's data files, Restate's journal…). */
async function filesContaining(folder: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(folder, { recursive: true })) {
    const file = path.join(folder, entry);
    if (!(await stat(file)).isFile()) continue;
    if ((await readFile(file)).includes(needle)) found.push(file);
  }
  return found;
}

describe('Credential: a secret that reaches the service and nothing else', () => {
  const platform = usePlatform();
  const url = () => platform.current.graphqlUrl;
  let service: FakeService;

  beforeAll(async () => {
    service = await startFakeService({
      // The service echoes what it was sent, as many do: the echo must be redacted too.
      'GET /whoami': (request) => ({ json: { user: 'dana', sawAuthorization: request.headers.authorization } }),
    });
  });
  afterAll(() => service?.close());

  it('an Http node fed a credential header calls the service with the real value; NodeRuns, events, the API, the logs and the stored data show it redacted', async () => {
    const projectId = await createProject(url(), 'calls with a key', program(service.url));
    const before = await graphqlData(url(), `query ($id: ID!) { project(id: $id) { credentials { nodeId set inCode } } }`, { id: projectId });
    expect(before.project.credentials).toEqual([{ nodeId: 'key', set: false, inCode: true }]);

    const set = await graphqlData(
      url(),
      `mutation ($id: ID!, $value: String!) { setCredential(projectId: $id, nodeId: "key", value: $value) { ... on Project { credentials { nodeId set } } ... on Problem { message } } }`,
      { id: projectId, value: secret },
    );
    expect(set.setCredential.credentials).toEqual([{ nodeId: 'key', set: true }]);
    const refused = await graphqlData(url(), `mutation ($id: ID!) { setCredential(projectId: $id, nodeId: "nope", value: "x") { __typename ... on Problem { message } } }`, { id: projectId });
    expect(refused.setCredential).toEqual({ __typename: 'InvalidInput', message: `The project's code has no Credential node "nope"` });

    // A live follower of the run: every streamed event must come without the secret.
    const subscriber = webSocketSubscriber(url());
    const executionId = await runProject(url(), projectId);
    const events = subscriber.subscribe<unknown>(
      `subscription ($id: ID!) { executionEvents(executionId: $id) { seq kind execution { status } nodeRun { nodeId status inputs output error details } } }`,
      { id: executionId },
    );
    const run = await waitForStatus(url(), executionId, ['completed', 'failed']);
    expect(run.status).toBe('completed');
    await events.until((received) => JSON.stringify(received).includes('"status":"completed"'), 10_000);
    const streamed = JSON.stringify(events.received);
    events.stop();
    await subscriber.close();

    // The service got the real value.
    expect(service.requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${secret}`]);

    // The run worked with it (the echo came back), but every copy of it is sealed.
    const call = run.node('call')!;
    expect(call.output.status).toBe(200);
    const echoed = JSON.parse(call.output.body);
    expect(echoed.user).toBe('dana');
    expect(echoed.sawAuthorization).toMatch(/^Bearer \[\[secret:v1:[A-Za-z0-9_-]+\]\]$/);
    expect(run.node('key')?.output.value).toMatch(/^\[\[secret:v1:[A-Za-z0-9_-]+\]\]$/);
    expect(run.node('headers')?.output.out.authorization).toMatch(/^Bearer \[\[secret:v1:/);

    const everything = await graphqlData(url(), `query ($id: ID!) {
      execution(id: $id) { nodeRuns { nodeId inputs output error details } events(first: 200) { edges { node { seq kind payload } } } } }`, { id: executionId })
      .catch(async () => graphqlData(url(), `query ($id: ID!) { execution(id: $id) { nodeRuns { nodeId inputs output error details } } }`, { id: executionId }));
    const api = JSON.stringify(everything) + JSON.stringify(await graphqlData(url(), `query ($id: ID!) { project(id: $id) { code credentials { nodeId set } } }`, { id: projectId }));
    for (const [where, text] of [['API', api], ['events', streamed], ['logs', platform.current.output()]] as const) {
      expect({ where, leaks: text.includes(secret) || text.includes('4f1c9e7a') }).toEqual({ where, leaks: false });
    }
    expect(streamed).toContain('[[secret:v1:');

    // At rest: the database (PGlite's files, or the server's tables) and Restate's journal.
    const dataDir = platform.current.dataDir;
    await platform.stop();
    expect(await filesContaining(dataDir, '4f1c9e7a')).toEqual([]);
    if (platform.database.url) {
      const client = new pg.Client({ connectionString: platform.database.url });
      await client.connect();
      try {
        for (const table of ['NodeRun', 'ExecutionEvent', 'ProjectCredential', 'Project', 'Execution']) {
          const { rows } = await client.query(`SELECT count(*)::int AS n FROM "${table}" t WHERE t::text LIKE '%4f1c9e7a%'`);
          expect({ table, rows: rows[0].n }).toEqual({ table, rows: 0 });
        }
        expect((await client.query(`SELECT count(*)::int AS n FROM "ProjectCredential"`)).rows[0].n).toBe(1);
      } finally {
        await client.end();
      }
    }
    await platform.startAgain();

    // After a restart the stored value still opens (same SECRET) and a second run works the same.
    const again = await waitForStatus(url(), await runProject(url(), projectId), ['completed', 'failed']);
    expect(again.status).toBe('completed');
    expect(service.requests.at(-1)?.headers.authorization).toBe(`Bearer ${secret}`);
  }, 120_000);
});
