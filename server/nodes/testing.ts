/** Builds the context the executor hands a node, for tests. */
import type { ConfigRecord, NodeRunContext } from './definition';
import type { JsonValue } from '../weft/types';
import { defaultNodeSettings } from './settings';

export interface TestRun {
  inputs?: Record<string, JsonValue>;
  config?: ConfigRecord;
  /** Output port names; `name?` marks one optional. */
  outputs?: string[];
  settings?: Partial<NodeRunContext['settings']>;
  signal?: AbortSignal;
}

export function runContext(run: TestRun = {}): NodeRunContext {
  return {
    nodeId: 'node',
    inputs: run.inputs ?? {},
    config: run.config ?? {},
    outputs: (run.outputs ?? []).map((name) => ({ name: name.replace(/\?$/, ''), type: 'JsonDict', optional: name.endsWith('?') })),
    settings: { ...defaultNodeSettings, ...run.settings },
    signal: run.signal ?? new AbortController().signal,
  };
}
