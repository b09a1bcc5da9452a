/**
 * The editor under a storm of node events: a 500-node project (250 Text → Debug pairs) is
 * shown in the editor with one of its executions layered on it, in real Chromium, while
 * this process commits node-run events for that execution straight into the PostgreSQL the
 * platform reads, at 1,000 per second for ~10 s (each node runs ten lanes, each lane
 * running → completed with a small output; each commit is one statement that bumps seq,
 * writes the NodeRun row and a real `nodeRun` event, and NOTIFYs). The page measures its
 * own frames with requestAnimationFrame and long tasks with a PerformanceObserver, from
 * the first event until the graph shows the final state; then the bench checks that every
 * node is drawn completed with its ten lanes.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openDatabase } from '../server/db/database';
import { commitNewExecution } from '../server/events/record';
import { createLogger } from '../server/log';
import { desktopViewport, launchBrowser, screenshotsFolder } from '../test/support/browser';
import { commitExecutionStatusDirectly, commitNodeRunsDirectly, type DirectNodeRun } from '../test/support/directNodeRuns';
import { graphqlData } from '../test/support/graphql';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform } from '../test/support/platform';
import { percentile, round } from './executionsPage';

const pairs = 250;
const lanes = 10;
const eventsPerSecond = 1_000;
/** Nodes running at once: each node's `completed` follows its `running` this many events later. */
const inFlightNodes = 40;

export interface FrameSummary {
  count: number;
  fps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  over50Ms: number;
}

function summariseFrames(measured: number[]): FrameSummary {
  const frames = [...measured].sort((a, b) => a - b);
  const totalMs = frames.reduce((sum, frame) => sum + frame, 0);
  return {
    count: frames.length,
    fps: round((frames.length * 1000) / totalMs),
    p50Ms: round(percentile(frames, 0.5)),
    p99Ms: round(percentile(frames, 0.99)),
    maxMs: round(frames.at(-1) ?? NaN),
    over50Ms: frames.filter((frame) => frame > 50).length,
  };
}

export interface EditorFramesResult {
  nodes: number;
  events: number;
  achievedEventsPerSecond: number;
  commitSeconds: number;
  /** Statements the events were committed in (each commits whatever fell due since the last). */
  commitStatements: number;
  /** `executionEvents` messages the page's WebSocket received, and the highest seq among them. */
  eventsReceived: { count: number; maxSeq: number };
  /** NodeRun rows of the execution left in another status than completed (0 when the events are right). */
  databaseNodesNotCompleted: number;
  /** From the last commit until the graph showed every node completed. */
  settleMs: number | null;
  /** How many nodes the graph shows in each status at the end. */
  statusesShown: Record<string, number>;
  frames: FrameSummary;
  /** The same page for 3 s before the first event. */
  idleFrames: FrameSummary;
  longTasks: { count: number; totalMs: number; maxMs: number };
  finalStateMatches: boolean;
  /** Nodes in the DOM at the end: a graph over 200 nodes draws only those in view. */
  nodesDrawn: number;
  completedNodesShown: number;
  laneBadgesShown: number;
  heapMb: number;
}

/** The Weft program: `t<i> = Text`, `d<i> = Debug`, `d<i>.data = t<i>.value`. */
export function pairsProgram(count: number): string {
  const lines = ['# Project: five hundred nodes', '# Description: 250 Text nodes, each shown by a Debug node.', ''];
  for (let i = 0; i < count; i++) {
    lines.push(`t${i} = Text { value: "value ${i}" }`, `d${i} = Debug {}`, `d${i}.data = t${i}.value`);
  }
  return `${lines.join('\n')}\n`;
}

/** The events, in commit order: lane by lane, each node running then (a little later) completed. */
function nodeEvents(): DirectNodeRun[] {
  const nodes = Array.from({ length: pairs }, (_, i) => [
    { nodeId: `t${i}`, nodeType: 'Text' },
    { nodeId: `d${i}`, nodeType: 'Debug' },
  ]).flat();
  const events: DirectNodeRun[] = [];
  const started = new Date();
  for (let lane = 0; lane < lanes; lane++) {
    const completions: DirectNodeRun[] = [];
    for (const [index, node] of nodes.entries()) {
      const value = `value ${node.nodeId.slice(1)} · lane ${lane}`;
      const base = { ...node, lane: [lane], startedAt: started };
      events.push({ ...base, status: 'running', inputs: node.nodeType === 'Debug' ? { data: value } : {} });
      completions.push({
        ...base,
        status: 'completed',
        inputs: node.nodeType === 'Debug' ? { data: value } : {},
        output: node.nodeType === 'Text' ? { value } : {},
        completedAt: started,
      });
      if (index >= inFlightNodes) events.push(completions.shift()!);
    }
    events.push(...completions);
  }
  return events;
}

/**
 * Starts counting frames and long tasks in the page. A string, not a function: tsx's
 * transform would add helpers (`__name`) that do not exist in the page.
 */
async function startMeasuring(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const frames = [];
    const longTasks = [];
    let running = true;
    let last = performance.now();
    const tick = (now) => {
      if (!running) return;
      frames.push(now - last);
      last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame((now) => {
      last = now;
      requestAnimationFrame(tick);
    });
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push(entry.duration);
    });
    observer.observe({ type: 'longtask', buffered: false });
    window.weftFrames = { frames, longTasks, stop: () => { running = false; observer.disconnect(); } };
  })()`);
}

/** Counts the executionEvents messages the page's WebSockets receive (a string: see startMeasuring). */
const countEventMessages = `(() => {
  const received = { count: 0, maxSeq: 0 };
  window.weftReceived = received;
  const Original = window.WebSocket;
  window.WebSocket = class extends Original {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (message) => {
        if (typeof message.data !== 'string' || !message.data.includes('"executionEvents"')) return;
        const seq = JSON.parse(message.data).payload?.data?.executionEvents?.seq;
        received.count++;
        if (seq > received.maxSeq) received.maxSeq = seq;
      });
    }
  };
})()`;

interface Measured {
  frames: number[];
  longTasks: number[];
  heap: number;
  completed: number;
  drawn: number;
  lanes: number;
  statuses: Record<string, number>;
  received: { count: number; maxSeq: number };
}

const stopMeasuring = `(() => {
  window.weftFrames.stop();
  return {
    frames: window.weftFrames.frames,
    longTasks: window.weftFrames.longTasks,
    heap: performance.memory ? performance.memory.usedJSHeapSize : 0,
    completed: document.querySelectorAll('.weft-node[data-status="completed"]').length,
    drawn: document.querySelectorAll('.weft-node').length,
    lanes: [...document.querySelectorAll('.weft-node .lane-badge')].filter((badge) => badge.textContent === '10 lanes').length,
    statuses: [...document.querySelectorAll('.weft-node')].reduce((counts, node) => {
      counts[node.dataset.status] = (counts[node.dataset.status] || 0) + 1;
      return counts;
    }, {}),
    received: window.weftReceived,
  };
})()`;

export async function measureEditorFrames(): Promise<EditorFramesResult | { skipped: string }> {
  if (!process.env.DATABASE_URL) return { skipped: 'needs DATABASE_URL: the bench commits events into the database the platform reads' };
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) return { skipped: `needs Chromium at ${chromium} (apt-get install -y chromium, or set CHROMIUM_PATH)` };

  const testDatabase = await createTestDatabase();
  const dataDir = await makeDataDir();
  const platform = await startPlatform({ dataDir, databaseUrl: testDatabase.url, env: { LOG_LEVEL: 'warn' } });
  const database = await openDatabase({ kind: 'server', url: testDatabase.url! }, createLogger('warn'));
  const browser = await launchBrowser();
  try {
    const { createProject } = await graphqlData(platform.graphqlUrl, `
      mutation ($code: String!) { createProject(name: "500 nodes", code: $code) {
        ... on Project { id graph { nodes { id } } diagnostics { severity message } } } }`, { code: pairsProgram(pairs) });
    const errors = (createProject.diagnostics as { severity: string; message: string }[]).filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(`The generated program does not compile: ${errors[0]!.message}`);
    const nodeCount = (createProject.graph.nodes as unknown[]).length;
    const execution = await commitNewExecution(database.prisma, { projectId: createProject.id, status: 'running' });

    const page = await browser.newPage({ viewport: desktopViewport });
    await page.addInitScript(countEventMessages);
    const notCompleted = async () =>
      (await database.prisma.nodeRun.count({ where: { executionId: execution.id, NOT: { status: 'completed' } } }));
    await page.goto(`${platform.url}/projects/${createProject.id}?executionId=${execution.id}`);
    await page.locator('.run-header[data-status="running"]').waitFor({ timeout: 30_000 });
    // A graph this large draws only the nodes in view (GraphCanvas, VIRTUALISE_OVER_NODES): those are checked.
    await page.locator('.react-flow__node').first().waitFor({ timeout: 60_000 });
    await page.waitForTimeout(1_000);
    if (process.env.EDITOR_FRAMES_REDUCED_MOTION) await page.emulateMedia({ reducedMotion: 'reduce' });
    // The same page with nothing arriving, for comparison: what drawing 500 nodes costs by itself.
    await startMeasuring(page);
    await page.waitForTimeout(3_000);
    const idle = summariseFrames(((await page.evaluate(stopMeasuring)) as Measured).frames);
    await startMeasuring(page);
    // EDITOR_FRAMES_PROFILE=file.cpuprofile: a CPU profile of the page over the whole storm (for DevTools).
    const profiler = process.env.EDITOR_FRAMES_PROFILE ? await page.context().newCDPSession(page) : null;
    // EDITOR_FRAMES_TRACE=file.json: a Chromium performance trace of the storm (for DevTools' Performance panel).
    if (process.env.EDITOR_FRAMES_TRACE) await browser.startTracing(page, { path: process.env.EDITOR_FRAMES_TRACE });
    if (profiler) {
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.start');
    }

    const events = nodeEvents();
    const began = performance.now();
    let statements = 0;
    for (let sent = 0; sent < events.length; ) {
      const due = Math.min(events.length, Math.floor(((performance.now() - began) * eventsPerSecond) / 1000) + 1);
      if (due <= sent) {
        await new Promise((resolve) => setTimeout(resolve, ((sent + 1) * 1000) / eventsPerSecond - (performance.now() - began)));
        continue;
      }
      // Whatever fell due since the last commit, in one statement (at most 40, so no node and lane twice).
      const batch = events.slice(sent, Math.min(due, sent + inFlightNodes));
      await commitNodeRunsDirectly(database, execution.id, batch);
      sent += batch.length;
      statements++;
    }
    await commitExecutionStatusDirectly(database, execution.id, 'completed', new Date());
    const committed = performance.now();
    const commitSeconds = (committed - began) / 1000;

    await page.locator('.run-header[data-status="completed"]').waitFor({ timeout: 120_000 });
    // A page that never shows the final state is a result too (finalStateMatches: false), not a crash.
    const settled = await page
      // A function, not a string: the page's Content-Security-Policy refuses to evaluate a string.
      .waitForFunction(() => {
        const drawn = document.querySelectorAll('.weft-node').length;
        return drawn > 0 && document.querySelectorAll('.weft-node[data-status="completed"]').length === drawn;
      }, undefined, {
        timeout: 60_000,
        polling: 100,
      })
      .then(() => true, () => false);
    const settleMs = settled ? performance.now() - committed : null;
    const measured = (await page.evaluate(stopMeasuring)) as Measured;
    if (process.env.EDITOR_FRAMES_TRACE) await browser.stopTracing();
    if (profiler) {
      const { profile } = await profiler.send('Profiler.stop');
      await writeFile(process.env.EDITOR_FRAMES_PROFILE!, JSON.stringify(profile));
    }
    const screenshots = screenshotsFolder('editor-frames');
    await mkdir(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, 'final-state.png') });

    const statusesShown = measured.statuses;
    return {
      nodes: nodeCount,
      events: events.length,
      achievedEventsPerSecond: Math.round(events.length / commitSeconds),
      commitSeconds: round(commitSeconds),
      commitStatements: statements,
      eventsReceived: measured.received,
      databaseNodesNotCompleted: await notCompleted(),
      settleMs: settleMs === null ? null : Math.round(settleMs),
      statusesShown,
      frames: summariseFrames(measured.frames),
      idleFrames: idle,
      longTasks: {
        count: measured.longTasks.length,
        totalMs: Math.round(measured.longTasks.reduce((sum, task) => sum + task, 0)),
        maxMs: Math.round(Math.max(0, ...measured.longTasks)),
      },
      // Every node drawn (those in view) is completed with its ten lanes.
      finalStateMatches: measured.drawn > 0 && measured.completed === measured.drawn && measured.lanes === measured.drawn,
      nodesDrawn: measured.drawn,
      completedNodesShown: measured.completed,
      laneBadgesShown: measured.lanes,
      heapMb: Math.round(measured.heap / 2 ** 20),
    };
  } finally {
    await browser.close();
    await database.close();
    await platform.stop();
    await testDatabase.drop();
    await removeDataDir(dataDir);
  }
}

