import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import type { WeftFlowNode } from '../toFlow';

/** A note on the canvas: it never runs and has no ports. */
export const AnnotationNode = memo(function AnnotationNode({ data, selected }: NodeProps<WeftFlowNode>) {
  const content = data.node.config && typeof data.node.config === 'object' && 'content' in data.node.config
    ? String((data.node.config as { content: unknown }).content)
    : data.node.label ?? '';
  return <div className={`weft-annotation${selected ? ' selected' : ''}`}>{content}</div>;
});
