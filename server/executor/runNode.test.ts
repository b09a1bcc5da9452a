import { describe, expect, it } from '@jest/globals';
import { checkOutputTypes } from './runNode';

describe('the output type check (NODES.md 1.4)', () => {
  const node = {
    outputs: [
      { name: 'n', type: 'Number', optional: true, connected: true },
      { name: 'label', type: 'String', optional: true, connected: true },
      { name: 'unread', type: 'Number', optional: true },
      { name: 'each', type: 'Number', optional: true, laneMode: 'expand' as const, connected: true },
    ],
  };

  it('passes values that fit their declared types and nulls', () => {
    const outputs = { n: 3, label: 'x', unread: 1, each: [1, 2, null] };
    expect(checkOutputTypes(node, { ok: true, outputs })).toEqual({ ok: true, outputs });
    expect(checkOutputTypes(node, { ok: true, outputs: { n: null, label: null, unread: null, each: null } }).ok).toBe(true);
  });

  it('checks only connected ports of lane mode Single, as the reference does', () => {
    const outputs = { n: 3, label: 'x', unread: 'not a number', each: ['not', 'numbers'] };
    expect(checkOutputTypes(node, { ok: true, outputs })).toEqual({ ok: true, outputs });
  });

  it('fails the node when a value does not fit, naming the port; only that port becomes null', () => {
    const result = checkOutputTypes(node, { ok: true, outputs: { n: 'three', label: 'kept', unread: null, each: null } });
    expect(result).toMatchObject({
      ok: false,
      error: `Output port 'n': expected Number, got String "three"`,
      outputs: { n: null, label: 'kept', unread: null, each: null },
    });
  });
});
