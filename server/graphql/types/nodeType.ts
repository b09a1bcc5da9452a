import { paletteEntries, type PaletteEntry } from '../../nodes/catalog';
import { builder } from '../builder';

const PortSpecRef = builder.objectRef<PaletteEntry['inputs'][number]>('PortSpec').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    type: t.exposeString('type'),
    optional: t.boolean({ resolve: (port) => Boolean(port.optional) }),
  }),
});

const NodeTypeRef = builder.objectRef<PaletteEntry>('NodeType').implement({
  description: 'A node type of the catalog: what the palette offers and the checker enforces.',
  fields: (t) => ({
    type: t.exposeString('type'),
    description: t.exposeString('description'),
    category: t.exposeString('category'),
    inputs: t.field({ type: [PortSpecRef], description: 'Fixed inputs (declared ones come from the code).', resolve: (entry) => entry.inputs }),
    outputs: t.field({ type: [PortSpecRef], resolve: (entry) => entry.outputs }),
    acceptsDeclaredInputs: t.boolean({ resolve: (entry) => entry.declaredInputs === 'any' }),
    acceptsDeclaredOutputs: t.boolean({ resolve: (entry) => entry.declaredOutputs !== 'none' }),
    isTrigger: t.exposeBoolean('isTrigger'),
    configSchema: t.field({ type: 'JSON', description: 'JSON Schema of its config.', resolve: (entry) => entry.configSchema }),
  }),
});

builder.queryField('nodeTypes', (t) =>
  t.field({ type: [NodeTypeRef], description: 'The node catalog.', resolve: () => paletteEntries() }),
);
