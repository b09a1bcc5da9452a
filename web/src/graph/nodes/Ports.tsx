import { Handle, Position } from '@xyflow/react';
import type { GraphNode } from '../toFlow';

type InputPort = GraphNode['inputs'][number];
type OutputPort = GraphNode['outputs'][number];

const laneMark = { expand: '⇶', gather: '⇉', single: '' } as const;

function inputTitle(port: InputPort): string {
  const lane = port.lane && port.lane.mode !== 'single' ? ` · ${port.lane.mode}s ${port.lane.depth} lane level${port.lane.depth === 1 ? '' : 's'}` : '';
  return `${port.name}: ${port.type}${port.optional ? ' (optional)' : ''}${lane}`;
}

/**
 * A node's ports as labelled rows with a handle each (handle id = port name). Groups pass
 * `inner` to add the handles their children connect to, on the inside of the frame.
 */
export function Ports({ inputs, outputs, inner = false }: { inputs: InputPort[]; outputs: OutputPort[]; inner?: boolean }) {
  if (inputs.length === 0 && outputs.length === 0) return null;
  return (
    <div className="ports">
      <ul className="ports-in">
        {inputs.map((port) => (
          <li key={port.name} className="port" title={inputTitle(port)} data-port={port.name}>
            <Handle type="target" position={Position.Left} id={port.name} />
            {inner && <Handle type="source" position={Position.Left} id={port.name} className="inner-handle" />}
            <span className="port-name">{port.name}{port.optional ? '?' : ''}</span>
            {port.lane && port.lane.mode !== 'single' && <span className="lane-mark">{laneMark[port.lane.mode]}</span>}
          </li>
        ))}
      </ul>
      <ul className="ports-out">
        {outputs.map((port) => (
          <li key={port.name} className="port" title={`${port.name}: ${port.type}`} data-port={port.name}>
            <span className="port-name">{port.name}</span>
            <Handle type="source" position={Position.Right} id={port.name} />
            {inner && <Handle type="target" position={Position.Right} id={port.name} className="inner-handle" />}
          </li>
        ))}
      </ul>
    </div>
  );
}
