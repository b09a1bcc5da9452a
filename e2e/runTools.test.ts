import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Locator, Page } from 'playwright-core';
import { openDesktopPage, screenshotWidthsAndThemes, screenshotsFolder } from '../test/support/browser';
import { createProject, executionDetails, readExample, waitForStatus } from '../test/support/executions';
import { graphqlData } from '../test/support/graphql';
import { eventually, projectTriggers, runsOf } from '../test/support/triggers';
import { usePlatform } from '../test/support/usePlatform';

const screenshots = screenshotsFolder('run-tools');
const fixture = (name: string) => readFile(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

const hookProgram = `# Project: weather hook
hook = ApiPost -> (city: String, degrees: Number) { label: "Weather hook" }
line = Template(city: String, degrees: Number) { label: "Line", template: "{{city}}: {{degrees}}" }
line.city = hook.city
line.degrees = hook.degrees
`;

const shoot = (page: Page, name: string) => screenshotWidthsAndThemes(page, screenshots, name, { settleMs: 150 });

const graphNode = (page: Page, nodeId: string, status: string) => page.locator(`.react-flow__node[data-id="${nodeId}"] .weft-node[data-status="${status}"]`);
const portInput = (scope: Locator, port: string) => scope.locator(`.port-value[data-port="${port}"] input`);
const portProblem = (scope: Locator, port: string) => scope.locator(`.port-value[data-port="${port}"] .form-problem`);

async function openEditor(page: Page, url: string, projectId: string) {
  await page.goto(`${url}/projects/${projectId}`);
  await page.getByRole('button', { name: 'Test configs' }).waitFor();
}

/** The execution the editor shows, once a run started from it. */
async function shownExecution(page: Page): Promise<string> {
  await page.waitForURL(/executionId=/);
  return new URL(page.url()).searchParams.get('executionId')!;
}

describe('test configs, run inputs and triggers in the editor, in Chromium', () => {
  const platform = usePlatform();
  let browser: Browser;
  let page: Page;

  beforeAll(async () => void ({ browser, page } = await openDesktopPage(screenshots)), 60_000);
  afterAll(() => browser?.close());

  describe('test configs', () => {
    let projectId = '';
    let firstRunId = '';

    it('creates a test config: pick a node, give its outputs, each checked against its type as it is typed', async () => {
      projectId = await createProject(platform.current.graphqlUrl, 'hello', await readExample('hello'));
      await openEditor(page, platform.current.url, projectId);
      await page.getByRole('button', { name: 'Test configs' }).click();
      const dialog = page.getByRole('dialog', { name: 'Test configs' });
      await expect(dialog.locator('.empty').textContent()).resolves.toBe('No test configs yet.');
      await dialog.getByRole('button', { name: 'New test config' }).click();
      await dialog.getByLabel('Name').fill('big sum');
      await dialog.getByLabel('Mock a node').selectOption('sum');
      const mocked = dialog.locator('.mocked-node[data-node-id="sum"]');
      await expect(mocked.locator('.port-value').evaluateAll((ports) => ports.map((port) => port.getAttribute('data-port'))))
        .resolves.toEqual(['stdout', 'stderr', 'total', 'note']);

      // A String typed for a Number is flagged at once, and the config is not sent.
      await portInput(mocked, 'total').fill('"many"');
      await expect(portProblem(mocked, 'total').textContent()).resolves.toBe('This is a String, which is not a Number');
      await portInput(mocked, 'total').fill('12 apples');
      await expect(portProblem(mocked, 'total').textContent()).resolves.toMatch(/^Not JSON/);
      await dialog.getByRole('button', { name: 'Create' }).click();
      await expect(dialog.locator('.form-refusal').textContent()).resolves.toBe('Fix sum.total first.');
      await shoot(page, 'test-config-type-error');

      await portInput(mocked, 'total').fill('1000');
      await expect(portProblem(mocked, 'total').count()).resolves.toBe(0);
      await expect(mocked.locator('.port-value[data-port="total"]').getAttribute('data-state')).resolves.toBe('ok');
      await portInput(mocked, 'note').fill('mocked');
      await dialog.getByRole('button', { name: 'Create' }).click();

      const item = dialog.locator('.test-config[data-test-config="big sum"]');
      await item.waitFor();
      await expect(item.locator('.test-config-mocked').textContent()).resolves.toBe('Mocks Add (sum)');
      await expect(item.locator('.test-config-runs').textContent()).resolves.toBe('Not used by any run yet.');
      const { project } = await graphqlData(platform.current.graphqlUrl, `query ($id: ID!) { project(id: $id) { testConfigs { name mocks } } }`, { id: projectId });
      expect(project.testConfigs).toEqual([{ name: 'big sum', mocks: { sum: { total: 1000, note: 'mocked' } } }]);
      await shoot(page, 'test-config-list');
    }, 90_000);

    it('runs with the chosen test config: the mocked node gives its values, and the run says which config it used', async () => {
      await page.getByRole('dialog', { name: 'Test configs' }).getByRole('button', { name: 'Close' }).click();
      await page.getByLabel('Test config', { exact: true }).selectOption({ label: 'Mocks: big sum' });
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      firstRunId = await shownExecution(page);
      await graphNode(page, 'show', 'completed').waitFor();
      await expect(page.locator('.run-with-test-config').textContent()).resolves.toBe('Made with the test config “big sum”: its mocked nodes did not run.');
      const run = await executionDetails(platform.current.graphqlUrl, firstRunId);
      expect(run.node('sum')).toMatchObject({ status: 'completed', output: { total: 1000, note: 'mocked' }, details: { mocked: true } });
      expect(run.node('show')?.inputs).toEqual({ data: { total: 1000, note: 'mocked' } });
      await shoot(page, 'test-config-run');

      // "Run with it" from the list starts a second one; the list links the runs made with it.
      await page.getByRole('button', { name: 'Test configs' }).click();
      const dialog = page.getByRole('dialog', { name: 'Test configs' });
      await dialog.locator('.test-config[data-test-config="big sum"]').getByRole('button', { name: 'Run with it' }).click();
      await page.waitForURL((url) => url.searchParams.get('executionId') !== firstRunId);
      const secondRunId = new URL(page.url()).searchParams.get('executionId')!;
      await waitForStatus(platform.current.graphqlUrl, secondRunId, ['completed', 'failed']);

      await page.getByRole('button', { name: 'Test configs' }).click();
      const runs = dialog.locator('.test-config[data-test-config="big sum"] .test-config-runs');
      await expect(runs.textContent()).resolves.toContain('Used by 2 runs');
      await expect(runs.locator('a.test-config-run').evaluateAll((links) => links.map((link) => link.getAttribute('title')))).resolves.toEqual([secondRunId, firstRunId]);
      await shoot(page, 'test-config-used-by');
      await runs.locator(`a[title="${firstRunId}"]`).click();
      await page.waitForURL((url) => url.searchParams.get('executionId') === firstRunId);
      await expect(dialog.count()).resolves.toBe(0);
    }, 90_000);

    it('shows the server refusing a mock that no longer fits the code, changed since the editor opened', async () => {
      // Someone else makes sum.total a String: the page still has the old graph, the server checks the new one.
      const changed = (await readExample('hello')).replaceAll('total: Number', 'total: String');
      const { updateProject } = await graphqlData(platform.current.graphqlUrl, `mutation ($id: ID!, $code: String!) { updateProject(id: $id, code: $code) { __typename } }`, { id: projectId, code: changed });
      expect(updateProject.__typename).toBe('Project');
      await page.getByRole('button', { name: 'Test configs' }).click();
      const dialog = page.getByRole('dialog', { name: 'Test configs' });
      await dialog.locator('.test-config[data-test-config="big sum"]').getByRole('button', { name: 'Edit' }).click();
      await expect(portInput(dialog, 'total').inputValue()).resolves.toBe('1000');
      await portInput(dialog, 'note').fill('edited');
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      await expect(dialog.locator('.form-refusal').textContent()).resolves.toBe('These mocks do not fit the program: mock for sum.total is a Number, which is not a String');
      const { project } = await graphqlData(platform.current.graphqlUrl, `query ($id: ID!) { project(id: $id) { testConfigs { mocks } } }`, { id: projectId });
      expect(project.testConfigs[0].mocks).toEqual({ sum: { total: 1000, note: 'mocked' } });
      await shoot(page, 'test-config-server-refusal');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      await expect(dialog.count()).resolves.toBe(0);
    }, 60_000);
  });

  describe('run inputs and triggers', () => {
    it('Run asks for the ApiPost fields, type-checked as typed, and runs with them', async () => {
      const projectId = await createProject(platform.current.graphqlUrl, 'weather hook', hookProgram);
      await openEditor(page, platform.current.url, projectId);
      const triggers = page.getByRole('region', { name: 'Triggers' });
      await expect(triggers.locator('.trigger-row[data-node-id="hook"]').getAttribute('data-state')).resolves.toBe('never');

      await page.getByRole('button', { name: 'Run…', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Run with inputs' });
      await expect(dialog.locator('.port-value').evaluateAll((ports) => ports.map((port) => port.getAttribute('data-port')))).resolves.toEqual(['receivedAt', 'city', 'degrees']);
      await expect(portInput(dialog, 'receivedAt').inputValue()).resolves.toMatch(/^\d{4}-\d\d-\d\dT/);
      await portInput(dialog, 'city').fill('Lagos');
      await portInput(dialog, 'degrees').fill('"hot"');
      await expect(portProblem(dialog, 'degrees').textContent()).resolves.toBe('This is a String, which is not a Number');
      await expect(dialog.getByRole('button', { name: 'Start run' }).isDisabled()).resolves.toBe(true);
      await shoot(page, 'run-inputs-api-post');

      await portInput(dialog, 'degrees').fill('31');
      await dialog.getByRole('button', { name: 'Start run' }).click();
      const runId = await shownExecution(page);
      await expect(dialog.count()).resolves.toBe(0);
      await graphNode(page, 'line', 'completed').waitFor();
      const run = await executionDetails(platform.current.graphqlUrl, runId);
      expect(run.node('hook')?.output).toMatchObject({ city: 'Lagos', degrees: 31 });
      expect(run.node('line')?.output).toEqual({ text: 'Lagos: 31' });
      await shoot(page, 'run-inputs-api-post-ran');
    }, 90_000);

    it('activates and deactivates the triggers from the project page, showing each state and the webhook URL', async () => {
      const triggers = page.getByRole('region', { name: 'Triggers' });
      await triggers.getByRole('button', { name: 'Activate all' }).click();
      const row = triggers.locator('.trigger-row[data-node-id="hook"][data-state="active"]');
      await row.waitFor();
      const [hook] = await projectTriggers(platform.current.graphqlUrl, new URL(page.url()).pathname.split('/')[2]!);
      const webhookUrl = `${platform.current.url}/webhooks/${hook!.id}`;
      await expect(row.locator('.trigger-url').textContent()).resolves.toBe(webhookUrl);
      await expect(triggers.locator('.triggers-head').textContent()).resolves.toContain('1 active');
      await shoot(page, 'triggers-active');

      // The URL shown is the one that starts runs.
      const posted = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ city: 'Oslo', degrees: 4 }) });
      expect(posted.status).toBe(202);
      const [started] = await eventually(() => runsOf(platform.current.graphqlUrl, hook!.id), (runs) => runs.length === 1 && runs[0]!.status === 'completed');
      expect(started!.nodeRuns.find((nodeRun) => nodeRun.nodeId === 'line')?.output).toEqual({ text: 'Oslo: 4' });

      await row.getByRole('button', { name: 'Deactivate' }).click();
      const inactive = triggers.locator('.trigger-row[data-node-id="hook"][data-state="inactive"]');
      await inactive.waitFor();
      await expect(inactive.textContent()).resolves.toContain('1 run');
      await expect(triggers.locator('.triggers-head').textContent()).resolves.toContain('none active');
      expect((await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(409);
      await shoot(page, 'triggers-inactive');

      await inactive.getByRole('button', { name: 'Activate' }).click();
      await triggers.locator('.trigger-row[data-node-id="hook"][data-state="active"]').waitFor();
      await triggers.getByRole('button', { name: 'Deactivate all' }).click();
      await triggers.locator('.trigger-row[data-node-id="hook"][data-state="inactive"]').waitFor();
    }, 90_000);

    it("Run shows a HumanTrigger's form, its required fields checked, and runs with the answers", async () => {
      const projectId = await createProject(platform.current.graphqlUrl, 'start form', await fixture('start-form.weft'));
      await openEditor(page, platform.current.url, projectId);
      await page.getByRole('button', { name: 'Run…', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Run with inputs' });
      const form = dialog.getByRole('form', { name: 'Open a ticket' });
      await form.getByRole('button', { name: 'Start run' }).click();
      await expect(form.locator('.form-field:has(.form-problem)').evaluateAll((fields) => fields.map((field) => field.getAttribute('data-field-key'))))
        .resolves.toEqual(['ticket', 'priority']);
      await shoot(page, 'run-inputs-human-trigger');

      await form.locator('[data-field-key="ticket"] input').fill('T-7');
      await form.locator('[data-field-key="priority"]').getByLabel('high').check();
      await form.getByRole('button', { name: 'Start run' }).click();
      const runId = await shownExecution(page);
      await graphNode(page, 'line', 'completed').waitFor();
      const run = await executionDetails(platform.current.graphqlUrl, runId);
      expect(run.node('line')?.output).toEqual({ text: 'T-7 (high)' });
    }, 90_000);
  });
});
