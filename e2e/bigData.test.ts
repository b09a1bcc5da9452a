/**
 * Big data stays usable in Chromium: a node output of ~1 MiB opens in the inspector's lazy
 * JSON tree, and an execution with 10,000 node runs (lanes) scrolls to its last lane in the
 * executions view with only a bounded number of rows in the DOM. Times and frame figures are
 * printed, never asserted.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { openDatabase } from '../server/db/database';
import { commitNewExecution } from '../server/events/record';
import { createLogger } from '../server/log';
import { openDesktopPage, screenshotsFolder } from '../test/support/browser';
import { commitExecutionStatusDirectly } from '../test/support/directNodeRuns';
import { createProject, runProject, waitForStatus } from '../test/support/executions';
import { usePlatform } from '../test/support/usePlatform';

const screenshots = screenshotsFolder('big-data');

const itemCount = 20_000;
/** ~1 MB of JSON (just under MAX_OUTPUT_BYTES_PER_PORT's 1 MiB): 20,000 small dicts. */
const bigOutputProgram = `# Project: big output
big = ExecPython -> (items: List[JsonDict]) {
  label: "Twenty thousand items"
  code: \`\`\`
return {"items": [{"i": i, "name": "item %05d" % i, "ok": i % 2 == 0, "s": i % 1000} for i in range(${itemCount})]}
  \`\`\`
}
`;

const laneCount = 10_000;
const lanesProgram = `numbers = List -> (value: List[Number]) {
  value: [0, 1, 2]
}
each = Template(n: Number) { label: "One per number", template: "number {{n}}" }
each.n = numbers.value
`;

/** Frame times (ms) and long tasks (ms) in the page from now until `stop` is evaluated. */
const startFrames = `(() => {
  const frames = [];
  const longTasks = [];
  let last = performance.now();
  let running = true;
  const tick = (now) => { if (!running) return; frames.push(now - last); last = now; requestAnimationFrame(tick); };
  requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
  const observer = new PerformanceObserver((list) => { for (const entry of list.getEntries()) longTasks.push(entry.duration); });
  observer.observe({ type: 'longtask' });
  window.bigDataFrames = { frames, longTasks, stop: () => { running = false; observer.disconnect(); return { frames, longTasks }; } };
})()`;
const stopFrames = `window.bigDataFrames.stop()`;

function frameSummary({ frames, longTasks }: { frames: number[]; longTasks: number[] }): string {
  const sorted = [...frames].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(1) : '—');
  const total = frames.reduce((sum, frame) => sum + frame, 0);
  return `${frames.length} frames, ${total ? ((frames.length * 1000) / total).toFixed(1) : '—'} fps, frame p50/p99/max ${at(0.5)}/${at(0.99)}/${at(1)} ms, ` +
    `${longTasks.length} long tasks (max ${Math.round(Math.max(0, ...longTasks))} ms)`;
}

describe('big data in Chromium', () => {
  const platform = usePlatform();
  let browser: Browser;
  let page: Page;

  beforeAll(async () => void ({ browser, page } = await openDesktopPage(screenshots)), 60_000);
  afterAll(() => browser?.close());

  it('opens a ~1 MiB node output in the inspector as a lazy tree whose children expand', async () => {
    const { graphqlUrl, url } = platform.current;
    const projectId = await createProject(graphqlUrl, 'Big output', bigOutputProgram);
    const executionId = await runProject(graphqlUrl, projectId);
    const done = await waitForStatus(graphqlUrl, executionId, ['completed', 'failed'], 90_000);
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    const bytes = Buffer.byteLength(JSON.stringify(done.node('big')!.output.items));
    expect(bytes).toBeGreaterThan(900_000);
    expect(bytes).toBeLessThanOrEqual(1_048_576);

    await page.goto(`${url}/projects/${projectId}?executionId=${executionId}`);
    const node = page.locator('.react-flow__node[data-id="big"] .weft-node[data-status="completed"]');
    await node.waitFor({ timeout: 30_000 });
    await page.evaluate(startFrames);
    const clicked = performance.now();
    await node.click();
    const outputs = page.locator('.inspector section[aria-label="Outputs"] .port-value[data-port="items"]');
    const top = outputs.locator('.json-tree > .json-branch > summary .json-summary');
    await top.waitFor();
    const openMs = performance.now() - clicked;
    expect(await top.textContent()).toBe(`[${itemCount}]`);
    // Closed at first: nothing of the 20,000 items is drawn until asked for.
    await expect(outputs.locator('.json-children').count()).resolves.toBe(0);

    const expandedAt = performance.now();
    await top.click();
    const first = outputs.locator('.json-tree > .json-branch > .json-children > .json-branch').first();
    await first.waitFor();
    const expandMs = performance.now() - expandedAt;
    await expect(first.locator('.json-key').first().textContent()).resolves.toBe('0: ');
    await expect(first.locator('.json-leaf', { hasText: 'name:' }).textContent()).resolves.toBe('name: "item 00000"');
    const drawnChildren = () => outputs.locator('.json-tree > .json-branch > .json-children > .json-branch').count();
    await expect(drawnChildren()).resolves.toBe(100);
    await outputs.getByRole('button', { name: `Show 100 more of ${itemCount - 100}` }).click();
    await expect(drawnChildren()).resolves.toBe(200);
    // A child closes and opens again.
    await first.locator('summary').first().click();
    await expect(first.locator('.json-leaf').count()).resolves.toBe(0);
    await first.locator('summary').first().click();
    await expect(first.locator('.json-leaf', { hasText: 'name:' }).textContent()).resolves.toBe('name: "item 00000"');
    const frames = (await page.evaluate(stopFrames)) as { frames: number[]; longTasks: number[] };
    await page.screenshot({ path: path.join(screenshots, 'inspector-1mib.png') });
    console.log(`1 MiB output (${bytes.toLocaleString('en')} bytes of JSON): inspector open in ${Math.round(openMs)} ms, ` +
      `top level expanded in ${Math.round(expandMs)} ms; while opening and expanding: ${frameSummary(frames)}`);
  }, 150_000);

  it('scrolls an execution of 10,000 lanes to its last lane with a bounded number of rows drawn', async () => {
    if (!platform.database.url) {
      console.log('10,000 lanes: skipped without DATABASE_URL (the rows are written straight into the database the platform ' +
        'reads; running them through Restate takes ~25 ms a lane, over four minutes)');
      return;
    }
    const { graphqlUrl, url } = platform.current;
    const projectId = await createProject(graphqlUrl, 'Ten thousand lanes', lanesProgram);
    const database = await openDatabase({ kind: 'server', url: platform.database.url }, createLogger('warn'));
    let executionId: string;
    try {
      const execution = await commitNewExecution(database.prisma, { projectId, status: 'running' });
      executionId = execution.id;
      const startedAt = new Date();
      await database.prisma.nodeRun.create({
        data: { executionId, nodeId: 'numbers', nodeType: 'List', status: 'completed', output: { value: [] }, seq: 2, startedAt, completedAt: startedAt },
      });
      for (let from = 0; from < laneCount; from += 2_000) {
        await database.prisma.nodeRun.createMany({
          data: Array.from({ length: Math.min(2_000, laneCount - from) }, (_, offset) => {
            const lane = from + offset;
            return {
              executionId, nodeId: 'each', nodeType: 'Template', lane: [lane], laneKey: String(lane), status: 'completed' as const,
              inputs: { n: lane }, output: { text: `number ${lane}` }, seq: 3 + lane, startedAt, completedAt: startedAt,
            };
          }),
        });
      }
      await database.prisma.execution.update({ where: { id: executionId }, data: { lastSeq: 2 + laneCount } });
      await commitExecutionStatusDirectly(database, executionId, 'completed', new Date());
    } finally {
      await database.close();
    }

    await page.goto(`${url}/executions`);
    const row = page.locator(`tr[data-execution-id="${executionId}"][data-status="completed"]`);
    await row.waitFor({ timeout: 15_000 });
    await row.getByRole('button', { name: /^Show details of execution/ }).click();
    const details = page.locator(`[aria-label="Details of execution ${executionId}"]`);
    const node = details.locator('.node-line[data-node-id="each"]');
    await node.waitFor({ timeout: 30_000 });
    await expect(node.locator('.lane-count').textContent()).resolves.toBe('10,000 lanes · 10,000 completed');
    await node.getByRole('button', { name: 'Show the lanes of each' }).click();
    await details.locator('.lane-line[data-lane="0"]').waitFor();

    const scroller = details.locator('.node-runs-scroller');
    const rowsDrawn = () => details.locator('.node-runs-item').count();
    const drawnAtTop = await rowsDrawn();
    expect(drawnAtTop).toBeGreaterThan(5);
    expect(drawnAtTop).toBeLessThan(100);

    // Scroll down a screenful per frame, as a fast wheel or a dragged scrollbar would, then to the very end.
    await page.evaluate(startFrames);
    const mostDrawn = await scroller.evaluate(async (element) => {
      let most = 0;
      for (let frame = 0; frame < 240 && element.scrollTop + element.clientHeight < element.scrollHeight - 1; frame++) {
        element.scrollTop += Math.max(200, Math.floor(element.scrollHeight / 240));
        await new Promise((resolve) => requestAnimationFrame(resolve));
        most = Math.max(most, element.querySelectorAll('.node-runs-item').length);
      }
      element.scrollTop = element.scrollHeight;
      return most;
    });
    const last = details.locator(`.lane-line[data-lane="${laneCount - 1}"]`);
    await last.waitFor();
    const frames = (await page.evaluate(stopFrames)) as { frames: number[]; longTasks: number[] };
    expect(mostDrawn).toBeLessThan(100);
    expect(await rowsDrawn()).toBeLessThan(100);

    await details.getByRole('button', { name: `Show the output of lane ${laneCount - 1}` }).click();
    await expect(details.locator('.run-output .json-string').last().textContent()).resolves.toBe(`"number ${laneCount - 1}"`);
    await page.screenshot({ path: path.join(screenshots, 'executions-10000-lanes.png') });
    console.log(`10,000 lanes: ${drawnAtTop} rows drawn at the top, at most ${mostDrawn} while scrolling to the end; ` +
      `scrolling: ${frameSummary(frames)}`);
  }, 150_000);
});
