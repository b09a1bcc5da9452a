import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileWeft } from './compile';
import type { GraphIR, IRNode } from './ir';
import { examplesPath } from '../../test/support/executions';

const EXAMPLES = examplesPath;

function compileExample(name: string): GraphIR {
  const result = compileWeft(readFileSync(join(EXAMPLES, name), 'utf8'));
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.graph!;
}

const node = (graph: GraphIR, id: string): IRNode => {
  const found = graph.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`no node ${id}`);
  return found;
};
const port = (ports: IRNode['inputs'], name: string) => ports.find((p) => p.name === name);
const edgeInto = (graph: GraphIR, target: string, port: string) =>
  graph.edges.find((e) => e.target.node === target && e.target.port === port);
const runnable = (graph: GraphIR, id: string) => graph.executable.nodes.find((n) => n.id === id)!;

describe('the shared example programs', () => {
  it.each(readdirSync(EXAMPLES).filter((f) => f.endsWith('.weft')))('%s compiles with no errors (warnings are what Weft warns about)', (file) => {
    const { graph, diagnostics } = compileWeft(readFileSync(join(EXAMPLES, file), 'utf8'));
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(graph).toBeDefined();
  });

  it('hello: ExecPython takes its declared ports and Pack bundles them', () => {
    const graph = compileExample('hello.weft');
    const sum = node(graph, 'sum');
    expect(sum.inputs.map((p) => [p.name, p.type, p.optional])).toEqual([['a', 'Number', false], ['b', 'Number', false]]);
    expect(sum.outputs.map((p) => [p.name, p.type])).toEqual([['stdout', 'String'], ['stderr', 'String'], ['total', 'Number'], ['note', 'String']]);
    expect(sum.config.code).toBe('return {"total": a + b, "note": f"{a} + {b}"}');
    expect(node(graph, 'bundle').outputs.map((p) => p.name)).toEqual(['out']);
    expect(edgeInto(graph, 'show', 'data')?.source).toEqual({ node: 'bundle', port: 'out' });
    expect(graph.executable.order).toEqual(['first', 'second', 'sum', 'bundle', 'show']);
  });

  it('lanes: a list expands into the group, the group gathers back into the report', () => {
    const graph = compileExample('lanes.weft');
    const group = node(graph, 'price_all');
    expect(group.kind).toBe('group');
    expect(port(group.inputs, 'order')?.lane).toEqual({ mode: 'expand', depth: 1 });
    expect(port(group.inputs, 'rate')?.lane).toEqual({ mode: 'single', depth: 0 });
    expect(port(node(graph, 'report').inputs, 'totals')?.lane).toEqual({ mode: 'gather', depth: 1 });

    const price = node(graph, 'price_all.price');
    expect(price).toMatchObject({ localId: 'price', parent: 'price_all', scope: ['price_all'], laneDepth: 1 });
    expect(port(price.outputs, 'total')).toMatchObject({ type: 'Number', optional: true });
    expect(edgeInto(graph, 'price_all.price', 'order')).toMatchObject({ kind: 'groupInput', source: { node: 'price_all', port: 'order' } });
    expect(graph.edges.find((e) => e.kind === 'groupOutput')?.source).toEqual({ node: 'price_all.price', port: 'total' });
  });

  it('lanes: the executor sees the child wired straight to the producers, through the group', () => {
    const graph = compileExample('lanes.weft');
    expect(graph.executable.nodes.map((n) => n.id)).not.toContain('price_all');
    const price = runnable(graph, 'price_all.price');
    expect(price.laneDepth).toBe(1);
    expect(price.inputs.find((i) => i.name === 'order')).toMatchObject({ source: { node: 'orders', port: 'items' }, lane: { mode: 'expand', depth: 1 } });
    expect(price.inputs.find((i) => i.name === 'rate')).toMatchObject({ source: { node: 'tax', port: 'value' }, lane: { mode: 'single' } });
    const report = runnable(graph, 'report');
    expect(report.laneDepth).toBe(0);
    expect(report.inputs[0]).toMatchObject({ source: { node: 'price_all.price', port: 'total' }, lane: { mode: 'gather', depth: 1 } });
  });

  it('approval: HumanQuery ports come from its fields', () => {
    const graph = compileExample('approval.weft');
    const review = node(graph, 'review');
    expect(review.inputs.map((p) => [p.name, p.optional])).toEqual([['context', true], ['customer', false], ['reply', false]]);
    expect(review.outputs.map((p) => [p.name, p.type])).toEqual([
      ['reply', 'String'], ['tone', 'String'], ['decision_approved', 'Boolean'], ['decision_rejected', 'Boolean'],
    ]);
    expect(node(graph, 'draft').config.template).toBe('Hello {{name}}, we are sorry about: {{issue}}. A refund is on its way.');
    expect(edgeInto(graph, 'send_gate', 'pass')?.source).toEqual({ node: 'review', port: 'decision_approved' });
  });

  it('failure: Debug data is a required input (a null skips it) and both branches are wired', () => {
    const graph = compileExample('failure.weft');
    expect(port(node(graph, 'maybe').inputs, 'data')).toMatchObject({ optional: false, type: 'Number' });
    expect(runnable(graph, 'after_broken').inputs.find((i) => i.name === 'v')?.source).toEqual({ node: 'broken', port: 'value' });
    expect(node(graph, 'broken').config.code).toBe('return {"value": 1 / 0}');
  });

  it('nightly: Cron is a trigger; Http takes url and method as config fields', () => {
    const graph = compileExample('nightly.weft');
    expect(node(graph, 'tick')).toMatchObject({ isTrigger: true, label: 'Every minute' });
    expect(node(graph, 'page').inputs.map((p) => p.name)).toEqual(['body', 'headers']);
    expect(runnable(graph, 'page').config).toMatchObject({ url: 'http://127.0.0.1:4000/health', method: 'GET' });
    expect(edgeInto(graph, 'stamp', 'at')?.source).toEqual({ node: 'tick', port: 'scheduledTime' });
  });

  it('webhook: ApiPost outputs are its declared body fields plus receivedAt', () => {
    const graph = compileExample('webhook.weft');
    const hook = node(graph, 'hook');
    expect(hook.isTrigger).toBe(true);
    expect(hook.outputs.map((p) => [p.name, p.type, p.declared])).toEqual([
      ['receivedAt', 'String', false], ['city', 'String', true], ['degrees', 'Number', true],
    ]);
  });

  it('places every node automatically when there is no layout, by data-flow depth', () => {
    const graph = compileExample('hello.weft');
    expect(graph.nodes.every((n) => n.placement === 'auto')).toBe(true);
    const x = (id: string) => node(graph, id).position.x;
    expect(x('first')).toBe(x('second'));
    expect(x('first')).toBeLessThan(x('sum'));
    expect(x('sum')).toBeLessThan(x('bundle'));
    expect(x('bundle')).toBeLessThan(x('show'));
  });
});
