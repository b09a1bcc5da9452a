import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { openDesktopPage, screenshotWidthsAndThemes, screenshotsFolder, settledViewport } from '../test/support/browser';
import { createProject, readExample, runProject, waitForStatus } from '../test/support/executions';
import { graphqlData } from '../test/support/graphql';
import { usePlatform } from '../test/support/usePlatform';

const screenshots = screenshotsFolder('builder');

const firstVersion = `greeting = Text { label: "Greeting", value: "hi" }
old_show = Debug { label: "Old show" }
old_show.data = greeting.value
`;
const secondVersion = `greeting = Text { label: "Greeting", value: "hello" }
new_show = Debug { label: "New show" }
new_show.data = greeting.value
`;

const pythonProgram = `# Project: python
broken = ExecPython -> (value: Number) {
  label: "Divide by zero"
  code: \`\`\`
x = 1
return {"value": x / 0}
  \`\`\`
}
`;

function graphNode(page: Page, nodeId: string, status?: string) {
  return page.locator(`.react-flow__node[data-id="${nodeId}"] .weft-node${status ? `[data-status="${status}"]` : ''}`);
}

const codeBox = (page: Page) => page.getByRole('textbox', { name: 'Weft code', exact: true });

/** The text of the code editor, line by line (CodeMirror draws each line as its own element). */
async function editorText(page: Page): Promise<string> {
  return page.locator('.cm-content').first().evaluate((content) =>
    Array.from(content.querySelectorAll(':scope > .cm-line')).map((line) => line.textContent ?? '').join('\n'));
}

/** The line (from 1) the cursor is on, as the editor's gutter marks it. */
async function cursorLine(page: Page): Promise<number> {
  return Number(await page.locator('.cm-lineNumbers .cm-activeLineGutter').first().textContent());
}

/** Lines (from 1) with an error marked in the text. */
async function errorLines(page: Page): Promise<number[]> {
  return page.locator('.cm-content').first().evaluate((content) => {
    const lines = Array.from(content.querySelectorAll(':scope > .cm-line'));
    const marked = Array.from(content.querySelectorAll('.cm-lintRange-error')).map((range) => lines.indexOf(range.closest('.cm-line')!) + 1);
    return [...new Set(marked)].sort((a, b) => a - b);
  });
}

const shoot = (page: Page, name: string) => screenshotWidthsAndThemes(page, screenshots, name, { settleMs: 150 });

async function saveCode(graphqlUrl: string, id: string, code: string) {
  const { updateProject } = await graphqlData(graphqlUrl, `
    mutation ($id: ID!, $code: String!) { updateProject(id: $id, code: $code) { __typename ... on Project { id } } }`, { id, code });
  expect(updateProject.__typename).toBe('Project');
}

describe('the builder in Chromium', () => {
  const platform = usePlatform();
  let browser: Browser;
  let page: Page;

  beforeAll(async () => void ({ browser, page } = await openDesktopPage(screenshots)), 60_000);
  afterAll(() => browser?.close());

  it('draws an old run on the version it ran, read-only, with a switch to the current code', async () => {
    const url = platform.current.graphqlUrl;
    const projectId = await createProject(url, 'Versions', firstVersion);
    const executionId = await runProject(url, projectId);
    await waitForStatus(url, executionId, ['completed']);
    await saveCode(url, projectId, secondVersion);

    await page.goto(`${platform.current.url}/projects/${projectId}?executionId=${executionId}`);
    const notice = page.locator('.run-version[data-showing="run-version"]');
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toContain('This run used an earlier version');
    await graphNode(page, 'old_show', 'completed').waitFor({ timeout: 15_000 });
    await graphNode(page, 'greeting', 'completed').waitFor();
    await expect(page.locator('.react-flow__node[data-id="new_show"]').count()).resolves.toBe(0);
    // The code panel shows the version's code and cannot be typed in.
    const versionCode = page.getByRole('textbox', { name: 'Weft code of the run’s version' });
    await expect(versionCode.getAttribute('contenteditable')).resolves.toBe('false');
    expect(await editorText(page)).toContain('old_show = Debug');
    await shoot(page, 'run-on-its-version');

    await page.getByRole('button', { name: 'Show current code' }).click();
    await page.locator('.run-version[data-showing="current"]').waitFor();
    await graphNode(page, 'new_show').waitFor();
    expect(await editorText(page)).toContain('new_show = Debug');
    await page.getByRole('button', { name: 'Show the run’s version' }).click();
    await graphNode(page, 'old_show', 'completed').waitFor();
  }, 90_000);

  it('refuses to layer a run of another project', async () => {
    const url = platform.current.graphqlUrl;
    const ownerId = await createProject(url, 'Owner', firstVersion);
    const executionId = await runProject(url, ownerId);
    const otherId = await createProject(url, 'Other', secondVersion);
    await page.goto(`${platform.current.url}/projects/${otherId}?executionId=${executionId}`);
    const refusal = page.locator('.run-other-project');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toContain('belongs to another project, Owner');
    await expect(page.locator('.run-header').count()).resolves.toBe(0);
    await graphNode(page, 'new_show').waitFor();
    await expect(graphNode(page, 'new_show').getAttribute('data-status')).resolves.not.toBe('completed');
    await refusal.getByRole('link', { name: 'Open it in Owner' }).click();
    await page.waitForURL(new RegExp(`/projects/${ownerId}\\?executionId=${executionId}`));
    await graphNode(page, 'old_show', 'completed').waitFor({ timeout: 15_000 });
  }, 60_000);

  it('never loses unsaved code: asks before leaving, keeps a draft over a reload until saved or discarded', async () => {
    const url = platform.current.graphqlUrl;
    const projectId = await createProject(url, 'Drafts', firstVersion);
    await page.goto(`${platform.current.url}/projects/${projectId}`);
    await graphNode(page, 'old_show').waitFor();
    await codeBox(page).fill(secondVersion);
    await page.getByText('Unsaved changes', { exact: true }).waitFor();

    // In-app navigation: our dialog; staying keeps the code.
    await page.getByRole('link', { name: 'Projects' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Unsaved changes' });
    await dialog.waitFor();
    await shoot(page, 'unsaved-dialog');
    await dialog.getByRole('button', { name: 'Stay' }).click();
    expect(page.url()).toContain(`/projects/${projectId}`);
    expect(await editorText(page)).toContain('new_show = Debug');

    // Reload and tab close: the browser's own prompt.
    const prompts: string[] = [];
    page.on('dialog', (prompt) => {
      prompts.push(prompt.type());
      void prompt.accept();
    });
    await page.reload();
    expect(prompts).toContain('beforeunload');
    await page.locator('.draft-restored').waitFor();
    expect(await editorText(page)).toContain('new_show = Debug');
    await shoot(page, 'draft-restored');

    // Leaving keeps the draft; coming back offers it; discarding brings back the saved code.
    await page.getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('alertdialog', { name: 'Unsaved changes' }).getByRole('button', { name: 'Leave (keep the draft)' }).click();
    await page.waitForURL(`${platform.current.url}/`);
    // The projects page drawn (until its chunk loads the editor stays on screen, and would still ask).
    await page.locator('#new-project-name').waitFor();
    await page.goto(`${platform.current.url}/projects/${projectId}`);
    await page.locator('.draft-restored').getByRole('button', { name: 'Discard them' }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    expect(await editorText(page)).toContain('old_show = Debug');
    expect(prompts).toEqual(['beforeunload']);
    await page.reload();
    await graphNode(page, 'old_show').waitFor();
    await expect(page.locator('.draft-restored').count()).resolves.toBe(0);
    expect(prompts).toEqual(['beforeunload']);

    // Saving ends the draft too.
    await codeBox(page).fill(secondVersion);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    await page.reload();
    await graphNode(page, 'new_show').waitFor();
    await expect(page.locator('.draft-restored').count()).resolves.toBe(0);
    expect(prompts.filter((type) => type === 'beforeunload')).toHaveLength(1);
  }, 90_000);

  it('drops the "program has errors" banner once the code is fixed and saved', async () => {
    const url = platform.current.graphqlUrl;
    const projectId = await createProject(url, 'Banner', firstVersion.replace('greeting.value', 'greting.value'));
    await page.goto(`${platform.current.url}/projects/${projectId}`);
    await page.getByRole('button', { name: 'Run' }).click();
    const banner = page.locator('.run-refusal', { hasText: 'The program has errors' });
    await banner.waitFor();
    await codeBox(page).fill(firstVersion);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('No problems.').waitFor();
    await expect(banner.count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Run' }).click();
    await page.locator('.run-header[data-status="completed"]').waitFor({ timeout: 30_000 });
  }, 60_000);

  it('is a real code editor: Weft highlighting, live diagnostics, completion, hover, code ⇄ graph', async () => {
    const url = platform.current.graphqlUrl;
    const projectId = await createProject(url, 'Editor', firstVersion);
    await page.goto(`${platform.current.url}/projects/${projectId}`);
    await graphNode(page, 'old_show').waitFor();

    // The Weft mode: node types, config fields, strings and node.port references are told apart.
    const content = page.locator('.cm-content').first();
    await expect(content.locator('.tok-typeName', { hasText: 'Text' }).count()).resolves.toBeGreaterThan(0);
    await expect(content.locator('.tok-propertyName', { hasText: 'label' }).count()).resolves.toBeGreaterThan(0);
    await expect(content.locator('.tok-string', { hasText: '"Greeting"' }).count()).resolves.toBe(1);

    // Diagnostics from the server's checker as one types, before saving.
    await codeBox(page).fill(firstVersion.replace('greeting.value', 'greting.value'));
    await eventually(async () => (await errorLines(page)).includes(3), 'the typo to be marked on line 3');
    await page.locator('.diagnostic-error', { hasText: 'greting' }).first().waitFor();
    await expect(page.getByText('Unsaved changes', { exact: true }).count()).resolves.toBe(1);
    await shoot(page, 'editor-live-diagnostic');
    // Back to the saved code: nothing left unsaved, and the checker's answer for it is clean.
    await codeBox(page).fill(firstVersion);
    await page.getByText('No problems.').waitFor();
    await page.getByText('Saved', { exact: true }).waitFor();

    // Completion of node types from the catalog, and of a node's ports.
    const line4 = page.locator('.cm-content > .cm-line').nth(3);
    await line4.click();
    await page.keyboard.press('End');
    await page.keyboard.type('shout = Templ');
    const completions = page.locator('.cm-tooltip-autocomplete');
    await completions.locator('.cm-completionLabel', { hasText: /^Template$/ }).waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await page.keyboard.type('old_show.data = greeting.');
    await completions.locator('.cm-completionLabel', { hasText: /^value$/ }).waitFor();
    await shoot(page, 'editor-completion');
    await page.keyboard.press('Escape');

    // Hover: a port's type.
    await codeBox(page).fill(firstVersion);
    await page.getByText('Saved', { exact: true }).waitFor();
    const reference = content.locator('.cm-line').nth(2).getByText('value');
    await reference.hover();
    const hover = page.locator('.weft-hover');
    await hover.waitFor();
    await expect(hover.textContent()).resolves.toContain('greeting.value → String');

    // A node clicked on the graph puts the cursor on its line; the cursor on a line selects its node.
    await graphNode(page, 'old_show').click();
    await eventually(async () => (await cursorLine(page)) === 2, 'the cursor on old_show’s line');
    await content.locator('.cm-line').first().click();
    await page.locator('.react-flow__node.selected[data-id="greeting"]').waitFor();
    await expect(page.locator('.inspector h2').textContent()).resolves.toBe('Greeting');
  }, 90_000);

  it('highlights ExecPython code as Python and points a traceback at its Weft line', async () => {
    const url = platform.current.graphqlUrl;
    const projectId = await createProject(url, 'Python', pythonProgram);
    await page.goto(`${platform.current.url}/projects/${projectId}`);
    await graphNode(page, 'broken').waitFor();
    const pythonLine = page.locator('.cm-content > .cm-line').nth(5);
    await expect(pythonLine.locator('.tok-keyword', { hasText: 'return' }).count()).resolves.toBe(1);
    await expect(pythonLine.locator('.tok-string', { hasText: '"value"' }).count()).resolves.toBe(1);

    await page.getByRole('button', { name: 'Run' }).click();
    await graphNode(page, 'broken', 'failed').waitFor({ timeout: 45_000 });
    await graphNode(page, 'broken').click();
    const where = page.locator('.inspector .traceback-line');
    await where.waitFor();
    await expect(where.textContent()).resolves.toContain('Python line 2 is line 6 of the Weft code');
    await where.getByRole('button', { name: 'Go to line 6' }).click();
    await eventually(async () => (await cursorLine(page)) === 6, 'the cursor on line 6');
    await shoot(page, 'python-traceback');
  }, 90_000);

  it('controls the run where it is drawn: waiting for input links to the form, pause, resume, cancel with confirmation, re-run', async () => {
    const url = platform.current.graphqlUrl;
    const projectId = await createProject(url, 'approval', await readExample('approval'));
    await page.goto(`${platform.current.url}/projects/${projectId}`);
    await graphNode(page, 'review').waitFor();

    // The fit keeps text readable: a 7-node graph in 5 columns does not fit beside the code at a
    // readable zoom, so it is shown from its start and the rest is reached by scrolling.
    const canvas = page.locator('.react-flow').first();
    await settledViewport(page);
    const sizes = await page.evaluate(() => {
      const scale = new DOMMatrixReadOnly(getComputedStyle(document.querySelector('.react-flow__viewport')!).transform).a;
      const drawn = (selector: string) => Math.min(...Array.from(document.querySelectorAll(selector)).map((element) => parseFloat(getComputedStyle(element).fontSize) * scale));
      const label = document.querySelector('.react-flow__node[data-id="customer"] .node-label')!.getBoundingClientRect();
      return { label: drawn('.node-label'), port: drawn('.port-name'), labelBoxHeight: label.height };
    });
    expect(sizes.label).toBeGreaterThanOrEqual(10);
    expect(sizes.port).toBeGreaterThanOrEqual(8.5);
    expect(sizes.labelBoxHeight).toBeGreaterThanOrEqual(10);
    const frame = (await canvas.boundingBox())!;
    const inCanvas = async (nodeId: string) => {
      const box = (await page.locator(`.react-flow__node[data-id="${nodeId}"]`).boundingBox())!;
      return box.x >= frame.x && box.x + box.width <= frame.x + frame.width && box.y >= frame.y && box.y + box.height <= frame.y + frame.height;
    };
    await expect(inCanvas('customer')).resolves.toBe(true); // the start of the graph, not its middle
    await expect(inCanvas('sent')).resolves.toBe(false);
    await shoot(page, 'graph-readable-fit');
    await settledViewport(page);
    await page.mouse.move(frame.x + frame.width / 2, frame.y + frame.height / 2);
    // Scrolled sideways, as a touchpad or shift+wheel does, until the graph's end is in view.
    await eventually(async () => {
      if (await inCanvas('sent')) return true;
      await page.mouse.wheel(300, 0);
      return false;
    }, 'the last node scrolled into view');

    await page.getByRole('button', { name: 'Run' }).click();
    const header = page.locator('.run-header');
    await page.locator('.run-header[data-status="waiting_for_input"]').waitFor({ timeout: 45_000 });
    await expect(header.textContent()).resolves.toContain('waiting for input');
    await expect(header.textContent()).resolves.not.toContain('running for');
    const formLink = header.getByRole('link', { name: 'Answer the form of Review reply' });
    await formLink.waitFor();
    expect(await formLink.getAttribute('href')).toMatch(/^\/tasks\/.+/);
    await shoot(page, 'run-waiting');

    await header.getByRole('button', { name: 'Pause' }).click();
    await page.locator('.run-header[data-status="paused"]').waitFor({ timeout: 30_000 });
    await header.getByRole('button', { name: 'Resume' }).click();
    await page.locator('.run-header[data-status="waiting_for_input"]').waitFor({ timeout: 30_000 });

    await header.getByRole('button', { name: 'Cancel run' }).click();
    const confirm = header.getByRole('alertdialog', { name: 'Cancel this run?' });
    await confirm.getByRole('button', { name: 'Keep running' }).click();
    await expect(page.locator('.run-header[data-status="waiting_for_input"]').count()).resolves.toBe(1);
    await header.getByRole('button', { name: 'Cancel run' }).click();
    await header.getByRole('button', { name: 'Yes, cancel it' }).click();
    await page.locator('.run-header[data-status="cancelled"]').waitFor({ timeout: 30_000 });
    await expect(header.locator('.status-cancelled').count()).resolves.toBe(1);
    await shoot(page, 'run-cancelled');

    const cancelledId = new URL(page.url()).searchParams.get('executionId');
    await header.getByRole('button', { name: 'Re-run' }).click();
    await page.waitForURL((address) => !!address.searchParams.get('executionId') && address.searchParams.get('executionId') !== cancelledId);
    await page.locator('.run-header[data-status="waiting_for_input"]').waitFor({ timeout: 45_000 });

    const text = (await page.locator('body').textContent()) ?? '';
    for (const internal of ['Last seq', '[GraphQL]', '[Network]']) expect(text).not.toContain(internal);
  }, 120_000);
});

/** Waits until the canvas's fit has happened and its viewport has stayed put for a moment. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
