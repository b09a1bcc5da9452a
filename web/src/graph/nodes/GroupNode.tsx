import { memo, useContext } from 'react';
import type { NodeProps } from '@xyflow/react';
import { useNodeRunSummary } from '../../run/RunStoreContext';
import type { WeftFlowNode } from '../toFlow';
import { GroupToggleContext } from './groupToggle';
import { Ports } from './Ports';
import { RunBadges } from './RunBadges';

/** A group: a frame around its children when expanded, a node with its ports when collapsed. */
export const GroupNode = memo(function GroupNode({ id, data, selected }: NodeProps<WeftFlowNode>) {
  const run = useNodeRunSummary(id);
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
        <RunBadges run={run} />
      </header>
      <Ports inputs={node.inputs} outputs={node.outputs} inner />
    </div>
  );
});
