import type { JsonValue } from '../../weft/types';
import { defineNode, isConfigObject, portSpecOf } from '../definition';
import { weftCatalogEntry } from '../weftCatalog';
import { fieldList, fieldListSchema, fieldPorts } from './formFields';

const catalogInputs = weftCatalogEntry('HumanTrigger')!.defaultInputs.map(portSpecOf);

/**
 * As in the reference (NODES.md 1.9): in a run another trigger started, every approve/reject field
 * reads as rejected (`{key}_rejected: true`); the other answers are null.
 */
function dormantAnswers(config: Record<string, JsonValue>): Record<string, JsonValue> {
  const rejected = fieldList(config.fields).flatMap((field) =>
    isConfigObject(field) && field.fieldType === 'approve_reject' && typeof field.key === 'string' ? [[`${field.key}_rejected`, true]] : [],
  );
  return Object.fromEntries(rejected);
}

export const humanTriggerNode = defineNode('HumanTrigger', {
  description: 'A form that starts an execution when a person submits it; each answer is an output.',
  category: 'Triggers',
  settings: {
    fields: fieldListSchema({ allowInputs: true, reservedInputs: catalogInputs.map((port) => port.name) }).optional(),
  },
  derivePorts(config) {
    const ports = fieldPorts(config.fields);
    return { inputs: [...ports.inputs, ...catalogInputs], outputs: ports.outputs };
  },
  dormantOutputs: dormantAnswers,
});
