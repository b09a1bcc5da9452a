import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileWeft } from './compile';
import { examplesPath } from '../../test/support/executions';

const EXAMPLES = examplesPath;

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(source: string, next: () => number): string {
  const pick = (n: number) => Math.floor(next() * n);
  let text = source;
  const rounds = 1 + pick(4);
  for (let i = 0; i < rounds; i++) {
    const lines = text.split('\n');
    const at = pick(text.length + 1);
    const line = pick(lines.length);
    switch (pick(4)) {
      case 0:
        text = text.slice(0, at) + text.slice(at + 1 + pick(3));
        break;
      case 1:
        text = text.slice(0, at) + text.slice(at, at + 1 + pick(3)) + text.slice(at);
        break;
      case 2:
        lines.splice(line, 1);
        text = lines.join('\n');
        break;
      default:
        lines.splice(line, 0, lines[line] ?? '');
        text = lines.join('\n');
    }
  }
  return text;
}

describe('compiling mutated examples (deleted or duplicated characters and lines)', () => {
  const sources = readdirSync(EXAMPLES).filter((f) => f.endsWith('.weft')).map((f) => readFileSync(join(EXAMPLES, f), 'utf8'));

  // A hang fails through the test's time limit; speed itself is measured by bench/compile.ts.
  it('never throws or hangs, and always returns diagnostics with positions', () => {
    const next = random(20261124);
    for (let i = 0; i < 1500; i++) {
      const source = mutate(sources[i % sources.length]!, next);
      const result = compileWeft(source, '', { partial: true });
      for (const d of result.diagnostics) {
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.column).toBeGreaterThanOrEqual(1);
        expect(d.message.length).toBeGreaterThan(0);
      }
    }
  }, 60_000);

  it('stops at absurd nesting with a diagnostic instead of exhausting the stack', () => {
    const deepList = `x = List { value: ${'['.repeat(50_000)} }`;
    const deepType = `p = ExecPython(a: ${'List['.repeat(50_000)}String) { code: "x" }`;
    const deepGroups = `${'g = Group() {\n'.repeat(5_000)}`;
    for (const source of [deepList, deepType, deepGroups]) {
      const { diagnostics } = compileWeft(source);
      expect(diagnostics.some((d) => d.message.includes('nested more than'))).toBe(true);
    }
  });
});
