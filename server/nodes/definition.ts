import { z } from 'zod';
import type { JsonValue } from '../weft/types';
import { weftCatalogEntry, type WeftCatalogEntry, type WeftCatalogField, type WeftCatalogPort } from './weftCatalog';

export type NodeCategory = 'Data' | 'Flow' | 'Code' | 'AI' | 'Human' | 'Network' | 'Triggers' | 'Debug' | 'Canvas';

/** A port as the catalog states it; `type` is Weft type text such as `List[String]`. */
export interface PortSpec {
  name: string;
  /** As catalog.json writes it: type variables (`T`, `T1`…) and `MustOverride` are resolved by the compiler. */
  type: string;
  optional?: boolean;
  description?: string;
  /** False: only an edge fills it, never a config value of the same name. */
  configurable?: boolean;
  /** Set by the catalog for the few ports whose lane mode is fixed (StackDepth, StackTrim). */
  laneMode?: string;
}

export interface NodePorts {
  inputs: PortSpec[];
  outputs: PortSpec[];
}

export type ConfigRecord = Record<string, JsonValue>;

/** A problem with a node's config or declared ports; `path` points into the config (empty: the node itself). */
export interface ConfigProblem {
  path: (string | number)[];
  message: string;
  severity?: 'error' | 'warning';
}

export interface DerivedPorts extends NodePorts {
  problems?: ConfigProblem[];
}

/**
 * How a node's ports follow from its config and from the ports its declaration lists.
 * Must be total: it gets whatever the user wrote, valid or not.
 */
export type DerivePorts = (config: ConfigRecord, declared: Partial<NodePorts>) => DerivedPorts;

/** Server-wide limits and endpoints that nodes run with (filled from the environment by server/config.ts). */
export interface NodeSettings {
  python: { binary: string; timeoutMs: number; memoryMb: number };
  http: { timeoutMs: number; maxBodyBytes: number };
  llm: {
    baseUrl?: string;
    apiKey?: string;
    timeoutMs: number;
    /** USD per million tokens, by model name. */
    prices: Record<string, { inputPerMillionUsd: number; outputPerMillionUsd: number }>;
  };
}

/** What the executor hands a node when it runs it, inside a journaled step. */
export interface NodeRunContext {
  nodeId: string;
  /** The execution this run belongs to (absent when a node runs outside one, as in unit tests). */
  executionId?: string;
  /** Every input port, resolved (edge, else config value); null when it received null or is an unwired optional input. */
  inputs: Record<string, JsonValue>;
  config: ConfigRecord;
  /** This node's output ports. */
  outputs: { name: string; type: string; optional: boolean }[];
  settings: NodeSettings;
  /** Aborted when the execution is cancelled. */
  signal: AbortSignal;
}

export interface NodeRunResult {
  /** One entry per output port (a missing one becomes null). */
  outputs: Record<string, JsonValue>;
  /** Decimal string, e.g. "0.0000125". */
  costUsd?: string;
  /** Shown in the node inspector: stdout/stderr, HTTP status, tokens, model… */
  details?: Record<string, JsonValue>;
}

export type NodeRun = (context: NodeRunContext) => Promise<NodeRunResult>;

/** Thrown by run() when the node fails: its message is what the user sees; details (e.g. a Python traceback) are recorded too. */
export class NodeFailure extends Error {
  constructor(
    message: string,
    readonly details?: Record<string, JsonValue>,
  ) {
    super(message);
    this.name = 'NodeFailure';
  }
}

/** The outputs of a run, one per output port of the node: values it did not give become null. */
export function outputsOf(context: Pick<NodeRunContext, 'outputs'>, values: Record<string, JsonValue | undefined>): Record<string, JsonValue> {
  return Object.fromEntries(context.outputs.map((port) => [port.name, values[port.name] ?? null]));
}

export interface NodeDefinition {
  type: string;
  /**
   * The type's interface in Weft's catalog.json: the one source of its ports, fields and features
   * (set by defineNode; the catalog sets it for a definition written without).
   */
  catalog?: WeftCatalogEntry;
  description: string;
  category: NodeCategory;
  inputs: PortSpec[];
  outputs: PortSpec[];
  /** `any`: the declaration may list its own inputs. */
  declaredInputs: 'none' | 'any';
  /** `any`: its own outputs; `narrow`: only the fixed outputs, with a narrower type. */
  declaredOutputs: 'none' | 'any' | 'narrow';
  /** Config settings (ports filled from config are checked against the port type instead). */
  config: z.ZodObject;
  /** Starts executions (Cron, ApiPost, HumanTrigger). */
  isTrigger: boolean;
  /** False for canvas-only nodes such as Annotation. */
  runs: boolean;
  /** See NodeBehaviour.pure. */
  pure?: boolean;
  derivePorts?: DerivePorts;
  run?: NodeRun;
  /**
   * A trigger's outputs in a run that another trigger (or a person, by hand) started. Without it
   * every output is null, so what follows skips; a few reference triggers emit something instead.
   */
  dormantOutputs?: (config: ConfigRecord) => Record<string, JsonValue>;
}

/** What a node type's own file adds to its catalog.json interface. */
export interface NodeBehaviour {
  description: string;
  category: NodeCategory;
  /**
   * Config settings checked more strictly than their catalog field type (e.g. a cron expression), and
   * settings of ours the reference lacks (each documented where it is declared).
   */
  settings?: Record<string, z.ZodType>;
  /** False for canvas-only nodes such as Annotation. */
  runs?: boolean;
  /**
   * Its run is a quick function of its inputs and config alone: no I/O, no clock, no randomness.
   * The executor runs it in the workflow itself rather than in a journaled step of its own, as
   * workflow code: a replay computes it again and gets the same outputs.
   */
  pure?: boolean;
  derivePorts?: DerivePorts;
  run?: NodeRun;
  dormantOutputs?: NodeDefinition['dormantOutputs'];
  /** Output port descriptions, by name (the catalog has none). */
  outputDescriptions?: Record<string, string>;
}

export function portSpecOf(port: WeftCatalogPort): PortSpec {
  const spec: PortSpec = { name: port.name, type: port.portType, optional: !port.required };
  if (port.configurable === false) spec.configurable = false;
  if (port.laneMode) spec.laneMode = port.laneMode;
  return spec;
}

const nullable = (schema: z.ZodType) => z.union([schema, z.null()]).optional();

/**
 * How a catalog field is checked in code. Lenient like the reference's config coercion (1.5): text
 * fields take numbers and booleans (they become text), number fields take numeric text.
 */
export function fieldSchema(field: WeftCatalogField): z.ZodType {
  const scalar = z.union([z.string(), z.number(), z.boolean()], { error: `${field.key} is text, a number or true/false` });
  switch (field.type) {
    case 'text': case 'textarea': case 'code': case 'password':
      return nullable(scalar);
    case 'number':
      return nullable(z.union([z.number(), z.boolean(), z.string().regex(/^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/)], {
        error: `${field.key} is a number`,
      }));
    case 'checkbox':
      return nullable(scalar);
    case 'select': case 'api_key':
      return nullable(z.string({ error: `${field.key} is text` }));
    case 'multiselect':
      return nullable(z.array(z.string()));
    default:
      return nullable(z.json());
  }
}

/** Config as the reference's runner hands it to a node (1.5): values coerced by the type of their field. */
export function coerceConfig(fields: readonly WeftCatalogField[], config: ConfigRecord): ConfigRecord {
  const coerced: ConfigRecord = { ...config };
  for (const field of fields) {
    const value = config[field.key];
    if (value === undefined || value === null) continue;
    if (field.type === 'number') {
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) coerced[field.key] = Number(value);
      else if (typeof value === 'boolean') coerced[field.key] = value ? 1 : 0;
    } else if (field.type === 'checkbox') {
      if (typeof value === 'string') coerced[field.key] = value === 'true' || value === '1';
      else if (typeof value === 'number') coerced[field.key] = value !== 0;
    } else if (['text', 'textarea', 'code', 'password'].includes(field.type)) {
      if (typeof value === 'number' || typeof value === 'boolean') coerced[field.key] = String(value);
    }
  }
  return coerced;
}

/**
 * A node type: its interface read from catalog.json (ports, fields, features), plus what its file
 * adds (run(), stricter settings, derived ports). New node types are one file calling this.
 */
export function defineNode(type: string, behaviour: NodeBehaviour): NodeDefinition {
  const entry = weftCatalogEntry(type);
  if (!entry) throw new Error(`${type} is not in catalog.json: every node type has its interface there`);
  const { features } = entry;
  const inputNames = new Set(entry.defaultInputs.map((port) => port.name));
  // A field of the same name as an input port is that port's config fill, checked against the port's type.
  const fields = entry.fields.filter((field) => !inputNames.has(field.key));
  const config = z.object({
    ...Object.fromEntries(fields.map((field) => [field.key, fieldSchema(field)])),
    ...behaviour.settings,
  });
  const describe = (spec: PortSpec): PortSpec => {
    const description = behaviour.outputDescriptions?.[spec.name];
    return description ? { ...spec, description } : spec;
  };
  return {
    type,
    catalog: entry,
    description: behaviour.description,
    category: behaviour.category,
    inputs: entry.defaultInputs.map(portSpecOf),
    outputs: entry.defaultOutputs.map(portSpecOf).map(describe),
    declaredInputs: features.canAddInputPorts ? 'any' : 'none',
    declaredOutputs: features.canAddOutputPorts ? 'any' : 'narrow',
    config,
    isTrigger: features.isTrigger === true,
    runs: behaviour.runs ?? true,
    pure: behaviour.pure ?? false,
    derivePorts: behaviour.derivePorts,
    run: behaviour.run,
    dormantOutputs: behaviour.dormantOutputs,
  };
}

/** Fixed ports plus declared ones, as the definition allows; a declared port replaces a fixed one of the same name. */
export function defaultPorts(definition: NodeDefinition, declared: Partial<NodePorts>): NodePorts {
  const merge = (fixed: PortSpec[], extra: PortSpec[]): PortSpec[] => [
    ...fixed.map((port) => extra.find((p) => p.name === port.name) ?? port),
    ...extra.filter((p) => !fixed.some((port) => port.name === p.name)),
  ];
  const inputs = definition.declaredInputs === 'any' ? merge(definition.inputs, declared.inputs ?? []) : definition.inputs;
  const outputs =
    definition.declaredOutputs === 'none'
      ? definition.outputs
      : definition.declaredOutputs === 'narrow'
        ? merge(definition.outputs, (declared.outputs ?? []).filter((p) => definition.outputs.some((o) => o.name === p.name)))
        : merge(definition.outputs, declared.outputs ?? []);
  return { inputs, outputs };
}

export function portsOf(definition: NodeDefinition, config: ConfigRecord, declared: Partial<NodePorts>): DerivedPorts {
  return definition.derivePorts ? definition.derivePorts(config, declared) : defaultPorts(definition, declared);
}

export const isConfigObject = (value: unknown): value is ConfigRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
