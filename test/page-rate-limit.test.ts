import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createProject } from './support/executions';
import { graphqlData, graphqlPost } from './support/graphql';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase } from './support/platform';
import { pictureLoom, pictureWeft } from './support/storyPage';

const withServer = process.env.DATABASE_URL ? describe : describe.skip;
if (!process.env.DATABASE_URL) {
  console.log('page-rate-limit.test.ts skipped: two processes need one real PostgreSQL; set DATABASE_URL (CI does)');
}

/** The first process's embedded Restate, from the ports it keeps in its directory (server/restate/ports.ts). */
async function embeddedRestate(dataDir: string): Promise<{ ingressUrl: string; adminUrl: string }> {
  const ports = JSON.parse(await readFile(path.join(dataDir, 'restate', 'ports.json'), 'utf8')) as { ingress: number; admin: number };
  return { ingressUrl: `http://127.0.0.1:${ports.ingress}`, adminUrl: `http://127.0.0.1:${ports.admin}` };
}

const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

withServer("a published page's runs a minute, across two server processes on one PostgreSQL", () => {
  let database: TestDatabase;
  const dataDirs: string[] = [];
  let first: RunningPlatform;
  let second: RunningPlatform;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDirs.push(await makeDataDir(), await makeDataDir());
    first = await startPlatform({ dataDir: dataDirs[0]!, databaseUrl: database.url });
    const restate = await embeddedRestate(dataDirs[0]!);
    second = await startPlatform({
      dataDir: dataDirs[1]!,
      databaseUrl: database.url,
      env: { RESTATE_INGRESS_URL: restate.ingressUrl, RESTATE_ADMIN_URL: restate.adminUrl },
    });
  }, 180_000);
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await database?.drop();
    for (const dataDir of dataDirs) await removeDataDir(dataDir);
  }, 60_000);

  const run = (platform: RunningPlatform) =>
    graphqlPost(platform.graphqlUrl, `mutation { runPublishedPage(slug: "shared-frame") { __typename ... on RateLimited { retryAfterSeconds } } }`).then(
      ({ body }) => body.data!.runPublishedPage.__typename as string,
    );
  const upload = (platform: RunningPlatform) =>
    fetch(`${platform.url}/page-files/shared-frame?node=photo&field=media&filename=cat.png`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: new Uint8Array(png) }).then(
      (response) => response.status,
    );

  it('gives the page its allowance once, whichever process its visitors reach, counting runs and uploads together', async () => {
    const projectId = await createProject(first.graphqlUrl, 'shared frame', pictureWeft);
    await graphqlData(first.graphqlUrl, `mutation ($id: ID!, $loom: String!) { saveLoomCode(projectId: $id, loomCode: $loom) { __typename } }`, { id: projectId, loom: pictureLoom });
    const published = await graphqlData(first.graphqlUrl, `mutation ($id: ID!) { publishPage(projectId: $id, slug: "shared-frame", runsPerMinute: 5) { __typename } }`, { id: projectId });
    expect(published.publishPage.__typename).toBe('PublishedPage');

    // Eight runs at once, four through each process, and two uploads through the second: five of the ten get through.
    const outcomes = await Promise.all([
      ...[first, second, first, second, first, second, first, second].map((platform) => run(platform).then((kind) => (kind === 'PageRun' ? 'ok' : kind))),
      ...[second, second].map((platform) => upload(platform).then((status) => (status === 201 ? 'ok' : status === 429 ? 'RateLimited' : String(status)))),
    ]);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'RateLimited')).toHaveLength(5);
    expect(await run(first)).toBe('RateLimited');
    expect(await upload(second)).toBe(429);
    const runs = await graphqlData(second.graphqlUrl, `{ executions(filter: { trigger: [Page] }) { totalCount } }`);
    expect(runs.executions.totalCount).toBeLessThanOrEqual(5);
  }, 120_000);
});
