import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { useNodeRunSummary } from '../../run/RunStoreContext';
import type { WeftFlowNode } from '../toFlow';
import { Ports } from './Ports';
import { RunBadges } from './RunBadges';

/** A node of the catalog (Text, ExecPython, Debug…): its label, type, ports and run state. */
export const BasicNode = memo(function BasicNode({ id, data, selected }: NodeProps<WeftFlowNode>) {
  const run = useNodeRunSummary(id);
  const { node } = data;
  return (
    <div className={`weft-node${selected ? ' selected' : ''}`} data-status={run?.status ?? 'idle'} data-node-id={id}>
      <header className="node-header">
        <span className="node-label">{node.label ?? node.localId}</span>
        <span className="node-type">{node.type}</span>
      </header>
      <Ports inputs={node.inputs} outputs={node.outputs} />
      <footer className="node-footer">
        <span className="node-id mono">{node.localId}</span>
        <RunBadges run={run} nodeType={node.type} />
      </footer>
    </div>
  );
});
