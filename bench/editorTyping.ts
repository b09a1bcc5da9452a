/**
 * Typing in the editor of a 500-node project (250 Text → Debug pairs), in real Chromium:
 * Playwright types a few new Weft lines into the CodeMirror editor at the end of the code, a key
 * every `keyDelayMs`, pausing after each line so the live checker's answer (and the graph it
 * brings) lands while the user looks. The page times every keystroke itself: from the keydown
 * event's timestamp until the frame that shows it has been painted (a message posted from the
 * requestAnimationFrame after the key, which runs once that frame is done), and counts the
 * long tasks and frames of the whole typing session, the checker's answers included.
 * Runs on PGlite by default (DATABASE_URL to use PostgreSQL); nothing is committed behind the page's back.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import os from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { desktopViewport, launchBrowser, screenshotsFolder } from '../test/support/browser';
import { graphqlData } from '../test/support/graphql';
import { createTestDatabase, makeDataDir, removeDataDir, startPlatform } from '../test/support/platform';
import { pairsProgram } from './editorFrames';
import { percentile, round } from './executionsPage';

const pairs = 250;
/** One frame at 60 Hz. */
export const frameMs = 1000 / 60;
const keyDelayMs = 60;
/** After each line: longer than the checker's debounce (350 ms), so its answer lands between lines. */
const pauseAfterLineMs = 1_200;

function typedLines(quick: boolean): string[] {
  const lines = [
    'extra1 = Text { value: "typed in the bench" }',
    'shown1 = Debug {}',
    'shown1.data = extra1.value',
    'extra2 = Text { value: "and a second one" }',
    'shown2 = Debug {}',
    'shown2.data = extra2.value',
  ];
  return quick ? lines.slice(0, 3) : lines;
}

export interface KeystrokeSummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Keystrokes over one 60 Hz frame (16.7 ms, with 2 ms for the timer's jitter). */
  overOneFrame: number;
}

export interface TypingSession {
  nodes: number;
  /** From the keydown event until the frame showing it is painted (includes waiting for that frame). */
  keystrokes: KeystrokeSummary;
  /** The frame each keystroke lands in (see keystrokeFrames); over one frame means a dropped frame. */
  keystrokeFrames: KeystrokeSummary;
  /** Every frame of the typing session (checker answers included). */
  frames: { count: number; p50Ms: number; p99Ms: number; maxMs: number; over25Ms: number };
  longTasks: { count: number; totalMs: number; maxMs: number };
  /** The live checker's answers that arrived while typing (each brings diagnostics and the graph). */
  checkAnswers: number;
  /** The typed text is in the editor at the end. */
  textTyped: boolean;
}

export interface EditorTypingResult extends TypingSession {
  keyDelayMs: number;
  /** The machine's one-minute load average at the end (the figures are noisy on a shared 2-core machine). */
  load: number;
  /** The same typing in a two-node project: what the editor costs without a large graph beside it. */
  floor: TypingSession;
}

function summarise(measured: number[]): KeystrokeSummary {
  const sorted = [...measured].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 0.5)),
    p95Ms: round(percentile(sorted, 0.95)),
    maxMs: round(sorted.at(-1) ?? NaN),
    // rAF intervals jitter by a few tenths of a millisecond around 16.7 ms.
    overOneFrame: sorted.filter((ms) => ms > frameMs + 2).length,
  };
}

/** Installed in the page as a string: tsx's transform would add helpers that do not exist there. */
const startMeasuring = `(() => {
  const keystrokes = [];
  const frames = [];
  const longTasks = [];
  let running = true;
  let last = performance.now();
  const frameTimes = [];
  const tick = (now) => {
    if (!running) return;
    frames.push(now - last);
    frameTimes.push(now);
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
  const painted = new MessageChannel();
  const waiting = [];
  painted.port1.onmessage = () => {
    const started = waiting.shift();
    if (started !== undefined) keystrokes.push(performance.now() - started);
  };
  const keyTimes = [];
  const onKey = (event) => {
    if (!running) return;
    const started = event.timeStamp;
    keyTimes.push(started);
    requestAnimationFrame(() => { waiting.push(started); painted.port2.postMessage(0); });
  };
  window.addEventListener('keydown', onKey, { capture: true });
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask', buffered: false });
  window.weftTyping = { keystrokes, frames, frameTimes, keyTimes, longTasks, stop: () => {
    running = false;
    observer.disconnect();
    window.removeEventListener('keydown', onKey, { capture: true });
  } };
})()`;

interface Measured {
  keystrokes: number[];
  frames: number[];
  frameTimes: number[];
  keyTimes: number[];
  longTasks: number[];
}

/**
 * The frames a keystroke lands in: the one it arrives during (from the last frame before the key
 * to the first after it) and the one that draws it (to the next). The longer of the two is the
 * keystroke's frame: one 60 Hz frame (16.7 ms) when its work fits, two or more when it does not.
 */
export function keystrokeFrames(keyTimes: readonly number[], frameTimes: readonly number[]): number[] {
  const result: number[] = [];
  for (const key of keyTimes) {
    const next = frameTimes.findIndex((frame) => frame > key);
    if (next < 1 || next + 1 >= frameTimes.length) continue;
    result.push(Math.max(frameTimes[next]! - frameTimes[next - 1]!, frameTimes[next + 1]! - frameTimes[next]!));
  }
  return result;
}

interface Platform {
  url: string;
  graphqlUrl: string;
}

/** Opens a project's editor, types the lines into it and returns what the page measured. */
async function typeInEditor(browser: Browser, platform: Platform, name: string, code: string, quick: boolean): Promise<TypingSession> {
  const { createProject } = await graphqlData(platform.graphqlUrl, `
    mutation ($name: String!, $code: String!) { createProject(name: $name, code: $code) {
      ... on Project { id graph { nodes { id } } diagnostics { severity message } } } }`, { name, code });
  const errors = (createProject.diagnostics as { severity: string; message: string }[]).filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`The generated program does not compile: ${errors[0]!.message}`);
  const nodeCount = (createProject.graph.nodes as unknown[]).length;

  const page: Page = await browser.newPage({ viewport: desktopViewport });
  try {
    let checkAnswers = 0;
    page.on('response', (response) => {
      // urql sends a short query as a GET and a long one (the 500-node program) as a POST.
      if (response.url().includes('/graphql') && `${response.url()} ${response.request().postData() ?? ''}`.includes('CheckWeft')) checkAnswers++;
    });
    await page.goto(`${platform.url}/projects/${createProject.id}`);
    // The graph is drawn (React Flow draws only the nodes in view of a large one).
    await page.locator('.react-flow__node').first().waitFor({ timeout: 60_000 });
    const editor = page.getByRole('textbox', { name: 'Weft code' });
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.waitForTimeout(1_000);

    // EDITOR_TYPING_PROFILE=file.cpuprofile: a CPU profile of the page while typing (for DevTools).
    const profiler = process.env.EDITOR_TYPING_PROFILE && nodeCount > 2 ? await page.context().newCDPSession(page) : null;
    if (profiler) {
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.start');
    }
    // EDITOR_TYPING_TRACE=prefix: a Chromium performance trace of each project's typing, <prefix>-<nodes>.json.
    const trace = process.env.EDITOR_TYPING_TRACE ? `${process.env.EDITOR_TYPING_TRACE}-${nodeCount}.json` : null;
    if (trace) await browser.startTracing(page, { path: trace, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    await page.evaluate(startMeasuring);
    const lines = typedLines(quick);
    for (const line of lines) {
      await page.keyboard.press('Enter');
      await page.keyboard.type(line, { delay: keyDelayMs });
      await page.waitForTimeout(pauseAfterLineMs);
    }
    const measured = (await page.evaluate(`(() => { window.weftTyping.stop(); return window.weftTyping; })()`)) as Measured;
    if (trace) await browser.stopTracing();
    if (profiler) {
      const { profile } = await profiler.send('Profiler.stop');
      await writeFile(process.env.EDITOR_TYPING_PROFILE!, JSON.stringify(profile));
    }
    const text = await editor.textContent();
    const screenshots = screenshotsFolder('editor-typing');
    await mkdir(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, `after-typing-${nodeCount}-nodes.png`) });

    const frames = [...measured.frames].sort((a, b) => a - b);
    return {
      nodes: nodeCount,
      keystrokes: summarise(measured.keystrokes),
      keystrokeFrames: summarise(keystrokeFrames(measured.keyTimes, measured.frameTimes)),
      frames: {
        count: frames.length,
        p50Ms: round(percentile(frames, 0.5)),
        p99Ms: round(percentile(frames, 0.99)),
        maxMs: round(frames.at(-1) ?? NaN),
        over25Ms: frames.filter((ms) => ms > 25).length,
      },
      longTasks: {
        count: measured.longTasks.length,
        totalMs: Math.round(measured.longTasks.reduce((sum, task) => sum + task, 0)),
        maxMs: Math.round(Math.max(0, ...measured.longTasks)),
      },
      checkAnswers,
      textTyped: lines.every((line) => text?.includes(line) ?? false),
    };
  } finally {
    await page.close();
  }
}

export async function measureEditorTyping(quick = false): Promise<EditorTypingResult | { skipped: string }> {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) return { skipped: `needs Chromium at ${chromium} (apt-get install -y chromium, or set CHROMIUM_PATH)` };

  const testDatabase = await createTestDatabase();
  const dataDir = await makeDataDir();
  const platform = await startPlatform({ dataDir, databaseUrl: testDatabase.url, env: { LOG_LEVEL: 'warn' } });
  const browser = await launchBrowser();
  try {
    // The floor first: the same typing in a two-node project, on this machine as loaded now.
    const floor = await typeInEditor(browser, platform, 'Two nodes', pairsProgram(1), quick);
    const large = await typeInEditor(browser, platform, 'Five hundred nodes', pairsProgram(pairs), quick);
    return { keyDelayMs, load: os.loadavg()[0]!, ...large, floor };
  } finally {
    await browser.close();
    await platform.stop();
    await testDatabase.drop();
    await removeDataDir(dataDir);
  }
}
