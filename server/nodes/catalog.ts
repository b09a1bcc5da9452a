/** The node catalog: the one list of node types that the checker, the executor and the SPA palette read. */
import { z } from 'zod';
import { annotationNode } from './canvas/annotation';
import { apiPostNode } from './triggers/apiPost';
import { booleanNode } from './data/boolean';
import { cronNode } from './triggers/cron';
import { dateNode } from './data/date';
import { debugNode } from './debug/debug';
import type { NodeCategory, NodeDefinition, PortSpec } from './definition';
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
import { postgresDatabaseNode } from './storage/postgresDatabase';
import { memoryStoreNode } from './storage/memoryStore';
import { memoryQueryNode } from './storage/memoryQuery';
import { memoryDeleteNode } from './storage/memoryDelete';

/** Groups are understood by the compiler itself; they have no definition here. */
export const GROUP_TYPE = 'Group';

const definitions: NodeDefinition[] = [
  textNode, numberNode, booleanNode, listNode, dictNode, dateNode, debugNode, templateNode, gateNode,
  packNode, unpackNode, execPythonNode, httpNode, llmConfigNode, llmInferenceNode, humanQueryNode,
  humanTriggerNode, cronNode, apiPostNode, annotationNode,
  postgresDatabaseNode, memoryStoreNode, memoryQueryNode, memoryDeleteNode,
];

export const catalog: ReadonlyMap<string, NodeDefinition> = new Map(definitions.map((d) => [d.type, d]));

export function nodeDefinition(type: string): NodeDefinition | undefined {
  return catalog.get(type);
}

/** Every type name a declaration may use, Group included. */
export function nodeTypeNames(): string[] {
  return [...catalog.keys(), GROUP_TYPE];
}

export interface PaletteEntry {
  type: string;
  description: string;
  category: NodeCategory | 'Groups';
  inputs: PortSpec[];
  outputs: PortSpec[];
  declaredInputs: NodeDefinition['declaredInputs'];
  declaredOutputs: NodeDefinition['declaredOutputs'];
  isTrigger: boolean;
  /** JSON Schema of the config settings. */
  configSchema: Record<string, unknown>;
}

/** The catalog as plain JSON, for the SPA's node palette. */
export function paletteEntries(): PaletteEntry[] {
  const entries: PaletteEntry[] = definitions.map((d) => ({
    type: d.type,
    description: d.description,
    category: d.category,
    inputs: d.inputs,
    outputs: d.outputs,
    declaredInputs: d.declaredInputs,
    declaredOutputs: d.declaredOutputs,
    isTrigger: d.isTrigger,
    configSchema: z.toJSONSchema(d.config, { unrepresentable: 'any' }) as Record<string, unknown>,
  }));
  entries.push({
    type: GROUP_TYPE,
    description: 'A node made of nodes: typed inputs and outputs, reached inside as self.',
    category: 'Groups',
    inputs: [],
    outputs: [],
    declaredInputs: 'any',
    declaredOutputs: 'any',
    isTrigger: false,
    configSchema: z.toJSONSchema(z.object({})) as Record<string, unknown>,
  });
  return entries;
}
