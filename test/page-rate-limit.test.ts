import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createProject } from './support/executions';
import { graphqlData, graphqlPost } from './support/graphql';
import { startTwoProcesses, type RunningPlatform } from './support/platform';
import { pictureLoom, pictureWeft } from './support/storyPage';

const withServer = process.env.DATABASE_URL ? describe : describe.skip;
if (!process.env.DATABASE_URL) {
  console.log('page-rate-limit.test.ts skipped: two processes need one real PostgreSQL; set DATABASE_URL (CI does)');
}

const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

withServer("a published page's runs a minute, across two server processes on one PostgreSQL", () => {
  let first: RunningPlatform;
  let second: RunningPlatform;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ first, second, stop } = await startTwoProcesses());
  }, 180_000);
  afterAll(async () => {
    await stop?.();
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
