import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { serverAudits } from 'graphql-http';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase } from './support/platform';

describe('GraphQL over HTTP conformance (graphql-http audits)', () => {
  let database: TestDatabase;
  let dataDir: string;
  let platform: RunningPlatform;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await makeDataDir();
    platform = await startPlatform({ dataDir, databaseUrl: database.url });
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
    await database?.drop();
    if (dataDir) await removeDataDir(dataDir);
  }, 60_000);

  it('passes every audit, sending the CSRF header a script sends', async () => {
    const failed = await audit(platform.graphqlUrl, { 'x-graphql-csrf': '1' }, 'with the CSRF header');
    expect(failed).toEqual([]);
  }, 60_000);

  it('without the CSRF header, refuses only the GET requests (403), as CSRF prevention intends', async () => {
    const failed = await audit(platform.graphqlUrl, {}, 'without the CSRF header');
    expect(failed.length).toBeGreaterThan(0);
    for (const name of failed) expect(name).toMatch(/GET/);
  }, 60_000);
});

async function audit(url: string, extraHeaders: Record<string, string>, label: string): Promise<string[]> {
  const fetchWithHeaders: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
    return fetch(input, { ...init, headers });
  };
  const results: { name: string; status: string; reason?: string }[] = [];
  for (const audit of serverAudits({ url, fetchFn: fetchWithHeaders })) {
    const result = await audit.fn();
    results.push({ name: audit.name, status: result.status, reason: result.status === 'ok' ? undefined : result.reason });
  }
  const failed = results.filter((result) => result.status !== 'ok');
  const summary = ['MUST', 'SHOULD', 'MAY'].map((level) => {
    const ofLevel = results.filter((result) => result.name.startsWith(level));
    return `${level} ${ofLevel.filter((result) => result.status === 'ok').length}/${ofLevel.length}`;
  });
  console.log(`graphql-http audits ${label}: ${summary.join(', ')} pass\n${failed.map((f) => `  ${f.status}: ${f.name}`).join('\n')}`);
  return failed.map((f) => f.name);
}
