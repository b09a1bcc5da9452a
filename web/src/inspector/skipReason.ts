import type { NodeRunSnapshot } from '../run/runState';

export type SkipReason = NonNullable<NodeRunSnapshot['skipReason']>;

const ended = { skipped: ', which was skipped', failed: ', which failed' } as Record<string, string>;

/** Where the null came from, e.g. `mid.text, which was skipped`, or `Middle (mid.text), …` when the node has a label. */
function source(reason: SkipReason, fromLabel?: string): string {
  const port = `${reason.fromNodeId}.${reason.fromPort}`;
  return `${fromLabel ? `${fromLabel} (${port})` : port}${ended[reason.fromStatus ?? ''] ?? ''}`;
}

/** The skip in a sentence: which required input got null, from which node (NODES.md 1.2). */
export function skipSentence(reason: SkipReason, fromLabel?: string): string {
  if (!reason.input) return `Skipped: ${reason.message}.`;
  const from = reason.fromNodeId && reason.fromPort ? ` from ${source(reason, fromLabel)}` : '';
  if (reason.group) return `Skipped with its group ${reason.group}: the group’s required input ${reason.input} got null${from}.`;
  return `Skipped: the required input ${reason.input} got null${from}.`;
}

/** The same, short enough for a node on the canvas: `data ← mid.text (skipped)`. */
export function skipGlimpse(reason: SkipReason): string {
  if (!reason.input) return reason.message;
  const status = reason.fromStatus === 'skipped' || reason.fromStatus === 'failed' ? ` (${reason.fromStatus})` : '';
  const from = reason.fromNodeId && reason.fromPort ? `${reason.fromNodeId}.${reason.fromPort}${status}` : 'config';
  return `${reason.group ? `${reason.group}.` : ''}${reason.input} ← null from ${from}`;
}
