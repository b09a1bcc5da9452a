import { describe, expect, it } from '@jest/globals';
import { compileWeft } from './compile';
import { layoutOf } from './ir';
import { autoLayout, parseLayout, printLayout } from './layout';

const PROGRAM = [
  'src = Text { value: "x" }',
  'g = Group(t: String) -> (o: String) {',
  '  inner = Template(t: String) { template: "{{t}}" }',
  '  inner.t = self.t',
  '  self.o = inner.text',
  '}',
  'g.t = src.value',
  'out = Debug',
  'out.data = g.o',
].join('\n');

describe('layout text', () => {
  it('reads id @layout X Y with an optional size and expanded flag, skipping comments and blank lines', () => {
    const layout = parseLayout('# positions\nsrc @layout 10 20\n\ng @layout -5.5 40 600x300 expanded\ng.inner @layout 40 60 expanded\n');
    expect(layout.diagnostics).toEqual([]);
    expect(layout.entries).toEqual([
      { id: 'src', x: 10, y: 20, expanded: false },
      { id: 'g', x: -5.5, y: 40, width: 600, height: 300, expanded: true },
      { id: 'g.inner', x: 40, y: 60, expanded: true },
    ]);
  });

  it('prints what it reads: the round trip is exact', () => {
    const text = 'src @layout 10 20\ng @layout -5.5 40 600x300 expanded\ng.inner @layout 40 60\n';
    expect(printLayout(parseLayout(text).entries)).toBe(text);
  });

  it('warns about lines it cannot read and ids placed twice, with their line', () => {
    const layout = parseLayout('src @layout 10\nsrc @layout 1 2\nsrc @layout 3 4');
    expect(layout.diagnostics.map((d) => [d.code, d.line, d.source])).toEqual([
      ['layout-syntax', 1, 'layout'],
      ['layout-duplicate', 3, 'layout'],
    ]);
  });

  it('gives compiled nodes their layout positions; the others are placed automatically', () => {
    const { graph, diagnostics } = compileWeft(PROGRAM, 'src @layout 100 200\ng @layout 400 200 expanded\ng.inner @layout 40 60\n');
    expect(diagnostics).toEqual([]);
    const byId = new Map(graph!.nodes.map((n) => [n.id, n]));
    expect(byId.get('src')).toMatchObject({ position: { x: 100, y: 200 }, placement: 'layout' });
    expect(byId.get('g.inner')).toMatchObject({ position: { x: 40, y: 60 }, placement: 'layout' });
    expect(byId.get('g')).toMatchObject({ expanded: true, size: { width: expect.any(Number), height: expect.any(Number) } });
    expect(byId.get('out')!.placement).toBe('auto');
  });

  it('positions survive a compile → layout text → compile round trip', () => {
    const first = compileWeft(PROGRAM, 'src @layout 100 200\ng @layout 400 200 500x300 expanded\n').graph!;
    const text = printLayout(layoutOf(first));
    const second = compileWeft(PROGRAM, text).graph!;
    expect(second.nodes.map((n) => [n.id, n.position, n.size, n.expanded])).toEqual(first.nodes.map((n) => [n.id, n.position, n.size, n.expanded]));
    expect(second.nodes.every((n) => n.placement === 'layout')).toBe(true);
  });

  it('reports layout lines for unknown ids, with a suggestion, without failing the compile', () => {
    const { graph, diagnostics } = compileWeft(PROGRAM, 'src @layout 0 0\ng.iner @layout 1 1\n');
    expect(graph).toBeDefined();
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'layout-unknown-id', line: 2, column: 1, source: 'layout',
        message: expect.stringContaining('(did you mean "g.inner"?)') }),
    ]);
  });

  it('places unplaced nodes in columns by data-flow depth, below the placed ones', () => {
    const boxes = autoLayout(
      [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'fixed' }],
      [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }],
      new Map([['fixed', { x: 0, y: 0, height: 100 }]]),
    );
    const a = boxes.get('a')!;
    expect(boxes.get('b')!.x).toBeGreaterThan(a.x);
    expect(boxes.get('c')!.x).toBeGreaterThan(boxes.get('b')!.x);
    expect(a.y).toBeGreaterThan(100);
    expect(boxes.get('fixed')).toEqual({ x: 0, y: 0, height: 100 });
  });
});
