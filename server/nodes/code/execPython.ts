import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { JsonValue } from '../../weft/types';
import { NodeFailure, outputsOf, type NodeDefinition, type NodeRunContext, type NodeRunResult } from '../definition';
import { activeSandboxPool, killProcessGroup } from './pool';
import { finishedProcess } from './process';
import { sandboxedPython, sandboxProblem } from './sandbox';

// Passed with -c: the sandbox shows no file of the checkout.
const RUNNER_SOURCE = readFileSync(fileURLToPath(new URL('./python/runner.py', import.meta.url)), 'utf8');
const PRINT_LIMIT_BYTES = 1024 * 1024;
const RESULT_LIMIT_BYTES = 64 * 1024 * 1024;

/** What runner.py writes on file descriptor 3. */
type RunnerResult =
  | { ok: true; outputs: Record<string, JsonValue>; ignoredKeys: string[] }
  | { ok: false; kind: 'syntax' | 'exception' | 'memory' | 'result'; message: string; traceback: string | null; line: number | null };

interface Limits {
  timeoutMs: number;
  memoryMb: number;
  cpuSeconds: number;
  maxProcesses: number;
  maxFileBytes: number;
}

const seconds = (ms: number): string => `${ms / 1000} s`;

function limitsOf(context: NodeRunContext): Limits {
  const { timeoutSeconds } = context.config;
  const timeoutMs = typeof timeoutSeconds === 'number' && timeoutSeconds > 0 ? timeoutSeconds * 1000 : context.settings.python.timeoutMs;
  const sandbox = context.settings.pythonSandbox;
  return {
    timeoutMs,
    memoryMb: context.settings.python.memoryMb,
    cpuSeconds: sandbox.cpuSeconds ?? Math.max(1, Math.ceil(timeoutMs / 1000)),
    maxProcesses: sandbox.maxProcesses,
    maxFileBytes: sandbox.maxFileMb * 1024 * 1024,
  };
}

/**
 * Runs runner.py in the sandbox, in a process group of its own. At the time limit or on cancel
 * the group is killed; bwrap's --die-with-parent then ends the sandbox's pid namespace, and
 * with it every process the code forked, detached or not. Once the runner has written its result
 * and exited, whatever else remains is killed at once.
 */
async function runRunner(context: NodeRunContext, limits: Limits) {
  const python = sandboxedPython(context.settings);
  if (!python.ok) throw new NodeFailure(python.problem);
  const request = {
    code: typeof context.config.code === 'string' ? context.config.code : '',
    inputs: context.inputs,
    outputs: context.outputs.map((port) => port.name),
    memoryMb: limits.memoryMb,
    limits: { cpuSeconds: limits.cpuSeconds, maxProcesses: limits.maxProcesses, maxFileBytes: limits.maxFileBytes },
  };
  const { file, args } = python.command(['-I', '-B', '-c', RUNNER_SOURCE]);
  const start = () => spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe', 'pipe'], cwd: python.cwd, env: python.environment, detached: true });
  // A warm sandbox (started for exactly this command line, used by this run only) or a new one.
  const pool = activeSandboxPool();
  const child = pool ? pool.take(JSON.stringify([file, args, python.environment, python.cwd]), start) : start();
  const finishing = finishedProcess(child, { stdout: PRINT_LIMIT_BYTES, stderr: PRINT_LIMIT_BYTES, result: RESULT_LIMIT_BYTES });
  child.stdin?.on('error', () => undefined); // a process already ended: its exit status tells why
  child.stdin?.end(JSON.stringify(request));
  let timedOut = false;
  let cancelled = false;
  const killGroup = () => killProcessGroup(child.pid);
  // The time limit counts from the job's hand-over: the code starts as soon as Python reads it.
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, limits.timeoutMs);
  const onCancel = () => {
    cancelled = true;
    killGroup();
  };
  context.signal.addEventListener('abort', onCancel, { once: true });
  if (context.signal.aborted) onCancel();
  try {
    const finished = await finishing;
    return { finished, timedOut, cancelled };
  } finally {
    clearTimeout(timer);
    context.signal.removeEventListener('abort', onCancel);
    killGroup();
  }
}

type Outcome = Awaited<ReturnType<typeof runRunner>>;

function runnerResult({ finished }: Outcome): RunnerResult | undefined {
  const text = finished.result;
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as RunnerResult;
  } catch {
    return undefined;
  }
}

/** The signal that ended Python: bwrap reports its child's as exit code 128 + signal number. */
function endingSignal({ finished }: Outcome, sandboxed: boolean): string | undefined {
  if (finished.signal) return finished.signal;
  const code = finished.exitCode;
  if (!sandboxed || code === undefined || code <= 128) return undefined;
  return Object.entries(osConstants.signals).find(([, number]) => number === code - 128)?.[0];
}

/** Why the process ended without a result, in words a user can act on. */
function abnormalEnd(outcome: Outcome, limits: Limits, context: NodeRunContext): string {
  const { finished } = outcome;
  if (outcome.cancelled) return 'cancelled';
  if (outcome.timedOut) return `timed out after ${seconds(limits.timeoutMs)}`;
  if (finished.overLimit) {
    return `the code went over an output limit (${PRINT_LIMIT_BYTES / 1024 / 1024} MB printed on stdout or stderr, ${RESULT_LIMIT_BYTES / 1024 / 1024} MB of outputs)`;
  }
  if (finished.startError !== undefined) {
    return `could not start Python ("${context.settings.python.binary}"): ${finished.startError}; set the server's Python binary setting`;
  }
  const signal = endingSignal(outcome, context.settings.pythonSandbox.mode === 'bwrap');
  if (signal === 'SIGXCPU') return `Python went over its CPU time limit of ${limits.cpuSeconds} s`;
  if (signal) return `Python was killed by ${signal}, most likely for going over the memory limit of ${limits.memoryMb} MB`;
  return `Python exited with code ${finished.exitCode} before returning its outputs`;
}

function failureMessage(result: Extract<RunnerResult, { ok: false }>): string {
  const where = result.line === null ? '' : ` (line ${result.line})`;
  return result.traceback ? `${result.message}${where}\n\n${result.traceback}` : `${result.message}${where}`;
}

/** Runs the node's code in its own sandboxed python3 process, with the server's limits. */
export async function runExecPython(context: NodeRunContext): Promise<NodeRunResult> {
  const problem = await sandboxProblem(context.settings);
  if (problem) throw new NodeFailure(problem);
  const limits = limitsOf(context);
  const outcome = await runRunner(context, limits);
  const { finished } = outcome;
  const printed = { stdout: finished.stdout, stderr: finished.stderr };
  // A result that came back complete counts, even if the time limit struck while Python was exiting.
  const result = outcome.cancelled || finished.overLimit ? undefined : runnerResult(outcome);
  if (!result) throw new NodeFailure(abnormalEnd(outcome, limits, context), printed);
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
    'Runs Python in a sandboxed python3 process (no network, no access to the server\'s files or environment) with time, memory, CPU, process and file-size limits. The code is a function body: its declared inputs are variables, and it returns a dict of its declared outputs.',
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
