import { memo, useContext } from 'react';
import type { NodeProps } from '@xyflow/react';
import { useGroupRunSummary, type GroupRunSummary } from '../groupRun';
import type { WeftFlowNode } from '../toFlow';
import { GroupToggleContext } from './groupToggle';
import { Ports } from './Ports';

/**
 * A group: a frame around its children when expanded, a node with its ports when collapsed;
 * either way its header shows the run of its nodes (status, lanes, how many failed or skipped).
 */
export const GroupNode = memo(function GroupNode({ id, data, selected }: NodeProps<WeftFlowNode>) {
  const run = useGroupRunSummary(data.members ?? noMembers);
  const toggle = useContext(GroupToggleContext);
  const { node, expanded } = data;
  return (
    <div
      className={`weft-node weft-group ${expanded ? 'expanded' : 'collapsed'}${selected ? ' selected' : ''}`}
      data-status={run?.status ?? 'idle'}
      data-node-id={id}
    >
      <header className="node-header group-header">
        <button
          type="button"
          className="group-toggle nodrag"
          aria-expanded={expanded}
          aria-label={expanded ? `Collapse ${node.localId}` : `Expand ${node.localId}`}
          onClick={(event) => {
            event.stopPropagation();
            toggle(id, !expanded);
          }}
        >
          {expanded ? '▾' : '▸'}
        </button>
        <span className="node-label">{node.label ?? node.localId}</span>
        <span className="node-type">Group</span>
      </header>
      <GroupRunBadges run={run} />
      <Ports inputs={node.inputs} outputs={node.outputs} inner />
    </div>
  );
});

const noMembers: readonly string[] = [];

function GroupRunBadges({ run }: { run: GroupRunSummary | undefined }) {
  if (!run) return null;
  return (
    <div className="group-run" aria-label="Run of the group">
      <span className="node-status-label">{run.status.replaceAll('_', ' ')}</span>
      {run.lanes > 0 && <span className="lane-badge">{run.lanes} lane{run.lanes === 1 ? '' : 's'}</span>}
      {run.failed > 0 && <span className="group-count group-failed">{run.failed} failed</span>}
      {run.skipped > 0 && <span className="group-count group-skipped">{run.skipped} skipped</span>}
    </div>
  );
}
