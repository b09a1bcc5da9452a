/**
 * Cost of one ExecPython node: runExecPython (sandboxed with bwrap, and with PYTHON_SANDBOX=off)
 * against a bare start of the same interpreter, sequential runs, median and best in ms.
 */
import { execa } from 'execa';
import { runExecPython } from '../server/nodes/code/execPython';
import { defaultNodeSettings } from '../server/nodes/settings';
import type { NodeRunContext } from '../server/nodes/definition';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (ms: number) => Math.round(ms * 10) / 10;

async function timed(runs: number, once: () => Promise<unknown>) {
  await once();
  const times: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const started = performance.now();
    await once();
    times.push(performance.now() - started);
  }
  return { medianMs: round(median(times)), bestMs: round(Math.min(...times)) };
}

export async function measurePythonNode(quick: boolean) {
  const runs = quick ? 10 : 50;
  const node = (mode: 'bwrap' | 'off'): NodeRunContext => ({
    nodeId: 'add',
    inputs: { a: 19, b: 23 },
    config: { code: 'return {"total": a + b}' },
    outputs: [{ name: 'total', type: 'Number', optional: false }],
    settings: { ...defaultNodeSettings, pythonSandbox: { ...defaultNodeSettings.pythonSandbox, mode } },
    signal: new AbortController().signal,
  });
  const sandboxed = await timed(runs, () => runExecPython(node('bwrap')));
  const unsandboxed = await timed(runs, () => runExecPython(node('off')));
  const bareInterpreter = await timed(runs, () => execa(defaultNodeSettings.python.binary, ['-I', '-c', 'pass']));
  return { python: defaultNodeSettings.python.binary, runs, sandboxed, unsandboxed, bareInterpreter };
}
