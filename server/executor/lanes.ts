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

/**
 * MAX_LANES_PER_NODE: a node whose lanes would exceed it fails at once, with a clear error,
 * instead of holding the event loop while it opens (and records) each of them. Set at start.
 */
let maxLanesPerNode = 10_000;

export function setMaxLanesPerNode(max: number): void {
  maxLanesPerNode = max;
}

/** Why a node may not run in this many lanes (all lane paths together), if it may not. */
export function tooManyLanes(nodeId: string, lanes: number): string | undefined {
  return lanes > maxLanesPerNode
    ? `${nodeId} would run in ${lanes} lanes; at most ${maxLanesPerNode} are allowed per node (MAX_LANES_PER_NODE): give it a shorter list, or split the list into batches`
    : undefined;
}
