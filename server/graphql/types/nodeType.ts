import { paletteEntries, type PaletteEntry } from '../../nodes/catalog';
import { builder } from '../builder';

const PortSpecRef = builder.objectRef<PaletteEntry['inputs'][number]>('PortSpec').implement({
  description: "A port as Weft's catalog states it.",
  fields: (t) => ({
    name: t.exposeString('name'),
    type: t.exposeString('type', { description: 'Its Weft type, as the catalog writes it (`T` is a type variable, `MustOverride` a type the program declares).' }),
    optional: t.boolean({ resolve: (port) => !port.required }),
    required: t.exposeBoolean('required', { description: 'A required port that is wired and gets null skips the node (unless its type includes Null).' }),
    configurable: t.exposeBoolean('configurable', { description: 'A config value of the same name fills it when it is not wired.' }),
  }),
});

const ConfigFieldRef = builder.objectRef<PaletteEntry['fields'][number]>('ConfigField').implement({
  description: "A config field as Weft's catalog states it.",
  fields: (t) => ({
    key: t.exposeString('key'),
    label: t.exposeString('label'),
    fieldType: t.exposeString('fieldType', { description: 'text, textarea, number, checkbox, select, code, password, api_key, blob or form_builder' }),
    options: t.exposeStringList('options', { nullable: true }),
  }),
});

const NodeTypeRef = builder.objectRef<PaletteEntry>('NodeType').implement({
  description: 'A node type of the catalog: what the palette offers and the checker enforces.',
  fields: (t) => ({
    type: t.exposeString('type'),
    label: t.exposeString('label'),
    description: t.exposeString('description'),
    category: t.exposeString('category'),
    family: t.exposeString('family', { description: "Weft's catalog family (data, flow, transform, ai, …)." }),
    inputs: t.field({ type: [PortSpecRef], description: 'Fixed inputs (declared ones come from the code).', resolve: (entry) => entry.inputs }),
    outputs: t.field({ type: [PortSpecRef], resolve: (entry) => entry.outputs }),
    fields: t.field({ type: [ConfigFieldRef], description: 'Its config fields.', resolve: (entry) => entry.fields }),
    oneOfRequired: t.field({
      type: [['String']] as never,
      description: 'Groups of inputs of which at least one must carry a value.',
      resolve: (entry) => entry.oneOfRequired,
    }),
    acceptsDeclaredInputs: t.boolean({ resolve: (entry) => entry.declaredInputs === 'any' }),
    acceptsDeclaredOutputs: t.boolean({ resolve: (entry) => entry.declaredOutputs !== 'none' }),
    isTrigger: t.exposeBoolean('isTrigger'),
    configSchema: t.field({ type: 'JSON', description: 'JSON Schema of its config.', resolve: (entry) => entry.configSchema }),
  }),
});

builder.queryField('nodeTypes', (t) =>
  t.field({ type: [NodeTypeRef], description: 'The node catalog.', resolve: () => paletteEntries() }),
);
