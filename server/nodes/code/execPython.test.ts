import { describe, expect, it } from '@jest/globals';
import { runExecPython } from './execPython';
import { defaultNodeSettings } from '../settings';
import { failureOf, runContext, type TestRun } from '../testing';
import { processKinds, usePool } from './poolTesting';

const python = (code: string, run: TestRun = {}) => runExecPython(runContext({ ...run, config: { code, ...run.config } }));

describe.each(processKinds)('ExecPython, in $kind', ({ poolSize }) => {
  usePool(poolSize);
  it('runs the code with its inputs as variables and returns the declared outputs (hello.weft)', async () => {
    const result = await python('return {"total": a + b, "note": f"{a} + {b}"}', {
      inputs: { a: 19, b: 23 },
      outputs: ['total', 'note'],
    });
    expect(result.outputs).toEqual({ total: 42, note: '19 + 23' });
  });

  it('runs in a separate python3 process', async () => {
    const result = await python('import os\nreturn {"pid": os.getpid()}', { outputs: ['pid'] });
    expect(result.outputs.pid).toEqual(expect.any(Number));
    expect(result.outputs.pid).not.toBe(process.pid);
  });

  it('passes JSON values in and out: null as None, lists, dicts, nested values', async () => {
    const result = await python(
      'return {"items": [{"qty": q, "unit": 2.5} for q in range(1, 3)], "missing": maybe is None, "echo": data}',
      { inputs: { maybe: null, data: { a: [1, 'two', true] } }, outputs: ['items', 'missing', 'echo'] },
    );
    expect(result.outputs).toEqual({
      items: [{ qty: 1, unit: 2.5 }, { qty: 2, unit: 2.5 }],
      missing: true,
      echo: { a: [1, 'two', true] },
    });
  });

  it("prices one lane's order and reports over the gathered totals (lanes.weft)", async () => {
    const price = 'if order["qty"] == 5:\n    return {"total": None}\nreturn {"total": order["qty"] * order["unit"] * (1 + rate)}';
    const priced = await python(price, { inputs: { order: { qty: 2, unit: 2.5 }, rate: 0.2 }, outputs: ['total'] });
    expect(priced.outputs).toEqual({ total: 6 });
    const report = 'done = [t for t in totals if t is not None]\nreturn {"summary": f"{len(done)} of {len(totals)} priced, sum {sum(done):.2f}"}';
    const reported = await python(report, { inputs: { totals: [3, null, 6] }, outputs: ['summary'] });
    expect(reported.outputs).toEqual({ summary: '2 of 3 priced, sum 9.00' });
  });

  it('gives null for a declared output the code does not return, and notes returned keys nobody declared', async () => {
    const result = await python('return {"total": None, "extra": 1}', { outputs: ['total', 'note'] });
    expect(result.outputs).toEqual({ total: null, note: null });
    expect(result.details?.ignoredKeys).toEqual(['extra']);
  });

  it('records what the code printed on stdout and stderr', async () => {
    const result = await python('import sys\nprint("hello")\nprint("careful", file=sys.stderr)\nreturn {}');
    expect(result.details).toMatchObject({ stdout: 'hello\n', stderr: 'careful\n' });
  });

  it('keeps multi-line strings of the code as written', async () => {
    const result = await python('text = """first\n  second"""\nreturn {"text": text}', { outputs: ['text'] });
    expect(result.outputs.text).toBe('first\n  second');
  });

  it('fails with the Python traceback when the code raises, with line numbers of the code (failure.weft)', async () => {
    const failure = await failureOf(python('x = 1\nreturn {"value": 1 / 0}', { outputs: ['value'] }));
    expect(failure.message).toMatch(/^ZeroDivisionError: division by zero \(line 2\)/);
    expect(failure.message).toContain('Traceback (most recent call last):');
    expect(failure.details?.traceback).toContain('File "<code>", line 2, in node');
    expect(failure.details?.traceback).toContain('return {"value": 1 / 0}');
    expect(failure.details?.traceback).not.toContain('runner.py');
    expect(failure.details?.line).toBe(2);
  });

  it('points at the line of the code where a nested function raised', async () => {
    const code = 'def check(n):\n    if n > 2:\n        raise ValueError(f"too big: {n}")\n    return n\nreturn {"n": check(n)}';
    const failure = await failureOf(python(code, { inputs: { n: 3 }, outputs: ['n'] }));
    expect(failure.message).toMatch(/^ValueError: too big: 3 \(line 3\)/);
    expect(failure.details?.traceback).toContain('line 5, in node');
  });

  it('keeps what the code printed before it failed', async () => {
    const failure = await failureOf(python('print("about to fail")\nraise RuntimeError("no")'));
    expect(failure.details?.stdout).toBe('about to fail\n');
  });

  it('fails on a syntax error with the line of the code', async () => {
    const failure = await failureOf(python('x = 1\nreturn {"value": 1 /}', { outputs: ['value'] }));
    expect(failure.message).toMatch(/^SyntaxError: invalid syntax \(line 2\)/);
    expect(failure.details?.traceback).toContain('File "<code>", line 2');
    expect(failure.details?.line).toBe(2);
  });

  it('fails when the code returns something other than a dict', async () => {
    const failure = await failureOf(python('return 42', { outputs: ['total'] }));
    expect(failure.message).toBe('the code must return a dict of its outputs, like return {"total": ...}; it returned a value of type int');
  });

  it('fails when the code returns nothing', async () => {
    const failure = await failureOf(python('x = 1', { outputs: ['total'] }));
    expect(failure.message).toContain('it returned nothing (None)');
  });

  it('refuses an output that has no JSON form: NaN, a set', async () => {
    const nan = await failureOf(python('return {"ratio": float("nan")}', { outputs: ['ratio'] }));
    expect(nan.message).toBe('output "ratio" is not JSON: NaN and Infinity have no JSON form; return None or a number');
    const set = await failureOf(python('return {"tags": {"a"}}', { outputs: ['tags'] }));
    expect(set.message).toMatch(/^output "tags" is not JSON \(Object of type set is not JSON serializable\)/);
  });

  it('stops the code at its time limit, even code that ignores SIGTERM', async () => {
    const started = Date.now();
    const code = 'import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint("looping", flush=True)\nwhile True:\n    pass';
    const failure = await failureOf(python(code, { config: { timeoutSeconds: 0.5 } }));
    expect(failure.message).toBe('timed out after 0.5 s');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("uses the server's time limit when the node sets none", async () => {
    const settings = { python: { ...defaultNodeSettings.python, timeoutMs: 300 } };
    const failure = await failureOf(python('import time\ntime.sleep(5)', { settings }));
    expect(failure.message).toBe('timed out after 0.3 s');
  });

  it('fails, naming the memory limit, when the code allocates more than it', async () => {
    const settings = { python: { ...defaultNodeSettings.python, memoryMb: 64 } };
    const failure = await failureOf(python('block = bytearray(200 * 1024 * 1024)\nreturn {}', { settings }));
    expect(failure.message).toMatch(/^ran out of memory: the code needs more than the limit of 64 MB \(line 1\)/);
  });

  it('stops the process when the execution is cancelled', async () => {
    const cancel = new AbortController();
    const running = python('import time\ntime.sleep(30)', { signal: cancel.signal });
    setTimeout(() => cancel.abort(), 200);
    const failure = await failureOf(running);
    expect(failure.message).toBe('cancelled');
  });

  it('refuses an input named like a Python keyword, which the code could not use', async () => {
    const failure = await failureOf(python('return {}', { inputs: { class: 'x' } }));
    expect(failure.message).toBe('input "class" is a Python keyword, so the code cannot use it; rename the input');
  });

  it('says which setting to change when the Python binary cannot be started', async () => {
    const settings = { python: { ...defaultNodeSettings.python, binary: 'no-such-python3' } };
    const failure = await failureOf(python('return {}', { settings }));
    expect(failure.message).toMatch(/^could not start Python \("no-such-python3"\): .*ENOENT.*; set the server's Python binary setting$/);
  });
});
