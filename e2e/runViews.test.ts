/**
 * Issue 16 points 6, 7 (the list), 13 and 14 in Chromium: the executions list (a row opens on a
 * click, `/executions/:id`, a project's own Runs tab, the value a Debug node received, no internal
 * words, no timer per finished row, History never in the future), phone width (filters folded,
 * the header inside the screen, graph or code), and a group's run drawn on it, collapsed and open.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { desktopViewport, openDesktopPage, phoneViewport, screenshotThemes, screenshotWidthsAndThemes, screenshotsFolder } from '../test/support/browser';
import { graphqlData } from '../test/support/graphql';
import { usePlatform } from '../test/support/usePlatform';
import { createProject, readExample, runProject, waitForStatus } from '../test/support/executions';

const screenshots = screenshotsFolder('run-views');

const debugProgram = `message = Text { label: "Message", value: "hello from the list" }
shown = Debug { label: "Shown" }
shown.data = message.value
`;

const groupProgram = `names = List -> (value: List[String]) {
  label: "Names"
  value: ["Ada", "Grace", "Linus"]
}
greet = Group(who: String) -> (line: String) {
  check = ExecPython(who: String) -> (name: String) {
    label: "Check"
    code: \`\`\`
if who == "Grace":
    raise ValueError("no Grace here")
return {"name": who}
    \`\`\`
  }
  check.who = self.who
  hello = Template(who: String) { label: "Hello", template: "Hello {{who}}" }
  hello.who = check.name
  self.line = hello.text
}
greet.who = names.value
show = Debug { label: "Show" }
show.data = greet.line
`;

/** Waits until `check` holds, asking every 100 ms; fails after `timeoutMs`. */
async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Still not so after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The elements that reach past the right edge of a `width`-wide page (none in a page that fits). */
function overflowing(page: Page, width: number): Promise<string[]> {
  return page.evaluate((limit) => {
    const outside: string[] = [];
    for (const element of document.querySelectorAll('body *')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.right <= limit + 1) continue;
      // Inside something that scrolls or clips sideways, it is not past the page's edge.
      let clipped = false;
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
        const overflowX = getComputedStyle(parent).overflowX;
        if (overflowX !== 'visible' && parent.getBoundingClientRect().right <= limit + 1) { clipped = true; break; }
      }
      if (!clipped) outside.push(`${element.tagName.toLowerCase()}.${[...element.classList].join('.')} ${Math.round(box.right)}`);
    }
    return outside.slice(0, 10);
  }, width);
}

/** Four looks of the page as it is: 1280×800 and 390 px wide, light and dark; back to the size it had. */
async function screenshotsOf(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize() ?? desktopViewport;
  await screenshotWidthsAndThemes(page, screenshots, name, { fullPage: 'phone', settleMs: 150 });
  await page.setViewportSize(viewport);
}

describe('run views in Chromium', () => {
  const platform = usePlatform();
  let browser: Browser;
  let page: Page;
  const ids = { debugProject: '', debugRun: '', groupProject: '', groupRun: '', waitingRun: '' };

  const row = (executionId: string) => page.locator(`tr[data-execution-id="${executionId}"]`);
  const details = (executionId: string) => page.locator(`[aria-label="Details of execution ${executionId}"]`);

  beforeAll(async () => {
    ({ browser, page } = await openDesktopPage(screenshots));
    ids.debugProject = await createProject(platform.current.graphqlUrl, 'Debug list', debugProgram);
    ids.debugRun = await runProject(platform.current.graphqlUrl, ids.debugProject);
    await waitForStatus(platform.current.graphqlUrl, ids.debugRun, ['completed']);
  }, 120_000);
  afterAll(() => browser?.close());

  it('opens a row on a click anywhere on it, showing what the Debug node received and no internal words', async () => {
    await page.goto(`${platform.current.url}/executions`);
    await row(ids.debugRun).locator('.cell-started').click();
    const opened = details(ids.debugRun);
    await opened.waitFor();
    await expect(opened.locator('.execution-facts').textContent()).resolves.not.toContain('Last seq');
    const shown = opened.locator('.node-line[data-node-id="shown"]');
    await expect(shown.locator('.node-line-value').textContent()).resolves.toBe('received hello from the list');
    await expect(opened.locator('.node-line[data-node-id="message"] .node-line-value').textContent()).resolves.toBe('hello from the list');
    await shown.getByRole('button', { name: 'Show the output of shown' }).click();
    await expect(opened.locator('.run-output').textContent()).resolves.toContain('Received:');
    await expect(opened.locator('.run-output .json-string').textContent()).resolves.toBe('"hello from the list"');
    await screenshotsOf(page, 'executions-row-opened');
    // A second click folds it again.
    await row(ids.debugRun).locator('.cell-started').click();
    await opened.waitFor({ state: 'detached' });
  }, 60_000);

  it('opens one execution at /executions/:id from its id, and says so of an unknown id in plain words', async () => {
    await page.goto(`${platform.current.url}/executions`);
    await row(ids.debugRun).getByRole('link', { name: ids.debugRun.slice(-8) }).click();
    await page.waitForURL(`**/executions/${ids.debugRun}`);
    await page.getByRole('heading', { name: `Execution ${ids.debugRun.slice(-8)}` }).waitFor();
    await details(ids.debugRun).locator('.node-line[data-node-id="shown"][data-status="completed"]').waitFor();
    await expect(page.getByRole('link', { name: 'On the graph' }).getAttribute('href')).resolves.toBe(`/projects/${ids.debugProject}?executionId=${ids.debugRun}`);
    await screenshotsOf(page, 'execution-page');

    await page.goto(`${platform.current.url}/executions/not-an-execution`);
    await page.locator('.execution-page').getByText(/There is no execution|Could not load the execution/).waitFor();
    const body = (await page.locator('body').textContent()) ?? '';
    expect(body).not.toMatch(/\[GraphQL\]|\[Network\]/);
  }, 60_000);

  it("lists a project's own runs in its Runs tab, with the filters kept in the tab", async () => {
    const other = await createProject(platform.current.graphqlUrl, 'Another project', 'x = Text { value: "x" }');
    const otherRun = await runProject(platform.current.graphqlUrl, other);
    await waitForStatus(platform.current.graphqlUrl, otherRun, ['completed']);
    await page.goto(`${platform.current.url}/projects/${ids.debugProject}`);
    await page.getByRole('navigation', { name: 'View' }).getByRole('link', { name: 'Runs' }).click();
    await page.waitForURL(/view=runs/);
    await row(ids.debugRun).waitFor();
    await expect(page.getByRole('link', { name: 'Runs' }).getAttribute('aria-current')).resolves.toBe('page');
    await expect(page.locator('tr[data-execution-id]').count()).resolves.toBe(1);
    await expect(page.getByRole('columnheader', { name: 'Project' }).count()).resolves.toBe(0);
    await expect(page.getByRole('combobox', { name: 'Project' }).count()).resolves.toBe(0);
    await page.getByRole('checkbox', { name: 'failed' }).check();
    await page.waitForURL(/status=failed/);
    expect(page.url()).toContain('view=runs');
    await page.getByText('No executions match these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await row(ids.debugRun).waitFor();
    expect(page.url()).toContain('view=runs');
    await screenshotsOf(page, 'project-runs');
  }, 60_000);

  it('runs no timer of its own for a finished row, and ticks the duration of a running one', async () => {
    ids.waitingRun = await runProject(platform.current.graphqlUrl, await createProject(platform.current.graphqlUrl, 'Waits', await readExample('approval')));
    await waitForStatus(platform.current.graphqlUrl, ids.waitingRun, ['waiting_for_input']);
    for (let i = 0; i < 3; i++) await waitForStatus(platform.current.graphqlUrl, await runProject(platform.current.graphqlUrl, ids.debugProject), ['completed']);
    const counted = await browser.newPage({ viewport: desktopViewport });
    // Counts the page's live one-second intervals.
    await counted.addInitScript(`(() => {
      const live = new Map();
      const set = window.setInterval.bind(window);
      const clear = window.clearInterval.bind(window);
      window.setInterval = (handler, delay, ...rest) => { const id = set(handler, delay, ...rest); live.set(id, delay); return id; };
      window.clearInterval = (id) => { live.delete(id); clear(id); };
      window.secondTimers = () => [...live.values()].filter((delay) => delay === 1000).length;
    })()`);
    await counted.goto(`${platform.current.url}/executions`);
    await counted.locator(`tr[data-execution-id="${ids.waitingRun}"][data-status="waiting_for_input"]`).waitFor();
    const rows = await counted.locator('tr[data-execution-id]').count();
    expect(rows).toBeGreaterThanOrEqual(6);
    // One shared clock for the one unfinished row, not one per row.
    await expect(counted.evaluate('window.secondTimers()')).resolves.toBe(1);
    const duration = counted.locator(`tr[data-execution-id="${ids.waitingRun}"] .cell-duration`);
    const before = await duration.textContent();
    await until(async () => (await duration.textContent()) !== before, 5_000);
    // Once it is cancelled, nothing ticks every second any more.
    await graphqlData(platform.current.graphqlUrl, `mutation ($id: ID!) { cancelExecution(id: $id) { __typename } }`, { id: ids.waitingRun });
    await counted.locator(`tr[data-execution-id="${ids.waitingRun}"][data-status="cancelled"]`).waitFor({ timeout: 15_000 });
    await until(async () => (await counted.evaluate('window.secondTimers()')) === 0, 5_000);
    await counted.close();
  }, 120_000);

  it('never shows a History time in the future, even with the browser clock behind the server', async () => {
    const skewed = await browser.newPage({ viewport: desktopViewport });
    await skewed.addInitScript(`(() => { const real = Date.now; Date.now = () => real() - 40000; })()`);
    // A project saved a moment ago on the server's clock: 40 s ahead of this browser's.
    const fresh = await createProject(platform.current.graphqlUrl, 'Just saved', 'x = Text { value: "x" }');
    await skewed.goto(`${platform.current.url}/projects/${fresh}`);
    await skewed.getByRole('button', { name: 'History' }).click();
    const times = skewed.locator('.version-list .version-time');
    await times.first().waitFor();
    const shown = await times.allTextContents();
    expect(shown.length).toBeGreaterThan(0);
    for (const text of shown) expect(text).not.toMatch(/^in /);
    expect(shown[0]).toBe('just now');
    page = skewed;
    await screenshotsOf(skewed, 'history-skewed-clock');
    await skewed.close();
    page = await browser.newPage({ viewport: desktopViewport });
  }, 60_000);

  it('at phone width folds the filters behind a button, keeps the header inside the screen and shows graph or code', async () => {
    await page.setViewportSize(phoneViewport);
    await page.goto(`${platform.current.url}/executions`);
    await row(ids.debugRun).waitFor();
    const header = page.locator('.app-header');
    const fits = () => page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      header: (document.querySelector('.app-header') as HTMLElement).scrollWidth,
      headerBox: (document.querySelector('.app-header') as HTMLElement).clientWidth,
      links: [...document.querySelectorAll('.app-header a')].map((link) => link.getBoundingClientRect().right),
    }));
    const measured = await fits();
    expect(measured.page).toBeLessThanOrEqual(phoneViewport.width);
    expect(measured.header).toBeLessThanOrEqual(measured.headerBox);
    for (const right of measured.links) expect(right).toBeLessThanOrEqual(phoneViewport.width);
    await expect(header.getByRole('link', { name: 'GraphQL' }).isVisible()).resolves.toBe(true);

    const filters = page.getByRole('form', { name: 'Filters' });
    await expect(filters.isVisible()).resolves.toBe(false);
    const toggle = page.getByRole('button', { name: /^Filters/ });
    await toggle.click();
    await expect(filters.isVisible()).resolves.toBe(true);
    await page.getByRole('checkbox', { name: 'completed' }).check();
    await page.waitForURL(/status=completed/);
    await expect(toggle.textContent()).resolves.toBe('Filters (1)');
    await screenshotThemes(page, screenshots, 'phone-filters-open', { fullPage: true });
    await toggle.click();
    await expect(filters.isVisible()).resolves.toBe(false);
    await screenshotsOf(page, 'executions-phone-filters-folded');
    await page.setViewportSize(phoneViewport);

    await page.goto(`${platform.current.url}/projects/${ids.debugProject}`);
    const graph = page.getByRole('region', { name: 'Graph' });
    const code = page.getByRole('region', { name: 'Code' });
    await graph.locator('.react-flow__node').first().waitFor();
    await expect(code.isVisible()).resolves.toBe(false);
    await page.getByRole('group', { name: 'Show' }).getByRole('button', { name: 'Code' }).click();
    await expect(graph.isVisible()).resolves.toBe(false);
    await expect(code.isVisible()).resolves.toBe(true);
    const codeBox = await code.boundingBox();
    expect(codeBox!.width).toBeGreaterThan(phoneViewport.width - 20);
    await screenshotThemes(page, screenshots, 'editor-phone-code', { fullPage: true });
    await expect(overflowing(page, phoneViewport.width)).resolves.toEqual([]);
    await page.getByRole('group', { name: 'Show' }).getByRole('button', { name: 'Graph' }).click();
    await expect(graph.isVisible()).resolves.toBe(true);
    await screenshotThemes(page, screenshots, 'editor-phone-graph', { fullPage: true });
    // At desktop width both are shown and the switch is not.
    await page.setViewportSize(desktopViewport);
    await expect(code.isVisible()).resolves.toBe(true);
    await expect(graph.isVisible()).resolves.toBe(true);
    await expect(page.getByRole('group', { name: 'Show' }).isVisible()).resolves.toBe(false);
  }, 90_000);

  it("draws a group's run on it, collapsed and open: status, lanes, failed and skipped counts, and its edges coloured", async () => {
    ids.groupProject = await createProject(platform.current.graphqlUrl, 'Grouped', groupProgram);
    ids.groupRun = await runProject(platform.current.graphqlUrl, ids.groupProject);
    await waitForStatus(platform.current.graphqlUrl, ids.groupRun, ['completed', 'failed']);
    const { execution } = await graphqlData(platform.current.graphqlUrl, `
      query ($id: ID!) { execution(id: $id) { nodeRuns { nodeId lane status } } }`, { id: ids.groupRun });
    const inGroup = (execution.nodeRuns as { nodeId: string; lane: number[]; status: string }[]).filter((run) => run.nodeId.startsWith('greet'));
    const failed = inGroup.filter((run) => run.status === 'failed').length;
    const skipped = inGroup.filter((run) => run.status === 'skipped').length;
    expect(failed).toBe(1);

    await page.goto(`${platform.current.url}/projects/${ids.groupProject}?executionId=${ids.groupRun}`);
    const group = page.locator('.weft-group[data-node-id="greet"]');
    await group.locator('.group-run').waitFor({ timeout: 15_000 });
    await expect(group.getAttribute('class')).resolves.toContain('collapsed');
    await expect(group.getAttribute('data-status')).resolves.toBe('failed');
    await expect(group.locator('.node-status-label').textContent()).resolves.toBe('failed');
    await expect(group.locator('.lane-badge').textContent()).resolves.toBe('3 lanes');
    await expect(group.locator('.group-failed').textContent()).resolves.toBe('1 failed');
    if (skipped > 0) await expect(group.locator('.group-skipped').textContent()).resolves.toBe(`${skipped} skipped`);
    else await expect(group.locator('.group-skipped').count()).resolves.toBe(0);
    // The edge leaving the collapsed group is drawn failed; the one from the list into it carried.
    await expect(page.locator('.react-flow__edge.edge-failed').count()).resolves.toBe(1);
    await expect(page.locator('.react-flow__edge.edge-carried').count()).resolves.toBeGreaterThanOrEqual(1);
    await screenshotsOf(page, 'group-collapsed-run');

    await page.getByRole('button', { name: 'Expand greet' }).click();
    await page.locator('.weft-group.expanded[data-node-id="greet"]').waitFor();
    await page.locator('.weft-node[data-node-id="greet.check"][data-status="failed"]').waitFor();
    await expect(page.locator('.weft-group.expanded[data-node-id="greet"] .group-failed').textContent()).resolves.toBe('1 failed');
    // The open group's frame covers no other node.
    const frame = (await page.locator('.react-flow__node[data-id="greet"]').boundingBox())!;
    for (const other of ['names', 'show']) {
      const box = (await page.locator(`.react-flow__node[data-id="${other}"]`).boundingBox())!;
      const apart = box.x >= frame.x + frame.width || box.x + box.width <= frame.x || box.y >= frame.y + frame.height || box.y + box.height <= frame.y;
      expect({ other, apart }).toEqual({ other, apart: true });
    }
    await screenshotsOf(page, 'group-expanded-run');
  }, 120_000);
});
