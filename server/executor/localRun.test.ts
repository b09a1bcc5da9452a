import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { compileWeft } from '../weft';
import type { ExecutableGraph } from '../weft/ir';
import { runGraphLocally } from './localRun';
import type { Outcome, ReadyInstance } from './scheduler';
import { join } from 'node:path';
import { examplesPath } from '../../test/support/executions';

function compile(code: string): ExecutableGraph {
  const result = compileWeft(code);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.graph!.executable;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('runGraphLocally', () => {
  it('runs lanes.weft to the end: eight priced lanes, one gathered null, the summary shown', async () => {
    const graph = compile(readFileSync(join(examplesPath, 'lanes.weft'), 'utf8'));
    const runNode = async (ready: ReadyInstance): Promise<Outcome> => {
      await tick();
      switch (ready.nodeId) {
        case 'orders':
          return { status: 'completed', outputs: { items: [1, 2, 3, 4, 5, 6, 7, 8].map((qty) => ({ qty, unit: 2.5 })) } };
        case 'tax':
          return { status: 'completed', outputs: { value: 0.2 } };
        case 'price_all.price': {
          const qty = (ready.inputs.order as { qty: number }).qty;
          return { status: 'completed', outputs: { total: qty === 5 ? null : qty } };
        }
        case 'report':
          return { status: 'completed', outputs: { summary: JSON.stringify(ready.inputs.totals) } };
        default:
          return { status: 'completed', outputs: {} };
      }
    };
    const result = await runGraphLocally(graph, runNode);
    expect(result.status).toBe('completed');
    expect(result.runs.filter((r) => r.nodeId === 'price_all.price')).toHaveLength(8);
    expect(result.runs.find((r) => r.nodeId === 'out')).toMatchObject({ status: 'completed', inputs: { data: '[1,2,3,4,null,6,7,8]' } });
  });

  it('never runs more nodes at once than the concurrency limit', async () => {
    const graph = compile(Array.from({ length: 10 }, (_, i) => `n${i} = Text { value: "${i}" }`).join('\n'));
    let running = 0;
    let most = 0;
    const runNode = async (): Promise<Outcome> => {
      most = Math.max(most, ++running);
      await tick();
      running--;
      return { status: 'completed', outputs: { value: 'x' } };
    };
    const result = await runGraphLocally(graph, runNode, { concurrency: 3 });
    expect(result.counts.completed).toBe(10);
    expect(most).toBe(3);
  });

  it('fails a node whose run throws, with the message, and skips what needs it', async () => {
    const graph = compile('a = Text { value: "a" }\nb = Template(x: String) { template: "{{x}}" }\nb.x = a.value');
    const result = await runGraphLocally(graph, async () => {
      throw new Error('the disk is full');
    });
    expect(result.status).toBe('failed');
    expect(result.failed).toEqual([{ nodeId: 'a', lane: [], error: 'the disk is full' }]);
    expect(result.runs.find((r) => r.nodeId === 'b')).toMatchObject({ status: 'skipped' });
  });

  it('reports mocked nodes as completed without running them', async () => {
    const graph = compile('a = Text { value: "a" }');
    const result = await runGraphLocally(graph, async () => ({ status: 'failed', error: 'ran' }), { mocks: { a: { value: 'm' } } });
    expect(result.runs).toEqual([{ nodeId: 'a', lane: [], inputs: {}, outputs: { value: 'm' }, status: 'completed', mocked: true }]);
  });
});
