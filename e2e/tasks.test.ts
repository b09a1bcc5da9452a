import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Locator, Page } from 'playwright-core';
import { desktopViewport, openDesktopPage, screenshotWidthsAndThemes, screenshotsFolder } from '../test/support/browser';
import { createProject, executionDetails, readExample, runProject, waitForStatus } from '../test/support/executions';
import { graphqlData } from '../test/support/graphql';
import { activateTriggers, deactivateTriggers } from '../test/support/triggers';
import { usePlatform } from '../test/support/usePlatform';

const screenshots = screenshotsFolder('tasks');
const fixture = (name: string) => readFile(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

/** GraphQL POSTs the page sends from now on (queries and mutations; subscriptions go over the WebSocket). */
function recordGraphqlPosts(page: Page): string[] {
  const posts: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/graphql') && request.method() === 'POST') posts.push(request.postData() ?? '');
  });
  return posts;
}

async function openTaskOf(graphqlUrl: string, executionId: string): Promise<{ id: string; linkToken: string }> {
  const { humanTasks } = await graphqlData(graphqlUrl, `query ($id: ID!) {
    humanTasks(first: 5, filter: { executionId: $id, state: [open] }) { edges { node { id linkToken } } } }`, { id: executionId });
  const task = humanTasks.edges[0]?.node;
  if (!task) throw new Error(`execution ${executionId} has no open form`);
  return task;
}

const shoot = (page: Page, name: string) => screenshotWidthsAndThemes(page, screenshots, name, { fullPage: true });

const taskCard = (page: Page, title: string) => page.locator('.task-card[data-task-id]').filter({ hasText: title });
const field = (card: Locator, key: string) => card.locator(`[data-field-key="${key}"]`);

describe('the tasks view in Chromium', () => {
  const platform = usePlatform();
  let browser: Browser;
  let page: Page;

  beforeAll(async () => void ({ browser, page } = await openDesktopPage(screenshots)), 60_000);
  afterAll(() => browser?.close());

  let approvalProjectId = '';
  let approvalRunId = '';

  it('shows the form of a run that reaches a HumanQuery, without a reload', async () => {
    await page.goto(`${platform.current.url}/tasks`);
    await page.getByTestId('no-open-tasks').waitFor();

    approvalProjectId = await createProject(platform.current.graphqlUrl, 'approval', await readExample('approval'));
    approvalRunId = await runProject(platform.current.graphqlUrl, approvalProjectId);

    const card = taskCard(page, 'Approve the reply?');
    await card.waitFor();
    await expect(field(card, 'customer').textContent()).resolves.toContain('Dana Okafor');
    await expect(field(card, 'reply').locator('textarea').inputValue()).resolves.toContain('Hello Dana Okafor, we are sorry about: Invoice 7731');
    // The decision's labels are the submit buttons: no separate "Submit answer".
    await expect(field(card, 'decision').getByRole('button', { name: 'Send' }).isVisible()).resolves.toBe(true);
    await expect(field(card, 'decision').getByRole('button', { name: 'Drop' }).isVisible()).resolves.toBe(true);
    await expect(card.getByRole('button', { name: 'Submit answer' }).count()).resolves.toBe(0);
    // The card says where it comes from: the project, the run (a link to it) and how long it has waited.
    const meta = card.locator('.task-meta');
    await expect(meta.locator('.task-project').textContent()).resolves.toBe('approval');
    await expect(meta.locator('.task-run').textContent()).resolves.toBe(`run ${approvalRunId.slice(-8)}`);
    await expect(meta.locator('.task-run').getAttribute('href')).resolves.toBe(`/projects/${approvalProjectId}?executionId=${approvalRunId}`);
    await expect(meta.locator('.task-age').textContent()).resolves.toMatch(/^opened (just now|\d+ seconds? ago)$/);
    await shoot(page, 'tasks-open');
  });

  it('flags a required field left empty next to it, and sends nothing', async () => {
    const posts = recordGraphqlPosts(page);
    const card = taskCard(page, 'Approve the reply?');
    await field(card, 'reply').locator('textarea').fill('');
    await field(card, 'decision').getByRole('button', { name: 'Send' }).click();

    await expect(field(card, 'reply').locator('.form-problem').textContent()).resolves.toBe('Required');
    await expect(field(card, 'reply').locator('textarea').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(posts.filter((post) => post.includes('answerHumanTask'))).toEqual([]);
    await page.screenshot({ path: path.join(screenshots, 'tasks-validation.png'), fullPage: true });
  });

  it('an answer makes the form disappear in every tab, and the run completes', async () => {
    const otherTab = await browser.newPage({ viewport: desktopViewport });
    await otherTab.goto(`${platform.current.url}/tasks`);
    await taskCard(otherTab, 'Approve the reply?').waitFor();

    const card = taskCard(page, 'Approve the reply?');
    await field(card, 'reply').locator('textarea').fill('Hello Dana, the refund is on its way.');
    await field(card, 'tone').getByLabel('warm').check();
    await field(card, 'decision').getByRole('button', { name: 'Send' }).click();

    await card.waitFor({ state: 'detached' });
    // A confirmation says what was recorded, with the answer and a link to the run.
    const confirmation = page.locator('.task-confirmation[data-state="answered"]');
    await expect(confirmation.locator('p').first().textContent()).resolves.toContain('Answer recorded: Approve the reply? (approval)');
    await expect(confirmation.locator('.task-answer-row').evaluateAll((rows) => rows.map((row) => [row.querySelector('dt')?.textContent, row.querySelector('dd')?.textContent])))
      .resolves.toEqual([['Reply', 'Hello Dana, the refund is on its way.'], ['Tone', 'warm'], ['Decision', 'Send']]);
    await expect(confirmation.getByRole('link', { name: 'View the run' }).getAttribute('href')).resolves.toBe(`/projects/${approvalProjectId}?executionId=${approvalRunId}`);
    await shoot(page, 'tasks-answer-confirmed');

    await taskCard(otherTab, 'Approve the reply?').waitFor({ state: 'detached' });
    await otherTab.getByTestId('no-open-tasks').waitFor();

    const run = await waitForStatus(platform.current.graphqlUrl, approvalRunId, ['completed', 'failed']);
    expect(run.status).toBe('completed');
    expect(run.node('sent')?.status).toBe('completed');
    expect(run.node('send_gate')?.output).toEqual({ value: 'Hello Dana, the refund is on its way.' });
    expect(run.node('review')?.output).toMatchObject({ tone: 'warm', decision_approved: true, decision_rejected: null });

    // Approved: the Debug fed the null rejection skips (NODES.md 1.2); every other node completed.
    expect(run.node('dropped')?.status).toBe('skipped');
    await page.goto(`${platform.current.url}/projects/${approvalProjectId}?executionId=${approvalRunId}`);
    for (const nodeRun of run.runs) {
      await page.locator(`.weft-node[data-node-id="${nodeRun.nodeId}"][data-status="${nodeRun.status}"]`).waitFor();
    }
    await expect(page.locator('.weft-node:not([data-status="completed"])').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-node-id'))))
      .resolves.toEqual(['dropped']);
    await page.screenshot({ path: path.join(screenshots, 'editor-after-answer.png') });
    await otherTab.close();
  }, 90_000);

  it('a form link shows the form alone, and the refusal when someone else answered it first', async () => {
    const runId = await runProject(platform.current.graphqlUrl, approvalProjectId);
    await waitForStatus(platform.current.graphqlUrl, runId, ['waiting_for_input']);
    const task = await openTaskOf(platform.current.graphqlUrl, runId);
    expect(task.linkToken).toMatch(/^wtask_/);
    await page.goto(`${platform.current.url}/tasks/${task.id}?token=${encodeURIComponent(task.linkToken)}`);
    const card = taskCard(page, 'Approve the reply?');
    await card.waitFor();
    await page.screenshot({ path: path.join(screenshots, 'task-single.png'), fullPage: true });

    await graphqlData(platform.current.graphqlUrl, `mutation ($id: ID!) { skipHumanTask(id: $id, answeredBy: "someone else") { __typename } }`, { id: task.id });
    await field(card, 'decision').getByRole('button', { name: 'Drop' }).click();
    const closed = page.locator(`.task-closed[data-task-id="${task.id}"]`);
    await expect(closed.locator('.form-refusal').textContent()).resolves.toBe('Your answer was not recorded: This form is already skipped.');
    await expect(closed.textContent()).resolves.toContain('This form was skipped by someone else');
    await page.screenshot({ path: path.join(screenshots, 'task-refusal.png'), fullPage: true });

    // Without a link token the page follows the form live: a closed form says so.
    await page.goto(`${platform.current.url}/tasks/${task.id}`);
    await expect(page.locator(`.task-closed[data-task-id="${task.id}"]`).textContent()).resolves.toContain('skipped by someone else');
  }, 60_000);

  it('renders every field type of a HumanQuery and sends what was entered', async () => {
    await page.goto(`${platform.current.url}/tasks`);
    await page.getByTestId('no-open-tasks').waitFor();
    const projectId = await createProject(platform.current.graphqlUrl, 'every field', await fixture('every-field.weft'));
    const runId = await runProject(platform.current.graphqlUrl, projectId);
    const card = taskCard(page, 'Check order 7731');
    await card.waitFor();

    const fieldTypes = await card.locator('[data-field-type]').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-field-type')));
    expect(fieldTypes).toEqual([
      'display', 'display_image', 'approve_reject', 'select', 'multi_select', 'select_input',
      'multi_select_input', 'text_input', 'textarea', 'editable_text_input', 'editable_textarea',
    ]);
    await expect(field(card, 'summary').textContent()).resolves.toContain('7731');
    await expect(field(card, 'photo').locator('img').evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth)).resolves.toBe(120);
    await expect(field(card, 'carrier').getByRole('radio').evaluateAll((radios) => radios.map((radio) => (radio as HTMLInputElement).value)))
      .resolves.toEqual(['DHL', 'UPS', 'La Poste']);
    await expect(field(card, 'labels').getByRole('checkbox').count()).resolves.toBe(3);
    await expect(field(card, 'subject').locator('input').inputValue()).resolves.toBe('Your order 7731');
    await expect(field(card, 'body').locator('textarea').inputValue()).resolves.toBe('Dear customer,\nyour order is on its way.');

    // The verdict's buttons send the form: its other required fields are flagged first.
    await field(card, 'verdict').getByRole('button', { name: 'Ship it' }).click();
    const flagged = await card.locator('.form-field:has(.form-problem)').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-field-key')));
    expect(flagged).toEqual(['speed', 'carrier', 'reference']);
    await page.screenshot({ path: path.join(screenshots, 'tasks-every-field.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(screenshots, 'tasks-every-field-phone-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize(desktopViewport);

    await field(card, 'speed').getByLabel('next day').check();
    await field(card, 'extras').getByLabel('signature').check();
    await field(card, 'carrier').getByLabel('UPS').check();
    await field(card, 'labels').getByLabel('fragile').check();
    await field(card, 'labels').getByLabel('gift').check();
    await field(card, 'reference').locator('input').fill('R-1');
    await field(card, 'subject').locator('input').fill('Order 7731 ships today');
    await field(card, 'verdict').getByRole('button', { name: 'Ship it' }).click();
    await card.waitFor({ state: 'detached' });

    const run = await waitForStatus(platform.current.graphqlUrl, runId, ['completed', 'failed']);
    expect(run.status).toBe('completed');
    expect(run.node('check')?.output).toEqual({
      verdict_approved: true, verdict_rejected: null, speed: 'next day', extras: ['signature'], carrier: 'UPS',
      labels: ['fragile', 'gift'], reference: 'R-1', note: null, subject: 'Order 7731 ships today',
      body: 'Dear customer,\nyour order is on its way.',
    });
  }, 90_000);

  it('starts a run from an active HumanTrigger form under "Start a run", and shows the refusal once it is inactive', async () => {
    const projectId = await createProject(platform.current.graphqlUrl, 'start form', await fixture('start-form.weft'));
    const { triggers } = await activateTriggers(platform.current.graphqlUrl, projectId);
    const trigger = triggers!.find((candidate) => candidate.nodeId === 'start')!;

    await page.goto(`${platform.current.url}/tasks`);
    const card = page.locator(`.trigger-card[data-trigger-id="${trigger.id}"]`);
    await card.waitFor();
    await card.getByRole('button', { name: 'Start run' }).click();
    await expect(card.locator('.form-field:has(.form-problem)').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-field-key'))))
      .resolves.toEqual(['ticket', 'priority']);

    await field(card, 'ticket').locator('input').fill('T-1');
    await field(card, 'priority').getByLabel('high').check();
    await card.getByRole('button', { name: 'Start run' }).click();
    const runLink = card.getByRole('link', { name: 'View the run' });
    await runLink.waitFor();
    await page.screenshot({ path: path.join(screenshots, 'tasks-start-run.png'), fullPage: true });
    const runAddress = await runLink.getAttribute('href');
    expect(runAddress).toMatch(new RegExp(`^/projects/${projectId}\\?executionId=`));

    // The page still shows the form; the server now refuses it.
    await deactivateTriggers(platform.current.graphqlUrl, projectId);
    await field(card, 'ticket').locator('input').fill('T-2');
    await field(card, 'priority').getByLabel('low').check();
    await card.getByRole('button', { name: 'Start run' }).click();
    await expect(card.locator('.form-refusal').textContent()).resolves.toMatch(/inactive|activate/i);
    await page.screenshot({ path: path.join(screenshots, 'tasks-trigger-refused.png'), fullPage: true });

    await page.goto(`${platform.current.url}${runAddress}`);
    await page.waitForURL(/executionId=/);
    const executionId = new URL(page.url()).searchParams.get('executionId')!;
    await page.locator('.weft-node[data-node-id="line"][data-status="completed"]').waitFor();

    const run = await executionDetails(platform.current.graphqlUrl, executionId);
    expect(run.status).toBe('completed');
    expect(run.node('line')?.output).toEqual({ text: 'T-1 (high)' });
  }, 60_000);
  it('a closed form shows its answer on its own page', async () => {
    const { humanTasks } = await graphqlData(platform.current.graphqlUrl, `query ($id: ID!) {
      humanTasks(first: 5, filter: { executionId: $id }) { edges { node { id state } } } }`, { id: approvalRunId });
    const answered = humanTasks.edges[0].node;
    expect(answered.state).toBe('answered');
    await page.goto(`${platform.current.url}/tasks/${answered.id}`);
    const closed = page.locator(`.task-closed[data-task-id="${answered.id}"][data-state="answered"]`);
    await closed.waitFor();
    await expect(closed.locator('.task-answer-row').evaluateAll((rows) => rows.map((row) => [row.querySelector('dt')?.textContent, row.querySelector('dd')?.textContent])))
      .resolves.toEqual([['Reply', 'Hello Dana, the refund is on its way.'], ['Tone', 'warm'], ['Decision', 'Send']]);
    await shoot(page, 'task-closed-answer');
  }, 60_000);

  it('a form with two approve/reject fields is not sent until each has a decision', async () => {
    await page.goto(`${platform.current.url}/tasks`);
    await page.getByTestId('no-open-tasks').waitFor();
    const projectId = await createProject(platform.current.graphqlUrl, 'two decisions', await fixture('two-decisions.weft'));
    const runId = await runProject(platform.current.graphqlUrl, projectId);
    const card = taskCard(page, 'Release 2.4?');
    await card.waitFor();
    const posts = recordGraphqlPosts(page);

    await field(card, 'tests').getByRole('button', { name: 'Tests pass' }).click();
    await card.getByRole('button', { name: 'Submit answer' }).click();
    await expect(field(card, 'docs').locator('.form-problem').textContent()).resolves.toBe('Choose Docs ready or Docs missing');
    await expect(field(card, 'tests').locator('.form-problem').count()).resolves.toBe(0);
    expect(posts.filter((post) => post.includes('answerHumanTask'))).toEqual([]);
    await shoot(page, 'tasks-decision-needed');

    await field(card, 'docs').getByRole('button', { name: 'Docs missing' }).click();
    await card.getByRole('button', { name: 'Submit answer' }).click();
    await card.waitFor({ state: 'detached' });
    const run = await waitForStatus(platform.current.graphqlUrl, runId, ['completed', 'failed']);
    expect(run.node('release')?.output).toEqual({ tests_approved: true, tests_rejected: null, docs_approved: null, docs_rejected: true });
  }, 60_000);
  it("shows a Notify's Action task as a card with its link, live, and Done takes it away in every tab", async () => {
    await page.goto(`${platform.current.url}/tasks`);
    await page.getByTestId('no-open-tasks').waitFor();
    const otherTab = await browser.newPage({ viewport: desktopViewport });
    await otherTab.goto(`${platform.current.url}/tasks`);
    await otherTab.getByTestId('no-open-tasks').waitFor();

    const projectId = await createProject(platform.current.graphqlUrl, 'notify', `
link = Text { value: "https://example.com/approve/42" }
ping = Notify
ping.url = link.value
`);
    const runId = await runProject(platform.current.graphqlUrl, projectId);
    const card = page.locator('.task-card[data-kind="action"]');
    await card.waitFor();
    expect((await waitForStatus(platform.current.graphqlUrl, runId, ['completed', 'failed'])).status).toBe('completed');
    await expect(card.locator('h3').textContent()).resolves.toBe('Action');
    const link = card.getByRole('link', { name: 'https://example.com/approve/42' });
    await expect(link.getAttribute('href')).resolves.toBe('https://example.com/approve/42');
    await expect(link.getAttribute('target')).resolves.toBe('_blank');
    await expect(link.getAttribute('rel')).resolves.toContain('noopener');
    await expect(card.locator('.task-meta .task-project').textContent()).resolves.toBe('notify');
    await otherTab.locator('.task-card[data-kind="action"]').waitFor();
    await shoot(page, 'tasks-action');

    await card.getByRole('button', { name: 'Done' }).click();
    await card.waitFor({ state: 'detached' });
    await expect(page.locator('.task-confirmation[data-state="answered"] p').first().textContent()).resolves.toContain('Done: Action (notify)');
    await otherTab.locator('.task-card[data-kind="action"]').waitFor({ state: 'detached' });
    await otherTab.getByTestId('no-open-tasks').waitFor();
    await otherTab.close();
    const { humanTasks } = await graphqlData(platform.current.graphqlUrl, `query ($id: ID!) {
      humanTasks(first: 5, filter: { executionId: $id, state: [open, answered] }) { edges { node { kind state actionUrl } } } }`, { id: runId });
    expect(humanTasks.edges.map((edge: { node: unknown }) => edge.node)).toEqual([{ kind: 'action', state: 'answered', actionUrl: 'https://example.com/approve/42' }]);
  }, 60_000);
});
