import { LRUCache } from 'lru-cache';
import { Piscina } from 'piscina';
import { compileWeft, type CompileResult, type Diagnostic } from '../weft';
import type { ExecutionPlan, planExecution } from '../executor/plan';
import { type CompileTask, type DisplayResult, type MockCheck, type PlanCheck, type TriggerNodes, tooManyNodes } from './compileWorker';

/** How much code the API compiles, and where: MAX_CODE_BYTES, MAX_PROJECT_NODES, COMPILE_WORKERS. */
export interface CompilationSettings {
  workers: number;
  maxCodeBytes: number;
  maxProjectNodes: number;
}

let settings: CompilationSettings = { workers: 1, maxCodeBytes: 500_000, maxProjectNodes: 2_000 };
let pool: Piscina | undefined;
const displayed = new LRUCache<string, Promise<DisplayResult>>({ max: 200 });
const compiled = new LRUCache<string, CompileResult>({ max: 200 });

/** Set once at start (platform.ts) from the config. */
export function configureCompilation(configured: CompilationSettings): void {
  settings = configured;
}

export async function stopCompilation(): Promise<void> {
  const stopping = pool;
  pool = undefined;
  await stopping?.destroy();
}

/**
 * Compilation happens in worker threads: a large program takes hundreds of milliseconds to
 * compile, during which the event loop would serve nothing else.
 */
function run<T>(task: CompileTask): Promise<T> {
  pool ??= new Piscina({
    filename: new URL('./compileWorkerEntry.mjs', import.meta.url).href,
    minThreads: 1,
    maxThreads: settings.workers,
    idleTimeout: 60_000,
  });
  return pool.run(task) as Promise<T>;
}

/** Why this code is refused before it is compiled or saved (MAX_CODE_BYTES), if it is. */
export function codeTooLarge(code: string): string | undefined {
  const bytes = Buffer.byteLength(code, 'utf8');
  return bytes > settings.maxCodeBytes
    ? `The code is ${bytes} bytes; at most ${settings.maxCodeBytes} are allowed (MAX_CODE_BYTES): split it into several projects`
    : undefined;
}

function tooLargeDiagnostic(message: string): Diagnostic {
  return { severity: 'error', code: 'code-too-large', line: 1, column: 1, message };
}

const keyOf = (code: string, layout: string) => `${code.length}:${code}\u0000${layout}`;

/**
 * The compiled graph (best effort, for drawing code mid-edit) and diagnostics of some code
 * and layout, compiled in a worker thread; over MAX_PROJECT_NODES or MAX_CODE_BYTES, no graph
 * and an error saying so. Many fields of one request (and many requests) ask about the same
 * code, so results are kept by content.
 */
export function compileInWorker(code: string, layout: string): Promise<DisplayResult> {
  const key = keyOf(code, layout);
  let result = displayed.get(key);
  if (!result) {
    const refusal = codeTooLarge(code);
    result = refusal
      ? Promise.resolve({ diagnostics: [tooLargeDiagnostic(refusal)] })
      : run<DisplayResult>({ kind: 'display', code, layout, maxNodes: settings.maxProjectNodes });
    displayed.set(key, result);
    result.catch(() => displayed.delete(key));
  }
  return result;
}

/**
 * The same, with the executable graph, compiled on the calling thread (within the same limits):
 * for callers that cannot wait. Request paths should use compileInWorker.
 */
export function compileForDisplay(code: string, layout: string): CompileResult {
  const key = keyOf(code, layout);
  let result = compiled.get(key);
  if (!result) {
    const refusal = codeTooLarge(code);
    const full = refusal ? { diagnostics: [tooLargeDiagnostic(refusal)] } : compileWeft(code, layout, { partial: true });
    const nodes = full.graph?.nodes.length ?? 0;
    result = nodes > settings.maxProjectNodes ? { diagnostics: [tooManyNodes(nodes, settings.maxProjectNodes), ...full.diagnostics.slice(0, 100)] } : full;
    compiled.set(key, result);
  }
  return result;
}

/** Whether a run of this source can start (executor/plan.ts), decided off the event loop and within the limits. */
export async function checkRunnable(source: { code: string; layout: string; mocks?: unknown; triggerPayload?: unknown }): Promise<PlanCheck> {
  const display = await compileInWorker(source.code, source.layout);
  const limit = display.diagnostics.find((diagnostic) => diagnostic.code === 'too-many-nodes' || diagnostic.code === 'code-too-large');
  if (limit) return { ok: false, error: limit.message, diagnostics: [limit] };
  const plan = await planInWorker(source);
  return plan.ok ? { ok: true } : { ok: false, error: plan.error, diagnostics: plan.diagnostics };
}

/**
 * Plans made for checkRunnable and the executions' start steps, kept a minute: runs of the same
 * code are then compiled once, not twice per run, in the shared worker pool. A kept plan is never
 * changed: the start step only journals it, and each execution works on the copy Restate's
 * journal gives back. Bounded by the code they were made from.
 */
const plans = new LRUCache<string, Promise<ExecutionPlan>>({ maxSize: 2_000_000, sizeCalculation: (_plan, key) => Math.max(1, key.length), ttl: 60_000 });

type PlanSource = Parameters<typeof planExecution>[0];
const planKeyOf = (source: PlanSource) =>
  JSON.stringify([source.code, source.layout, source.mocks ?? null, source.triggerPayload ?? null, source.configOverrides ?? null]);


/** Mocks checked against the program (executor/plan.ts), off the event loop. */
export async function checkMocks(code: string, layout: string, mocks: unknown): Promise<MockCheck> {
  const display = await compileInWorker(code, layout);
  const limit = display.diagnostics.find((diagnostic) => diagnostic.code === 'too-many-nodes' || diagnostic.code === 'code-too-large');
  if (limit) return { ok: false, error: limit.message, diagnostics: [limit] };
  return run<MockCheck>({ kind: 'mocks', code, layout, mocks });
}

/** The executor's plan of a run (executor/plan.ts), made off the event loop: for runProject, which hands it to the workflow, and the `start` step of a run started otherwise. */
export function planInWorker(source: PlanSource): Promise<ExecutionPlan> {
  const key = planKeyOf(source);
  let plan = plans.get(key);
  if (!plan) {
    plan = run<ExecutionPlan>({ kind: 'execution plan', source });
    plans.set(key, plan);
    plan.catch(() => plans.delete(key));
  }
  return plan;
}

/** The trigger nodes (of these types) of some code, compiled off the event loop: what activating triggers needs. */
export function triggerNodesInWorker(code: string, layout: string, types: readonly string[]): Promise<TriggerNodes> {
  return run<TriggerNodes>({ kind: 'triggers', code, layout, types });
}
