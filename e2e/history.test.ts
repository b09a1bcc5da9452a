import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { openDesktopPage, screenshotsFolder } from '../test/support/browser';
import { createProject } from '../test/support/executions';
import { graphqlData } from '../test/support/graphql';
import { usePlatform } from '../test/support/usePlatform';

const screenshots = screenshotsFolder('history');

const firstDraft = `greeting = Text { label: "Greeting", value: "hello" }
show = Debug { label: "Show" }
show.data = greeting.value
`;

const secondDraft = `greeting = Text { label: "Greeting", value: "good morning" }
extra = Text { label: "Extra", value: "added later" }
show = Debug { label: "Show" }
show.data = extra.value
`;

describe('the history panel of the project editor in Chromium', () => {
  const platform = usePlatform();
  let browser: Browser;
  let page: Page;
  let projectId = '';

  beforeAll(async () => void ({ browser, page } = await openDesktopPage(screenshots)), 60_000);
  afterAll(() => browser?.close());

  const versionEntries = () => page.getByRole('list', { name: 'Versions' }).locator('li');
  const codeBox = () => page.getByRole('textbox', { name: 'Weft code' });
  const editorNode = (nodeId: string) => page.locator(`section[aria-label="Graph"] .weft-node[data-node-id="${nodeId}"]`);

  it('saves a labelled version, and the list shows it at once', async () => {
    projectId = await createProject(platform.current.graphqlUrl, 'history demo', firstDraft);
    await page.goto(`${platform.current.url}/projects/${projectId}`);
    await editorNode('greeting').waitFor();
    await page.getByRole('button', { name: 'History' }).click();
    await versionEntries().first().waitFor();
    const before = await versionEntries().count();

    await page.getByLabel('Label of the new version').fill('first draft');
    await page.getByRole('button', { name: 'Save version' }).click();
    const saved = versionEntries().filter({ hasText: 'first draft' });
    await saved.waitFor();
    await expect(saved.getAttribute('data-kind')).resolves.toBe('manual');
    await expect(versionEntries().count()).resolves.toBe(before + 1);
    await page.screenshot({ path: path.join(screenshots, 'history-saved.png') });
  });

  it('shows an old version read-only, and its changes against the current code', async () => {
    await codeBox().fill(secondDraft);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await editorNode('extra').waitFor();

    await versionEntries().filter({ hasText: 'first draft' }).getByRole('button').click();
    const versionGraph = page.locator('section[aria-label="Graph of this version"]');
    await versionGraph.locator('.weft-node[data-node-id="greeting"]').waitFor();
    await expect(versionGraph.locator('.weft-node[data-node-id="extra"]').count()).resolves.toBe(0);
    await expect(page.getByLabel('Weft code of this version').textContent()).resolves.toBe(firstDraft);
    await page.screenshot({ path: path.join(screenshots, 'history-version.png') });

    await page.getByRole('tab', { name: 'Changes against current' }).click();
    const added = page.locator('tr[data-diff="added"] .diff-text');
    const removed = page.locator('tr[data-diff="removed"] .diff-text');
    await added.first().waitFor();
    await expect(added.allTextContents()).resolves.toEqual([
      'greeting = Text { label: "Greeting", value: "good morning" }',
      'extra = Text { label: "Extra", value: "added later" }',
      'show.data = extra.value',
    ]);
    await expect(removed.allTextContents()).resolves.toEqual([
      'greeting = Text { label: "Greeting", value: "hello" }',
      'show.data = greeting.value',
    ]);
    await page.screenshot({ path: path.join(screenshots, 'history-diff.png') });
  });

  it('restores the version: the editor shows its code and graph, and the list grows without a reload', async () => {
    const before = await versionEntries().count();
    await page.getByRole('button', { name: 'Restore this version' }).click();

    await page.getByRole('tab', { name: 'Changes against current' }).waitFor({ state: 'detached' });
    // The editor is CodeMirror (issue 16): its text is its lines.
    await expect(codeBox().evaluate((content) => Array.from(content.querySelectorAll(':scope > .cm-line')).map((line) => line.textContent).join('\n'))).resolves.toBe(firstDraft);
    await editorNode('greeting').waitFor();
    await editorNode('extra').waitFor({ state: 'detached' });
    await versionEntries().nth(before).waitFor();
    await expect(page.locator('.save-state').textContent()).resolves.toBe('Saved');

    const { project } = await graphqlData(platform.current.graphqlUrl, `query ($id: ID!) { project(id: $id) { code } }`, { id: projectId });
    expect(project.code).toBe(firstDraft);
    await page.screenshot({ path: path.join(screenshots, 'history-restored.png') });
  });
});
