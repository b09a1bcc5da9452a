import { describe, expect, it } from '@jest/globals';
import { checkOutputTypes } from './runNode';

describe('the output type check (NODES.md 1.4)', () => {
  const node = {
    outputs: [
      { name: 'n', type: 'Number', optional: true },
      { name: 'any', type: 'T', optional: true },
      { name: 'each', type: 'Number', optional: true, laneMode: 'expand' as const },
    ],
  };

  it('passes values that fit their declared types, nulls, unresolved types, and the lists an Expand output gives', () => {
    const result = checkOutputTypes(node, { ok: true, outputs: { n: 3, any: { a: 1 }, each: [1, 2, null] } });
    expect(result).toEqual({ ok: true, outputs: { n: 3, any: { a: 1 }, each: [1, 2, null] } });
    expect(checkOutputTypes(node, { ok: true, outputs: { n: null, any: null, each: null } }).ok).toBe(true);
  });

  it('fails the node when a value does not fit, naming the port, its type and what came', () => {
    const result = checkOutputTypes(node, { ok: true, outputs: { n: 'three', any: null, each: [1, 'two'] } });
    expect(result).toMatchObject({
      ok: false,
      error: 'type mismatch: output n is declared Number, but the node gave String "three"; output each is declared Number, but the node gave List[Number | String] [1,"two"]',
    });
  });
});
