import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { openDesktopPage, screenshotsFolder } from '../test/support/browser';
import { createProject, runProject, waitForStatus } from '../test/support/executions';
import { graphqlData } from '../test/support/graphql';
import { usePlatform } from '../test/support/usePlatform';

const screenshots = screenshotsFolder('infrastructure');

const counter = `
db = PostgresDatabase
one = Number { value: 1 }
save = MemoryStore { key: "visits" }
save.endpointUrl = db.endpointUrl
save.value = one.value
`;

const stateOf = async (graphqlUrl: string, projectId: string) =>
  (await graphqlData(graphqlUrl, `query ($id: ID!) { project(id: $id) { infrastructure { state } } }`, { id: projectId })).project.infrastructure[0].state;

describe("the project page's infrastructure panel in Chromium", () => {
  const platform = usePlatform();
  let browser: Browser;
  let page: Page;

  beforeAll(async () => void ({ browser, page } = await openDesktopPage(screenshots)), 60_000);
  afterAll(() => browser?.close());

  it('starts, stops and (after a confirmation) terminates a PostgresDatabase; its state and instance id show', async () => {
    const url = platform.current.graphqlUrl;
    const projectId = await createProject(url, 'visits', counter);
    await page.goto(`${platform.current.url}/projects/${projectId}`);
    const panel = page.getByRole('region', { name: 'Infrastructure' });
    const row = panel.locator('.infra-node[data-node-id="db"]');
    await row.locator('.infra-state[data-state="not_started"]').waitFor();

    await row.getByRole('button', { name: 'Start' }).click();
    await row.locator('.infra-state[data-state="running"]').waitFor();
    await expect(row.textContent()).resolves.toMatch(/PostgresDatabase.*Running.*wf-[0-9a-f]{12}-db/);
    expect(await stateOf(url, projectId)).toBe('running');
    expect((await waitForStatus(url, await runProject(url, projectId), ['completed', 'failed'])).status).toBe('completed');
    await page.screenshot({ path: path.join(screenshots, 'running.png') });

    await row.getByRole('button', { name: 'Stop' }).click();
    await row.locator('.infra-state[data-state="stopped"]').waitFor();
    expect(await stateOf(url, projectId)).toBe('stopped');

    await row.getByRole('button', { name: 'Terminate…' }).click();
    const confirm = row.getByRole('alertdialog', { name: 'Terminate db?' });
    await expect(confirm.textContent()).resolves.toContain('Drop db and all its data?');
    await page.screenshot({ path: path.join(screenshots, 'confirm-terminate.png') });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await stateOf(url, projectId)).toBe('stopped');

    await row.getByRole('button', { name: 'Terminate…' }).click();
    await row.getByRole('alertdialog').getByRole('button', { name: 'Terminate' }).click();
    await row.locator('.infra-state[data-state="not_started"]').waitFor();
    expect(await stateOf(url, projectId)).toBe('not_started');
  }, 90_000);
});
