import type { NodeTypes } from '@xyflow/react';
import { AnnotationNode } from './AnnotationNode';
import { BasicNode } from './BasicNode';
import { GroupNode } from './GroupNode';

/** One component per node family; defined once, outside any component, as React Flow asks. */
export const nodeTypes: NodeTypes = { basic: BasicNode, group: GroupNode, annotation: AnnotationNode };
