import { beforeAll, describe, expect, it } from '@jest/globals';
import { graphqlPost } from './support/graphql';
import { sseSubscriber, webSocketSubscriber } from './support/subscriptions';
import { usePlatform } from './support/usePlatform';

/** With auth on: revoking a token ends what it has open, and /metrics is not public. */
const adminToken = 'token-streams-admin-token-0123456789abcdef';
const metricsToken = 'metrics-scraper-token-0123456789abcdef';

describe('API tokens: open streams and metrics', () => {
  const platform = usePlatform({ env: { AUTH: 'on', ADMIN_TOKEN: adminToken, METRICS_TOKEN: metricsToken, LOG_LEVEL: 'warn' } });
  const url = () => platform.current.graphqlUrl;
  const admin = (query: string, variables: Record<string, unknown> = {}) => graphqlPost(url(), query, variables, { authorization: `Bearer ${adminToken}` });
  const createToken = async (scopes: string) => {
    const { body } = await admin(`mutation { createApiToken(name: "t", scopes: [${scopes}]) { secret token { id } } }`);
    return { secret: body.data!.createApiToken.secret as string, id: body.data!.createApiToken.token.id as string };
  };
  const metrics = (token?: string) => fetch(`${platform.current.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const active = async () => Number(/^weft_graphql_active_subscriptions (\d+)/m.exec(await (await metrics(metricsToken)).text())?.[1]);
  const tokens = {} as Record<'read' | 'run' | 'answer' | 'admin', { secret: string; id: string }>;

  beforeAll(async () => {
    for (const scope of ['read', 'run', 'answer', 'admin'] as const) tokens[scope] = await createToken(scope);
  });

  it('closes the graphql-ws connections and SSE streams of a token within a second of its revocation, and no others', async () => {
    const revoked = await createToken('read');
    const baseline = await active();
    const socket = webSocketSubscriber(url(), { token: revoked.secret });
    const overWs = socket.subscribe(`subscription { executionsFeed { seq } }`);
    const stream = sseSubscriber(url(), { authorization: `Bearer ${revoked.secret}` });
    const overSse = stream.subscribe(`subscription { executionsFeed { seq } }`);
    const bystander = webSocketSubscriber(url(), { token: tokens.read.secret });
    const unaffected = bystander.subscribe(`subscription { executionsFeed { seq } }`);
    await waitFor(async () => (await active()) === baseline + 3);

    const endedAt = (collector: { completed: Promise<void> }) => collector.completed.then(() => ({ at: Date.now(), how: 'completed' }), (error: Error) => ({ at: Date.now(), how: error.message }));
    const wsEnded = endedAt(overWs);
    const sseEnded = endedAt(overSse);
    const revokedAt = Date.now();
    const { body } = await admin(`mutation ($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, { id: revoked.id });
    expect(body.data!.revokeApiToken.revokedAt).toEqual(expect.any(String));

    let timer: NodeJS.Timeout | undefined;
    const [ws, sse] = await Promise.race([
      Promise.all([wsEnded, sseEnded]),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the revoked token\'s streams are still open 5 s later')), 5_000))),
    ]).finally(() => clearTimeout(timer));
    expect(ws.how).toMatch(/4403/);
    expect(ws.at - revokedAt).toBeLessThan(1_000);
    expect(sse.at - revokedAt).toBeLessThan(1_000);
    await waitFor(async () => (await active()) === baseline + 1);
    // The other token's subscription goes on.
    await expect(unaffected.until(() => false, 500)).rejects.toThrow(/timed out/);
    unaffected.stop();
    await Promise.all([socket.close(), stream.close(), bystander.close()]);
  }, 60_000);

  it('serves /metrics only to METRICS_TOKEN and tokens with the read scope', async () => {
    expect((await metrics()).status).toBe(401);
    expect((await metrics()).headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await metrics('weft_not-a-real-token-at-all-0000000000000000000')).status).toBe(401);
    expect((await metrics(tokens.run.secret)).status).toBe(403);
    expect((await metrics(tokens.answer.secret)).status).toBe(403);
    for (const token of [metricsToken, tokens.read.secret, tokens.admin.secret, adminToken]) {
      const answer = await metrics(token);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain('weft_graphql_operations_total');
    }
    const revoked = await createToken('read');
    expect((await metrics(revoked.secret)).status).toBe(200);
    await admin(`mutation ($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, { id: revoked.id });
    expect((await metrics(revoked.secret)).status).toBe(401);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
