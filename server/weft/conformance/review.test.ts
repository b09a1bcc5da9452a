/** Cases found by review: programs written as users write them, checked against what LANGUAGE.md says the reference does. */
import { describe, expect, it } from '@jest/globals';
import { accepted, input, node, program, rejected } from './support';

describe('review: declarations', () => {
  it('§3.2 two arrow clauses before the body: the reference\'s own message, at the header line', () => {
    const code = program(
      'src = Text { value: "x" }',
      'ask = ExecPython(q: String) -> (a: String) -> (b: String) {',
      '  code: "return {}"',
      '}',
    );
    rejected(code, 2, 'Two arrow clauses before the config block. You wrote: Type -> (out: T) -> (extra: T2) { config }. Fix: merge both port lists into one');
  });
});

describe('review: groups', () => {
  it('§8.5/§10 a group input created by an outer edge takes the type of its source', () => {
    const { graph } = accepted(program(
      'src = Text { value: "x" }',
      'g = Group(q: String?) -> (o: String) {',
      '  t = Template { template: "{{z}}" }',
      '  t.z = self.zz',
      '  self.o = t.text',
      '}',
      'g.zz = src.value',
      'd = Debug',
      'd.data = g.o',
    ));
    expect(input(graph, 'g', 'zz')).toMatchObject({ type: 'String', optional: false });
    expect(input(graph, 'g.t', 'z')?.type).toBe('String');
  });

  it('§9.1/§10 a group port typed by a type variable shows the type its boundary resolved to', () => {
    const { graph } = accepted(program(
      'items = List -> (value: List[Number]) {',
      '  value: [1, 2]',
      '}',
      'g = Group(xs: T) -> (ys: List[Number]) {',
      '  self.ys = self.xs',
      '}',
      'g.xs = items.value',
      'd = Debug',
      'd.data = g.ys',
    ));
    expect(node(graph, 'g').inputs.map((p) => `${p.name}: ${p.type}`)).toEqual(['xs: List[Number]']);
  });
});

describe('review: robustness (no input crashes or hangs the compiler)', () => {
  it('§5 inline expressions nested past the limit are an error, not a stack overflow', () => {
    const depth = 3000;
    const code = program(
      'h = Debug {',
      ...Array.from({ length: depth }, (_, i) => `  data${i}: Template {`),
      '    template: "deep"',
      ...Array.from({ length: depth }, () => '  }.text'),
      '}',
    );
    rejected(code, 102, 'Inline expressions nested more than 100 levels deep');
  });

  it('§5 unclosed nested inline bodies are each reported once per level, in time linear in the program', () => {
    const depth = 40;
    const code = program('h = Debug {', ...Array.from({ length: depth }, (_, i) => `  data${i}: Template {`));
    const { errors } = rejected(code, 3, 'Unclosed inline expression body');
    expect(errors.filter((e) => e.message === 'Unclosed inline expression body').length).toBeLessThan(depth * depth);
  });
});
