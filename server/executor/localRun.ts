/**
 * Runs a graph in this process with no journal and no records: the same scheduler as the Restate
 * workflow, driven by a plain loop. The baseline for the executor overhead benchmark, and a quick way
 * to run a program in tests.
 */
import type { ExecutableGraph } from '../weft/ir';
import type { JsonValue } from '../weft/types';
import {
  createRunState, settle, summarize, takeReady, type NodeInstance, type Outcome, type ReadyInstance, type RunOptions, type RunSummary,
} from './scheduler';

export interface LocalRunOptions extends RunOptions {
  /** How many nodes may run at once; unbounded by default. */
  concurrency?: number;
}

/** One instance as it ended, in the order instances ended. */
export type LocalNodeRun = NodeInstance &
  (
    | { status: 'completed'; inputs: Record<string, JsonValue>; outputs: Record<string, JsonValue>; mocked?: true }
    | { status: 'failed'; inputs?: Record<string, JsonValue>; error: string }
    | { status: 'skipped'; inputs: Record<string, JsonValue>; reason: string }
  );

export interface LocalRunResult extends RunSummary {
  runs: LocalNodeRun[];
}

export async function runGraphLocally(
  graph: ExecutableGraph,
  runNode: (ready: ReadyInstance) => Promise<Outcome>,
  options: LocalRunOptions = {},
): Promise<LocalRunResult> {
  const state = createRunState(graph, options);
  const limit = options.concurrency ?? Infinity;
  const runs: LocalNodeRun[] = [];
  const waiting: ReadyInstance[] = [];
  const inFlight = new Set<Promise<void>>();

  const start = (ready: ReadyInstance) => {
    const done = Promise.resolve()
      .then(() => runNode(ready))
      .catch((error: unknown): Outcome => ({ status: 'failed', error: error instanceof Error ? error.message : String(error) }))
      .then((outcome) => {
        inFlight.delete(done);
        settle(state, ready, outcome);
        runs.push({ ...ready, ...outcome });
      });
    inFlight.add(done);
  };

  while (true) {
    const batch = takeReady(state);
    runs.push(
      ...batch.skipped.map((s) => ({ ...s, status: 'skipped' as const })),
      ...batch.triggered.map((t) => ({ ...t, status: 'completed' as const })),
      ...batch.mocked.map((m) => ({ ...m, status: 'completed' as const, mocked: true as const })),
      ...batch.failed.map((f) => ({ ...f, status: 'failed' as const })),
    );
    waiting.push(...batch.run);
    while (waiting.length > 0 && inFlight.size < limit) start(waiting.shift()!);
    if (inFlight.size === 0) break;
    await Promise.race(inFlight);
  }
  return { ...summarize(state), runs };
}
