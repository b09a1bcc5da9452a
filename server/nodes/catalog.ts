/** The node catalog: the one list of node types that the checker, the executor and the SPA palette read. */
import { z } from 'zod';
import { annotationNode } from './canvas/annotation';
import { apiPostNode } from './triggers/apiPost';
import { booleanNode } from './data/boolean';
import { cronNode } from './triggers/cron';
import { rssNode } from './triggers/rss';
import { dateNode } from './data/date';
import { debugNode } from './debug/debug';
import { defineNode, type NodeCategory, type NodeDefinition, type PortSpec } from './definition';
import { dictNode } from './data/dict';
import { execPythonNode } from './code/execPython';
import { gateNode } from './flow/gate';
import { httpNode } from './enrichment/http';
import { humanQueryNode } from './feedback/humanQuery';
import { humanTriggerNode } from './feedback/humanTrigger';
import { listNode } from './data/list';
import { llmConfigNode } from './ai/llmConfig';
import { llmInferenceNode } from './ai/llmInference';
import { numberNode } from './data/number';
import { packNode } from './transform/pack';
import { templateNode } from './transform/template';
import { textNode } from './data/text';
import { unpackNode } from './transform/unpack';
import { weftFamily } from './weftCatalog';
import { postgresDatabaseNode } from './storage/postgresDatabase';
import { memoryStoreNode } from './storage/memoryStore';
import { memoryQueryNode } from './storage/memoryQuery';
import { memoryDeleteNode } from './storage/memoryDelete';
import { credentialNode } from './data/credential';
import { imageNode } from './data/image';
import { audioNode } from './data/audio';
import { videoNode } from './data/video';
import { documentNode } from './data/document';
import { notifyNode } from './flow/notify';
import { stackDepthNode } from './flow/stackDepth';
import { stackTrimNode } from './flow/stackTrim';

/** Groups are understood by the compiler itself; they have no definition here. */
export const GROUP_TYPE = 'Group';

/**
 * A definition written without defineNode gets its interface from catalog.json here all the same:
 * its own config settings are kept (optional, as the reference requires none), its ports and
 * features are the catalog's.
 */
function withCatalogInterface(definition: NodeDefinition): NodeDefinition {
  if (definition.catalog) return definition;
  const settings = Object.fromEntries(Object.entries(definition.config.shape).map(([key, schema]) => [key, (schema as z.ZodType).optional()]));
  return defineNode(definition.type, {
    description: definition.description,
    category: definition.category,
    settings,
    runs: definition.runs,
    pure: definition.pure,
    derivePorts: definition.derivePorts,
    run: definition.run,
    dormantOutputs: definition.dormantOutputs,
  });
}

const definitions: NodeDefinition[] = [
  textNode, numberNode, booleanNode, listNode, dictNode, dateNode, debugNode, templateNode, gateNode,
  packNode, unpackNode, execPythonNode, httpNode, llmConfigNode, llmInferenceNode, humanQueryNode,
  humanTriggerNode, cronNode, rssNode, apiPostNode, annotationNode,
  postgresDatabaseNode, memoryStoreNode, memoryQueryNode, memoryDeleteNode,
  credentialNode,
  imageNode, audioNode, videoNode, documentNode, notifyNode, stackDepthNode, stackTrimNode,
].map(withCatalogInterface);

export const catalog: ReadonlyMap<string, NodeDefinition> = new Map(definitions.map((d) => [d.type, d]));

export function nodeDefinition(type: string): NodeDefinition | undefined {
  return catalog.get(type);
}

/** Every type name a declaration may use, Group included. */
export function nodeTypeNames(): string[] {
  return [...catalog.keys(), GROUP_TYPE];
}

/** A port as catalog.json states it: its Weft type as the reference writes it (`T`, `MustOverride`…). */
export interface PalettePort {
  name: string;
  type: string;
  required: boolean;
  /** False: only an edge fills it, never a config value. */
  configurable: boolean;
  description?: string;
}

/** A config field as catalog.json states it. */
export interface PaletteField {
  key: string;
  label: string;
  /** text, textarea, number, checkbox, select, code, password, api_key, blob, form_builder */
  fieldType: string;
  options?: string[];
}

export interface PaletteEntry {
  type: string;
  label: string;
  description: string;
  category: NodeCategory | 'Groups';
  /** Weft's family folder (data, flow, ai, …). */
  family: string;
  inputs: PalettePort[];
  outputs: PalettePort[];
  fields: PaletteField[];
  /** Port groups of which at least one needs a value (catalog features.oneOfRequired). */
  oneOfRequired: string[][];
  declaredInputs: NodeDefinition['declaredInputs'];
  declaredOutputs: NodeDefinition['declaredOutputs'];
  isTrigger: boolean;
  /** JSON Schema of the config settings. */
  configSchema: Record<string, unknown>;
}

function palettePort(port: PortSpec): PalettePort {
  const entry: PalettePort = { name: port.name, type: port.type, required: !port.optional, configurable: port.configurable !== false };
  if (port.description) entry.description = port.description;
  return entry;
}

/** The catalog as plain JSON, for the SPA's node palette: ports and fields as catalog.json states them. */
export function paletteEntries(): PaletteEntry[] {
  const entries: PaletteEntry[] = definitions.map((d) => ({
    type: d.type,
    label: d.catalog?.label ?? d.type,
    description: d.description,
    category: d.category,
    family: d.catalog ? weftFamily(d.catalog) : 'other',
    inputs: d.inputs.map(palettePort),
    outputs: d.outputs.map(palettePort),
    fields: (d.catalog?.fields ?? []).map((field) => ({
      key: field.key,
      label: field.label ?? field.key,
      fieldType: field.type,
      ...(field.options ? { options: field.options } : {}),
    })),
    oneOfRequired: d.catalog?.features.oneOfRequired ?? [],
    declaredInputs: d.declaredInputs,
    declaredOutputs: d.declaredOutputs,
    isTrigger: d.isTrigger,
    configSchema: z.toJSONSchema(d.config, { unrepresentable: 'any' }) as Record<string, unknown>,
  }));
  entries.push({
    type: GROUP_TYPE,
    label: GROUP_TYPE,
    description: 'A node made of nodes: typed inputs and outputs, reached inside as self.',
    category: 'Groups',
    family: 'layout',
    inputs: [],
    outputs: [],
    fields: [],
    oneOfRequired: [],
    declaredInputs: 'any',
    declaredOutputs: 'any',
    isTrigger: false,
    configSchema: z.toJSONSchema(z.object({})) as Record<string, unknown>,
  });
  return entries;
}
