import type { z } from 'zod';
import type { JsonValue } from '../weft/types';

export type NodeCategory = 'Data' | 'Flow' | 'Code' | 'AI' | 'Human' | 'Network' | 'Triggers' | 'Debug' | 'Canvas';

/** A port as the catalog states it; `type` is Weft type text such as `List[String]`. */
export interface PortSpec {
  name: string;
  type: string;
  optional?: boolean;
  description?: string;
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
  derivePorts?: DerivePorts;
  run?: NodeRun;
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
