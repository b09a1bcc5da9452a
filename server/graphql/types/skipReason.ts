import { builder } from '../builder';

/** A skip as the executor recorded it in the node run's details: `{reason, cause?}` (server/executor/scheduler.ts). */
export interface SkipReason {
  message: string;
  input: string | null;
  group: string | null;
  fromNodeId: string | null;
  fromPort: string | null;
  fromStatus: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export function skipReasonOf(status: string, details: unknown): SkipReason | null {
  if (status !== 'skipped' || !details || typeof details !== 'object') return null;
  const { reason, cause } = details as { reason?: unknown; cause?: unknown };
  const message = text(reason);
  if (!message) return null;
  const parts = cause && typeof cause === 'object' ? (cause as Record<string, unknown>) : {};
  return {
    message,
    input: text(parts.input),
    group: text(parts.group),
    fromNodeId: text(parts.fromNode),
    fromPort: text(parts.fromPort),
    fromStatus: text(parts.fromStatus),
  };
}

export const SkipReasonRef = builder.objectRef<SkipReason>('SkipReason').implement({
  description: 'Why a node run was skipped (NODES.md 1.2): a required input got null, from the node that gave it.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'The reason in words, e.g. "required input data is null (fetch was skipped)".' }),
    input: t.exposeString('input', { nullable: true, description: 'The required input that got null; for a node skipped with its group, the group’s input. Null for @require_one_of.' }),
    group: t.exposeString('group', { nullable: true, description: 'The enclosing group that skipped, when the node skipped with its group.' }),
    fromNodeId: t.exposeString('fromNodeId', { nullable: true, description: 'The node the null came from.' }),
    fromPort: t.exposeString('fromPort', { nullable: true, description: 'That node’s output port.' }),
    fromStatus: t.exposeString('fromStatus', { nullable: true, description: 'How that node ended: completed (it gave null), skipped or failed.' }),
  }),
});
