/** Lane paths: the index of a parallel lane at each level of nesting, outermost first; [] outside lanes. */
import type { JsonValue } from '../weft/types';

export type LanePath = readonly number[];

export function laneKey(path: LanePath): string {
  return path.join('.');
}

/** Lane order: index by index, a shorter path (a parent lane) before the lanes inside it. */
export function compareLanes(a: LanePath, b: LanePath): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const diff = a[i]! - b[i]!;
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

/** The element of nested lists at these indices; null where there is no such element. */
export function descend(value: JsonValue, indices: LanePath): JsonValue {
  let at = value;
  for (const index of indices) {
    if (!Array.isArray(at)) return null;
    at = at[index] ?? null;
  }
  return at;
}
