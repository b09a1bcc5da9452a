import { execa } from 'execa';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { JsonValue } from '../../weft/types';
import { NodeFailure, outputsOf, type NodeDefinition, type NodeRunContext, type NodeRunResult } from '../definition';

const RUNNER = fileURLToPath(new URL('./python/runner.py', import.meta.url));
const PRINT_LIMIT_BYTES = 1024 * 1024;
const RESULT_LIMIT_BYTES = 64 * 1024 * 1024;

/** What runner.py writes on file descriptor 3. */
type RunnerResult =
  | { ok: true; outputs: Record<string, JsonValue>; ignoredKeys: string[] }
  | { ok: false; kind: 'syntax' | 'exception' | 'memory' | 'result'; message: string; traceback: string | null; line: number | null };

interface Limits {
  timeoutMs: number;
  memoryMb: number;
}

const seconds = (ms: number): string => `${ms / 1000} s`;

function limitsOf(context: NodeRunContext): Limits {
  const { timeoutSeconds } = context.config;
  const timeoutMs = typeof timeoutSeconds === 'number' && timeoutSeconds > 0 ? timeoutSeconds * 1000 : context.settings.python.timeoutMs;
  return { timeoutMs, memoryMb: context.settings.python.memoryMb };
}

function spawnRunner(context: NodeRunContext, limits: Limits) {
  const request = {
    code: typeof context.config.code === 'string' ? context.config.code : '',
    inputs: context.inputs,
    outputs: context.outputs.map((port) => port.name),
    memoryMb: limits.memoryMb,
  };
  return execa(context.settings.python.binary, [RUNNER], {
    input: JSON.stringify(request),
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    cwd: tmpdir(),
    env: { PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '1' },
    timeout: limits.timeoutMs,
    // The code may trap SIGTERM; a node over its time limit must stop.
    killSignal: 'SIGKILL',
    cancelSignal: context.signal,
    maxBuffer: { stdout: PRINT_LIMIT_BYTES, stderr: PRINT_LIMIT_BYTES, fd3: RESULT_LIMIT_BYTES },
    stripFinalNewline: false,
    reject: false,
  });
}

type Finished = Awaited<ReturnType<typeof spawnRunner>>;

function runnerResult(finished: Finished): RunnerResult | undefined {
  const text = finished.stdio[3];
  if (typeof text !== 'string' || text === '') return undefined;
  return JSON.parse(text) as RunnerResult;
}

/** Why the process ended without a result, in words a user can act on. */
function abnormalEnd(finished: Finished, limits: Limits, binary: string): string {
  if (finished.isCanceled) return 'cancelled';
  if (finished.timedOut) return `timed out after ${seconds(limits.timeoutMs)}`;
  if (finished.isMaxBuffer) {
    return `the code went over an output limit (${PRINT_LIMIT_BYTES / 1024 / 1024} MB printed on stdout or stderr, ${RESULT_LIMIT_BYTES / 1024 / 1024} MB of outputs)`;
  }
  if (finished.exitCode === undefined && finished.signal === undefined) {
    return `could not start Python ("${binary}"): ${finished.originalMessage}; set the server's Python binary setting`;
  }
  if (finished.signal) {
    return `Python was killed by ${finished.signal}, most likely for going over the memory limit of ${limits.memoryMb} MB`;
  }
  return `Python exited with code ${finished.exitCode} before returning its outputs`;
}

function failureMessage(result: Extract<RunnerResult, { ok: false }>): string {
  const where = result.line === null ? '' : ` (line ${result.line})`;
  return result.traceback ? `${result.message}${where}\n\n${result.traceback}` : `${result.message}${where}`;
}

/** Runs the node's code in its own python3 process, with the server's time and memory limits. */
export async function runExecPython(context: NodeRunContext): Promise<NodeRunResult> {
  const limits = limitsOf(context);
  const finished = await spawnRunner(context, limits);
  const printed = { stdout: String(finished.stdout ?? ''), stderr: String(finished.stderr ?? '') };
  const result = finished.isCanceled || finished.timedOut || finished.isMaxBuffer ? undefined : runnerResult(finished);
  if (!result) throw new NodeFailure(abnormalEnd(finished, limits, context.settings.python.binary), printed);
  if (!result.ok) {
    throw new NodeFailure(failureMessage(result), { ...printed, traceback: result.traceback, line: result.line });
  }
  const details: Record<string, JsonValue> = { ...printed };
  if (result.ignoredKeys.length > 0) details.ignoredKeys = result.ignoredKeys;
  return { outputs: outputsOf(context, result.outputs), details };
}

export const execPythonNode: NodeDefinition = {
  type: 'ExecPython',
  description:
    'Runs Python in a separate python3 process with a time limit. The code is a function body: its declared inputs are variables, and it returns a dict of its declared outputs.',
  category: 'Code',
  inputs: [],
  outputs: [],
  declaredInputs: 'any',
  declaredOutputs: 'any',
  config: z.object({
    code: z.string({ error: 'an ExecPython node needs code: a function body that returns a dict of outputs' }),
    timeoutSeconds: z.number().positive().optional().describe('Time limit of one run; the server sets the default'),
  }),
  isTrigger: false,
  runs: true,
  run: runExecPython,
};
