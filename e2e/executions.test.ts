import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser';
import { graphqlData } from '../test/support/graphql';
import {
  createTestDatabase, makeDataDir, removeDataDir, startPlatform, type RunningPlatform, type TestDatabase,
} from '../test/support/platform';

describe('the executions page in Chromium', () => {
  let database: TestDatabase;
  let dataDir: string;
  let platform: RunningPlatform;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await makeDataDir();
    platform = await startPlatform({ dataDir, databaseUrl: database.url });
    browser = await launchBrowser();
    page = await browser.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await database?.drop();
    await removeDataDir(dataDir);
  }, 60_000);

  it('shows a run started elsewhere appear and complete without reloading or polling', async () => {
    const graphqlPosts: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/graphql') && request.method() === 'POST') graphqlPosts.push(request.postData() ?? '');
    });
    await page.goto(`${platform.url}/executions`);
    await page.getByText('No executions yet').waitFor();
    // The page has subscribed once its WebSocket says so; give it a moment to connect.
    await page.waitForTimeout(500);
    const postsAfterLoad = graphqlPosts.length;

    const { createProject } = await graphqlData(platform.graphqlUrl, `
      mutation { createProject(name: "Browser demo", code: "message = Text { value: \\"hi\\" }") { ... on Project { id } } }`);
    const { runProject } = await graphqlData(platform.graphqlUrl, `
      mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id } } }`, { id: createProject.id });

    const row = page.locator(`tr[data-execution-id="${runProject.id}"]`);
    await row.waitFor({ timeout: 15_000 });
    await page.locator(`tr[data-execution-id="${runProject.id}"][data-status="completed"]`).waitFor({ timeout: 30_000 });
    await expect(row.textContent()).resolves.toContain('Browser demo');
    await expect(row.locator('.status').textContent()).resolves.toBe('completed');

    await page.waitForTimeout(2_000);
    expect(graphqlPosts.slice(postsAfterLoad)).toEqual([]);
  }, 90_000);
});
