/**
 * Issue 16 points 5 and 8 in Chromium at 1280×800: the graph re-fits when the layout or the panels
 * change (after a fix is saved, with History opened and closed, with the inspector open), and node
 * labels are shown wherever a node is named, the id secondary (the executions list, /executions/:id,
 * the inspector's header and a skip reason).
 *
 * The graphs are small (3 nodes), so every node fits in the pane at any readable zoom; no zoom value
 * is asserted (the fit's minimum zoom is GraphCanvas's to choose), and where the pane is narrowed
 * (History open) a graph wider than it at that zoom must show its start and fill the pane.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { openDesktopPage, screenshotWidthsAndThemes, screenshotsFolder } from '../test/support/browser';
import { createProject, runProject, waitForStatus } from '../test/support/executions';
import { usePlatform } from '../test/support/usePlatform';

const screenshots = screenshotsFolder('graph-view');

/** Three nodes in a chain; `brokenProgram` refers to a node that does not exist. */
const fixedProgram = `first = Text { label: "First", value: "a" }
second = Template(a: String) { label: "Second", template: "{{a}}!" }
second.a = first.value
shown = Debug { label: "Shown" }
shown.data = second.text
`;
const brokenProgram = `first = Text { label: "First", value: "a" }
shown = Debug { label: "Shown" }
shown.data = frist.value
`;

/** A labelled chain whose middle node fails, so the last is skipped for a null from it. */
const labelledProgram = `source = Text { label: "Source text", value: "hi" }
breaker = ExecPython(v: String) -> (out: String) {
  label: "Breaker"
  code: \`\`\`
raise ValueError("no")
  \`\`\`
}
breaker.v = source.value
after = Template(who: String) { label: "After it", template: "x {{who}}" }
after.who = breaker.out
`;

type Box = { x: number; y: number; width: number; height: number };

/** Where the graph's pane and each drawn node are on the screen. */
function boxes(page: Page): Promise<{ pane: Box; nodes: { id: string; box: Box }[] }> {
  return page.evaluate(() => {
    const box = (element: Element) => { const r = element.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; };
    const pane = document.querySelector('section[aria-label="Graph"] .react-flow')!;
    return {
      pane: box(pane),
      nodes: [...pane.querySelectorAll('.react-flow__node')].map((node) => ({ id: node.getAttribute('data-id') ?? '', box: box(node) })),
    };
  });
}

const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x - 1 && inner.y >= outer.y - 1 && inner.x + inner.width <= outer.x + outer.width + 1 && inner.y + inner.height <= outer.y + outer.height + 1;

const apart = (a: Box, b: Box) => a.x >= b.x + b.width || a.x + a.width <= b.x || a.y >= b.y + b.height || a.y + a.height <= b.y;

const round = (box: Box) => `${Math.round(box.x)},${Math.round(box.y)} ${Math.round(box.width)}×${Math.round(box.height)}`;

/**
 * What is wrong with the view, [] once it fits: along each axis, a graph that fits in the pane has
 * every node inside it; one larger than the pane (at the fit's smallest zoom, which is not asserted)
 * has its start (left or top edge) in view and fills the pane from there. `covering`: a panel
 * beside or over the pane that no node may be under.
 */
async function outOfView(page: Page, covering?: string): Promise<string[]> {
  const { pane, nodes } = await boxes(page);
  if (nodes.length === 0) return ['no node drawn'];
  const panel = covering ? await page.locator(covering).boundingBox() : null;
  const left = Math.min(...nodes.map(({ box }) => box.x));
  const top = Math.min(...nodes.map(({ box }) => box.y));
  const all = { x: left, y: top, width: Math.max(...nodes.map(({ box }) => box.x + box.width)) - left, height: Math.max(...nodes.map(({ box }) => box.y + box.height)) - top };
  const wrong: string[] = [];
  const where = ` (graph ${round(all)}, pane ${round(pane)}${panel ? `, panel ${round(panel)}` : ''})`;
  for (const [axis, size] of [['x', 'width'], ['y', 'height']] as const) {
    if (all[size] <= pane[size] + 1) {
      for (const { id, box } of nodes) if (box[axis] < pane[axis] - 1 || box[axis] + box[size] > pane[axis] + pane[size] + 1) wrong.push(`${id} out along ${axis} at ${round(box)}${where}`);
    } else if (all[axis] < pane[axis] - 1 || all[axis] + all[size] < pane[axis] + pane[size] - 1) {
      wrong.push(`a graph larger than the pane along ${axis} does not show its start and fill the pane${where}`);
    }
  }
  if (panel) for (const { id, box } of nodes) if (inside(box, pane) && !apart(box, panel)) wrong.push(`${id} under ${covering} at ${round(box)}${where}`);
  return wrong;
}

/** The node `nodeId` wholly inside the pane and not under the panel `covering`: [] once so. */
async function nodeInView(page: Page, nodeId: string, covering: string): Promise<string[]> {
  const { pane, nodes } = await boxes(page);
  const node = nodes.find(({ id }) => id === nodeId);
  const panel = await page.locator(covering).boundingBox();
  if (!node || !panel) return [`${nodeId} or ${covering} not drawn`];
  return inside(node.box, pane) && apart(node.box, panel) ? [] : [`${nodeId} at ${round(node.box)} (pane ${round(pane)}, ${covering} ${round(panel)})`];
}

/** Asks `check` every 100 ms until it gives [] (the view settled where it should); fails with its last answer. */
async function settlesTo(page: Page, check: () => Promise<string[]>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = await check();
  while (last.length > 0) {
    if (Date.now() > deadline) await page.screenshot({ path: `${screenshots}/failed-${what.replaceAll(' ', '-')}.png` });
    if (Date.now() > deadline) throw new Error(`${what}: still out of view after ${timeoutMs} ms: ${last.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await check();
  }
}

const codeBox = (page: Page) => page.getByRole('textbox', { name: 'Weft code', exact: true });
const shoot = (page: Page, name: string) => screenshotWidthsAndThemes(page, screenshots, name, { settleMs: 150 });

describe('the graph view in Chromium', () => {
  const platform = usePlatform();
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ browser, page } = await openDesktopPage(screenshots));
  }, 60_000);
  afterAll(() => browser?.close());

  it('re-fits so every node is in the pane: after a fix is saved, with History opened and closed, and beside the inspector', async () => {
    const projectId = await createProject(platform.current.graphqlUrl, 'Refit', brokenProgram);
    await page.goto(`${platform.current.url}/projects/${projectId}`);
    await page.locator('.react-flow__node[data-id="shown"]').waitFor();
    await page.locator('.diagnostic-error', { hasText: 'frist' }).first().waitFor();

    // (a) The fix, saved: the new graph's four nodes are all in the pane.
    await codeBox(page).fill(fixedProgram);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    await page.getByText('No problems.').waitFor();
    await page.locator('.react-flow__node[data-id="second"]').waitFor();
    await expect(page.locator('section[aria-label="Graph"] .react-flow__node').count()).resolves.toBe(3);
    await settlesTo(page, () => outOfView(page), 'after the fix');
    await shoot(page, 'refit-after-fix');

    // (b) History opened: the nodes are in the (narrower) pane and not behind the panel; closed: still in it.
    const history = page.getByRole('button', { name: 'History' });
    await history.click();
    await page.locator('.history-panel .version-list').waitFor();
    await settlesTo(page, () => outOfView(page, '.history-panel'), 'with History open');
    await page.screenshot({ path: `${screenshots}/refit-history-open-1280-light.png` });
    await history.click();
    await page.locator('.history-panel').waitFor({ state: 'detached' });
    await settlesTo(page, () => outOfView(page), 'with History closed');

    // (c) The inspector open on a node: that node is not under the inspector (nor are the others).
    await page.locator('.react-flow__node[data-id="shown"] .weft-node').click();
    await page.locator('.inspector').waitFor();
    await expect(page.locator('.inspector h2').textContent()).resolves.toBe('Shown');
    await settlesTo(page, () => nodeInView(page, 'shown', '.inspector'), 'beside the inspector');
    await page.screenshot({ path: `${screenshots}/refit-inspector-open-1280-light.png` });
  }, 90_000);

  it('shows node labels where a node is named, with the id after it and muted: list, /executions/:id, inspector, skip reason', async () => {
    const projectId = await createProject(platform.current.graphqlUrl, 'Labelled', labelledProgram);
    const executionId = await runProject(platform.current.graphqlUrl, projectId);
    const finished = await waitForStatus(platform.current.graphqlUrl, executionId, ['completed', 'failed']);
    expect(finished.node('after')?.status).toBe('skipped');

    /** A node's line in an opened execution: the label first, then the id, muted and smaller. */
    async function expectLabelledLine(nodeId: string, label: string) {
      const line = page.locator(`[aria-label="Details of execution ${executionId}"] .node-line[data-node-id="${nodeId}"]`);
      await line.waitFor();
      const named = await line.evaluate((element) => {
        const labelElement = element.querySelector('.node-line-label');
        const idElement = element.querySelector('.node-line-id')!;
        const style = (e: Element) => getComputedStyle(e);
        return {
          label: labelElement?.textContent ?? null,
          id: idElement.textContent,
          idAfterLabel: labelElement ? Boolean(labelElement.compareDocumentPosition(idElement) & Node.DOCUMENT_POSITION_FOLLOWING) : false,
          idMuted: idElement.classList.contains('muted'),
          idSmaller: labelElement ? parseFloat(style(idElement).fontSize) < parseFloat(style(labelElement).fontSize) : false,
        };
      });
      expect(named).toEqual({ label, id: nodeId, idAfterLabel: true, idMuted: true, idSmaller: true });
    }

    // The executions list, a row opened.
    await page.goto(`${platform.current.url}/executions`);
    await page.locator(`tr[data-execution-id="${executionId}"] .cell-started`).click();
    await expectLabelledLine('source', 'Source text');
    await expectLabelledLine('breaker', 'Breaker');
    await expectLabelledLine('after', 'After it');
    await shoot(page, 'labels-executions-list');

    // One execution's page.
    await page.goto(`${platform.current.url}/executions/${executionId}`);
    await expectLabelledLine('breaker', 'Breaker');
    await expectLabelledLine('after', 'After it');
    await shoot(page, 'labels-execution-page');

    // The inspector on the run: its header names the node by label, the id after it; the skip
    // reason names the node the null came from by its label, its id after it.
    await page.goto(`${platform.current.url}/projects/${projectId}?executionId=${executionId}`);
    await page.locator('.react-flow__node[data-id="after"] .weft-node[data-status="skipped"]').waitFor({ timeout: 15_000 });
    await page.locator('.react-flow__node[data-id="after"] .weft-node').click();
    const inspector = page.locator('.inspector');
    await inspector.waitFor();
    await expect(inspector.locator('h2').textContent()).resolves.toBe('After it');
    await expect(inspector.locator('.inspector-id').textContent()).resolves.toBe('after · Template');
    await expect(inspector.locator('.inspector-id').getAttribute('class')).resolves.toContain('muted');
    const reason = (await inspector.locator('.skip-reason').textContent()) ?? '';
    expect(reason).toContain('from Breaker (breaker.out)');
    await shoot(page, 'labels-inspector-skip-reason');
  }, 90_000);
});
