import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { print, type DocumentNode } from 'graphql';
import * as spaDocuments from '../web/src/graphql/generated/graphql';
import { graphqlPost } from './support/graphql';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase } from './support/platform';
import { webSocketSubscriber } from './support/subscriptions';

const strictLimits = {
  GRAPHQL_MAX_DEPTH: '8', GRAPHQL_MAX_COST: '200', GRAPHQL_MAX_ALIASES: '5', GRAPHQL_MAX_DIRECTIVES: '5', GRAPHQL_MAX_TOKENS: '800',
  MAX_REQUEST_BYTES: '20000', GRAPHQL_TIMEOUT_MS: '1',
};

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** The errors a subscription gets within a second (none: it is running). */
async function subscriptionErrors(subscriber: ReturnType<typeof webSocketSubscriber>, query: string) {
  const subscription = subscriber.subscribe(query);
  const failure = await subscription.until(() => false, 1_000).then(() => new Error(''), (error: Error) => error);
  subscription.stop();
  const match = /subscription error: (.*)$/s.exec(failure.message);
  return match ? (JSON.parse(match[1]!) as { extensions?: Record<string, unknown> }[]) : [];
}

describe('API limits, CSRF prevention and metrics', () => {
  let database: TestDatabase;
  let dataDir: string;
  let platform: RunningPlatform;
  /** A second platform with small limits and a 1 ms time limit. */
  let strict: { platform: RunningPlatform; database: TestDatabase; dataDir: string };
  const url = () => platform.graphqlUrl;
  const strictUrl = () => strict.platform.graphqlUrl;
  const codesOf = async (query: string) => (await graphqlPost(strictUrl(), query)).body.errors?.map((error) => error.extensions?.code);

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await makeDataDir();
    const strictDatabase = await createTestDatabase();
    const strictDataDir = await makeDataDir();
    [platform, strict] = await Promise.all([
      startPlatform({ dataDir, databaseUrl: database.url }),
      startPlatform({ dataDir: strictDataDir, databaseUrl: strictDatabase.url, env: strictLimits }).then((started) => ({
        platform: started, database: strictDatabase, dataDir: strictDataDir,
      })),
    ]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([platform?.stop(), strict?.platform.stop()]);
    await Promise.all([database?.drop(), strict?.database.drop()]);
    await Promise.all([dataDir && removeDataDir(dataDir), strict && removeDataDir(strict.dataDir)]);
  }, 60_000);

  it('refuses an operation that is too deep, too costly, or has too many aliases, directives or tokens, saying which', async () => {
    expect(await codesOf(`{ projects { edges { node { executions { edges { node { project { executions { totalCount } } } } } } } } }`)).toContain('QUERY_TOO_DEEP');
    expect(await codesOf(`{ projects { edges { node { executions { edges { node { id status error nodeRuns { id status error inputs output details startedAt completedAt } } } } } } } }`)).toContain('QUERY_TOO_COSTLY');
    expect(await codesOf(`{ ${Array.from({ length: 6 }, (_, i) => `a${i}: nodeTypes { type }`).join(' ')} }`)).toContain('TOO_MANY_ALIASES');
    expect(await codesOf(`{ nodeTypes ${'@include(if: true) '.repeat(6)}{ type } }`)).toContain('TOO_MANY_DIRECTIVES');
    expect(await codesOf(`{ ${'__typename '.repeat(900)}}`)).toContain('TOO_MANY_TOKENS');
    const { body } = await graphqlPost(strictUrl(), `{ projects { edges { node { executions { edges { node { project { executions { totalCount } } } } } } } } }`);
    expect(body.errors?.map((error) => error.message)).toContainEqual(expect.stringMatching(/depth limit of 8 exceeded/));
    expect(body.data).toBeUndefined();
  });

  it('keeps every operation the SPA sends within the limits', async () => {
    const documents = Object.entries(spaDocuments).filter(([name]) => name.endsWith('Document')) as [string, DocumentNode][];
    expect(documents.length).toBeGreaterThan(3);
    const subscriber = webSocketSubscriber(url());
    for (const [name, document] of documents) {
      const query = print(document);
      const errors = query.startsWith('subscription') ? await subscriptionErrors(subscriber, query) : (await graphqlPost(url(), query)).body.errors;
      const codes = (errors ?? []).map((error) => String(error.extensions?.code));
      expect({ name, codes }).toEqual({ name, codes: codes.filter((code) => !/TOO_|DEEP|COSTLY/.test(code)) });
    }
    await subscriber.close();
  });

  it('refuses a body over MAX_REQUEST_BYTES with 413', async () => {
    const { status, body } = await graphqlPost(strictUrl(), `{ checkWeft(code: $code) { diagnostics { message } } }`, { code: 'x'.repeat(30_000) });
    expect(status).toBe(413);
    expect(body.errors?.[0]?.extensions?.code).toBe('REQUEST_TOO_LARGE');
  });

  it('requires a CSRF header on GET and form-encoded requests, not on JSON POSTs, and still serves GraphiQL', async () => {
    const get = (headers: Record<string, string>) => fetch(`${url()}?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json', ...headers } });
    const bare = await get({});
    expect(bare.status).toBe(403);
    expect(((await bare.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('CSRF_HEADER_REQUIRED');
    expect(await (await get({ 'x-graphql-csrf': '1' })).json()).toEqual({ data: { __typename: 'Query' } });
    const form = await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7B__typename%7D' });
    expect(form.status).toBe(403);
    const graphiql = await fetch(url(), { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toContain('Weftworks GraphQL');
  });

  it('stops a query that runs longer than GRAPHQL_TIMEOUT_MS with a TIMEOUT error', async () => {
    // Checking some 15 KB of Weft takes well over a millisecond.
    const code = Array.from({ length: 300 }, (_, i) => `n${i} = Text { value: "node ${i}" }`).join('\n');
    const { status, body } = await graphqlPost(strictUrl(), `query ($code: String!) { checkWeft(code: $code) { ok } }`, { code });
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'TIMEOUT' }, message: expect.stringContaining('longer than 1 ms') });
    expect(status).toBe(504);
  });

  it('exposes Prometheus metrics: operations, latency, active subscriptions, events published and delivered', async () => {
    const metric = async (name: string) => {
      const text = await (await fetch(`${platform.url}/metrics`)).text();
      return text.split('\n').filter((line) => line.startsWith(name)).reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    };
    const before = await metric('weft_graphql_operations_total');
    await graphqlPost(url(), `{ projects { totalCount } }`);
    expect(await metric('weft_graphql_operations_total')).toBeGreaterThan(before);
    expect(await metric('weft_graphql_operation_duration_seconds_count')).toBeGreaterThan(0);

    const subscriber = webSocketSubscriber(url());
    const feed = subscriber.subscribe<{ executionsFeed: { execution: { status: string } } }>(`subscription { executionsFeed { seq execution { status } } }`);
    await until(async () => (await metric('weft_graphql_active_subscriptions')) >= 1);
    expect(await metric('weft_graphql_active_subscriptions')).toBe(1);
    const { body } = await graphqlPost(url(), `mutation { createProject(name: "m", code: "greeting = Text { value: \\"hi\\" }") { ... on Project { id } } }`);
    await graphqlPost(url(), `mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id } } }`, { id: body.data!.createProject.id });
    await feed.until((received) => received.some((event) => event.executionsFeed.execution.status === 'completed'), 60_000);
    // Counted by the hub as it reads each notification, before it delivers the events in it.
    await until(async () => (await metric('weft_events_published_total')) >= feed.received.length);
    expect(await metric('weft_events_published_total')).toBeGreaterThanOrEqual(feed.received.length);
    expect(await metric('weft_events_delivered_total')).toBeGreaterThanOrEqual(feed.received.length);
    feed.stop();
    await subscriber.close();
    await until(async () => (await metric('weft_graphql_active_subscriptions')) === 0);
    expect(await metric('weft_graphql_active_subscriptions')).toBe(0);
  }, 90_000);
});
