import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { desktopViewport, openDesktopPage, screenshotWidthsAndThemes, screenshotsFolder } from '../test/support/browser';
import { graphqlData } from '../test/support/graphql';
import { usePlatform } from '../test/support/usePlatform';
import { examplesPath, waitForStatus } from '../test/support/executions';

const screenshots = screenshotsFolder('executions');
const examples = examplesPath;

const failingProgram = `broken = ExecPython -> (value: Number) {
  code: \`\`\`
return {"value": 1 / 0}
  \`\`\`
}
after = Template(v: Number) { template: "got {{v}}" }
after.v = broken.value
`;

const laneCount = 150;
const manyLanesProgram = `numbers = List -> (value: List[Number]) {
  value: [${Array.from({ length: laneCount }, (_, index) => index).join(', ')}]
}
each = Template(n: Number) { label: "One per number", template: "number {{n}}" }
each.n = numbers.value
`;

async function exampleOrFallback(name: string, fallback: string): Promise<string> {
  return readFile(path.join(examples, name), 'utf8').catch(() => fallback);
}

/** Every main view in four looks: 1280×800 and phone width, light and dark. */
const screenshotsOf = (page: Page, name: string) => screenshotWidthsAndThemes(page, screenshots, name, { fullPage: 'phone' });

describe('the executions page in Chromium', () => {
  const platform = usePlatform();
  let browser: Browser;
  let page: Page;
  const projects = { 'Browser demo': '', Failing: '', approval: '', 'Many lanes': '' };
  const executions = { demo: '', failed: '', waiting: '', second: '', lanes: '' };

  async function createProject(name: keyof typeof projects, code: string): Promise<string> {
    const { createProject } = await graphqlData(platform.current.graphqlUrl, `
      mutation ($name: String!, $code: String!) { createProject(name: $name, code: $code) { ... on Project { id } } }`, { name, code });
    return (projects[name] = createProject.id as string);
  }

  async function run(projectId: string): Promise<string> {
    const { runProject } = await graphqlData(platform.current.graphqlUrl, `
      mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id } } }`, { id: projectId });
    return runProject.id as string;
  }

  const row = (executionId: string, status?: string) =>
    page.locator(`tr[data-execution-id="${executionId}"]${status ? `[data-status="${status}"]` : ''}`);
  const details = (executionId: string) => page.locator(`[aria-label="Details of execution ${executionId}"]`);
  const visibleIds = () => page.locator('tr[data-execution-id]').evaluateAll((rows) => rows.map((element) => element.getAttribute('data-execution-id')));

  async function expand(executionId: string) {
    await row(executionId).getByRole('button', { name: /^Show details of execution/ }).click();
    await details(executionId).waitFor();
  }

  beforeAll(async () => void ({ browser, page } = await openDesktopPage(screenshots)), 60_000);
  afterAll(() => browser?.close());

  it('shows a run started elsewhere appear and complete without reloading or polling', async () => {
    const graphqlPosts: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/graphql') && request.method() === 'POST') graphqlPosts.push(request.postData() ?? '');
    });
    await page.goto(`${platform.current.url}/executions`);
    await page.getByText('No executions yet').waitFor();
    await page.locator('.connection[data-state="connected"]').waitFor();
    const postsAfterLoad = graphqlPosts.length;
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    executions.demo = await run(await createProject('Browser demo', 'message = Text { value: "hi" }'));

    await row(executions.demo).waitFor({ timeout: 15_000 });
    await row(executions.demo, 'completed').waitFor({ timeout: 30_000 });
    await expect(row(executions.demo).textContent()).resolves.toContain('Browser demo');
    await expect(row(executions.demo).locator('.status').textContent()).resolves.toBe('completed');
    await expect(row(executions.demo).locator('.cell-trigger').textContent()).resolves.toBe('Manual');
    await expect(row(executions.demo).locator('.cell-cost').textContent()).resolves.toBe('$0.0000');
    await expect(page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).resolves.toBe(true);
    expect(graphqlPosts.slice(postsAfterLoad)).toEqual([]);
  }, 90_000);

  it('opens a row on its node statuses and outputs, by keyboard too', async () => {
    const toggle = row(executions.demo).getByRole('button', { name: /^Show details of execution/ });
    await toggle.focus();
    await page.keyboard.press('Enter');
    const opened = details(executions.demo);
    await opened.waitFor();
    await expect(opened.locator('.execution-facts').textContent()).resolves.toContain('Completed');
    await expect(opened.locator('.execution-facts').textContent()).resolves.not.toContain('Last seq');
    const node = opened.locator('.node-line[data-node-id="message"]');
    await expect(node.getAttribute('data-status')).resolves.toBe('completed');
    await node.getByRole('button', { name: 'Show the output of message' }).click();
    await expect(opened.locator('.run-output .json-string').textContent()).resolves.toBe('"hi"');
    await screenshotsOf(page, 'executions-expanded');
    await row(executions.demo).getByRole('button', { name: /^Hide details/ }).press('Space');
    await opened.waitFor({ state: 'detached' });
  }, 60_000);

  it('filters by status, project and trigger, and keeps the filters in the URL across a reload', async () => {
    executions.failed = await run(await createProject('Failing', failingProgram));
    await row(executions.failed, 'failed').waitFor({ timeout: 45_000 });

    await page.getByRole('checkbox', { name: 'failed' }).check();
    await page.waitForURL(/status=failed/);
    await page.locator(`tr[data-execution-id="${executions.demo}"]`).waitFor({ state: 'detached' });
    await expect(visibleIds()).resolves.toEqual([executions.failed]);
    await page.reload();
    await row(executions.failed).waitFor();
    await expect(page.getByRole('checkbox', { name: 'failed' }).isChecked()).resolves.toBe(true);
    await expect(visibleIds()).resolves.toEqual([executions.failed]);
    await screenshotsOf(page, 'executions-filtered');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await row(executions.demo).waitFor();
    await page.getByRole('combobox', { name: 'Project' }).selectOption({ label: 'Browser demo' });
    await page.waitForURL(new RegExp(`project=${projects['Browser demo']}`));
    await row(executions.failed).waitFor({ state: 'detached' });
    await expect(visibleIds()).resolves.toEqual([executions.demo]);
    await page.reload();
    await row(executions.demo).waitFor();
    await expect(page.getByRole('combobox', { name: 'Project' }).inputValue()).resolves.toBe(projects['Browser demo']);
    await expect(visibleIds()).resolves.toEqual([executions.demo]);

    await page.getByRole('checkbox', { name: 'Cron' }).check();
    await page.waitForURL(/trigger=Cron/);
    await page.getByText('No executions match these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await row(executions.failed).waitFor();
  }, 90_000);

  it('re-runs an execution: the new run appears as a new row, and the trigger filter finds it', async () => {
    await expand(executions.failed);
    await details(executions.failed).getByRole('button', { name: 'Re-run' }).click();
    const notice = details(executions.failed).locator('.run-notice');
    await notice.waitFor();
    const newRow = page.locator('tr[data-execution-id]').first();
    await page.locator('tr[data-execution-id] .cell-trigger', { hasText: 'Re-run' }).waitFor();
    const rerunId = (await newRow.getAttribute('data-execution-id'))!;
    expect(rerunId).not.toBe(executions.failed);
    await expect(notice.textContent()).resolves.toContain(rerunId.slice(-8));
    await row(rerunId, 'failed').waitFor({ timeout: 45_000 });

    await page.getByRole('checkbox', { name: 'Re-run' }).check();
    await page.waitForURL(/trigger=Rerun/);
    await row(executions.demo).waitFor({ state: 'detached' });
    await expect(visibleIds()).resolves.toEqual([rerunId]);
    await page.getByRole('button', { name: 'Clear filters' }).click();
  }, 90_000);

  it('cancels a run that waits for a person, and the row turns cancelled live', async () => {
    const approval = await exampleOrFallback('approval.weft', '');
    executions.waiting = await run(await createProject('approval', approval));
    await row(executions.waiting, 'waiting_for_input').waitFor({ timeout: 45_000 });
    await expand(executions.waiting);
    const opened = details(executions.waiting);
    await opened.locator('.node-line[data-node-id="review"][data-status="waiting_for_input"]').waitFor({ timeout: 15_000 });
    await screenshotsOf(page, 'executions-waiting');
    await expect(opened.getByRole('button', { name: 'Resume' }).count()).resolves.toBe(0);
    await opened.getByRole('button', { name: 'Cancel' }).click();
    await row(executions.waiting, 'cancelled').waitFor({ timeout: 15_000 });
    await opened.locator('.node-line[data-node-id="review"][data-status="cancelled"]').waitFor();
    await opened.getByRole('button', { name: 'Cancel' }).waitFor({ state: 'detached' });
  }, 90_000);

  it('shows the refusal the server answers with', async () => {
    // The execution is cancelled on the server while this page still offers Pause: the page learns it live,
    // so ask for a pause through a second tab that loaded before the cancel.
    const staleTab = await browser.newPage({ viewport: desktopViewport });
    executions.second = await run(projects.approval);
    await staleTab.goto(`${platform.current.url}/executions`);
    await staleTab.locator(`tr[data-execution-id="${executions.second}"][data-status="waiting_for_input"]`).waitFor({ timeout: 45_000 });
    await staleTab.locator(`tr[data-execution-id="${executions.second}"]`).getByRole('button', { name: /^Show details/ }).click();
    const pause = staleTab.locator(`[aria-label="Details of execution ${executions.second}"]`).getByRole('button', { name: 'Pause' });
    await pause.waitFor();
    await staleTab.route('**/graphql', async (route) => {
      // Hold the pause until the run has been cancelled by someone else, so the server refuses it.
      if (route.request().postData()?.includes('pauseExecution')) {
        await graphqlData(platform.current.graphqlUrl, `mutation ($id: ID!) { cancelExecution(id: $id) { __typename } }`, { id: executions.second });
        // The cancel is asked of Restate; the pause must reach the server only once it is recorded.
        await waitForStatus(platform.current.graphqlUrl, executions.second, ['cancelled']);
      }
      await route.continue();
    });
    await pause.click();
    const alert = staleTab.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(/Could not pause: .*cancelled/);
    await staleTab.close();
  }, 90_000);

  it('draws only the lanes in view of a long list of lanes, and scrolls to the last one', async () => {
    executions.lanes = await run(await createProject('Many lanes', manyLanesProgram));
    await row(executions.lanes, 'completed').waitFor({ timeout: 60_000 });
    await expand(executions.lanes);
    const opened = details(executions.lanes);
    const node = opened.locator('.node-line[data-node-id="each"]');
    await expect(node.locator('.lane-count').textContent()).resolves.toBe(`${laneCount} lanes · ${laneCount} completed`);
    await node.getByRole('button', { name: 'Show the lanes of each' }).click();
    await opened.locator('.lane-line[data-lane="0"]').waitFor();
    const drawn = await opened.locator('.lane-line').count();
    expect(drawn).toBeGreaterThan(5);
    expect(drawn).toBeLessThan(laneCount / 2);
    await opened.locator('.node-runs-scroller').evaluate((scroller) => scroller.scrollTo({ top: scroller.scrollHeight }));
    await opened.locator(`.lane-line[data-lane="${laneCount - 1}"]`).waitFor();
    await opened.getByRole('button', { name: `Show the output of lane ${laneCount - 1}` }).click();
    await expect(opened.locator('.run-output .json-string').textContent()).resolves.toBe(`"number ${laneCount - 1}"`);
  }, 120_000);

  it('says when the connection is lost, and resynchronises once the server is back', async () => {
    await page.goto(`${platform.current.url}/executions`);
    await page.locator('.connection[data-state="connected"]').waitFor();
    await row(executions.demo).waitFor();
    const reads: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/graphql') && (request.url().includes('Executions') || request.postData()?.includes('query Executions'))) {
        reads.push(request.url());
      }
    });

    await platform.stop();
    const indicator = page.locator('.connection[data-state="reconnecting"]');
    await indicator.waitFor({ timeout: 15_000 });
    await expect(indicator.textContent()).resolves.toBe('Reconnecting…');
    await expect(row(executions.demo).count()).resolves.toBe(1);
    await screenshotsOf(page, 'executions-reconnecting');

    await platform.startAgain();
    await page.locator('.connection[data-state="connected"]').waitFor({ timeout: 30_000 });
    await expect(page.locator('.connection').textContent()).resolves.toBe('Live');
    expect(reads.length).toBeGreaterThan(0);

    const afterRestart = await run(projects['Browser demo']);
    await row(afterRestart, 'completed').waitFor({ timeout: 45_000 });
    await row(executions.waiting, 'cancelled').waitFor();
  }, 150_000);

  it('looks right on the projects page and the editor with a run, at both sizes and in both themes', async () => {
    await page.goto(`${platform.current.url}/executions`);
    await row(executions.demo).waitFor();
    await screenshotsOf(page, 'executions');
    await page.goto(platform.current.url);
    await page.locator('.project-list').getByRole('link', { name: 'Browser demo' }).waitFor();
    await screenshotsOf(page, 'projects');
    await page.goto(`${platform.current.url}/projects/${projects.Failing}?executionId=${executions.failed}`);
    await page.locator('.run-header[data-status="failed"]').waitFor({ timeout: 15_000 });
    await screenshotsOf(page, 'editor-run');
  }, 90_000);
});
