import { defineNode, outputsOf, portSpecOf } from '../definition';
import { weftCatalogEntry } from '../weftCatalog';
import { fieldListSchema, fieldPorts } from './formFields';

const catalogInputs = weftCatalogEntry('HumanQuery')!.defaultInputs.map(portSpecOf);

export const humanQueryNode = defineNode('HumanQuery', {
  description:
    'Pauses the execution on a form until a person answers. Fields fed by the graph become inputs; answers become outputs.',
  category: 'Human',
  settings: {
    fields: fieldListSchema({ allowInputs: true, reservedInputs: catalogInputs.map((port) => port.name) }).optional(),
  },
  /** Only a form without fields runs like this: it completes at once with its input, as in the reference (the executor asks a person otherwise). */
  async run(context) {
    return { outputs: outputsOf(context, context.inputs) };
  },
  derivePorts(config) {
    const ports = fieldPorts(config.fields);
    return { inputs: [...ports.inputs, ...catalogInputs], outputs: ports.outputs };
  },
});
