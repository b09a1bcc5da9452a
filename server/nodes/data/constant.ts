import type { JsonValue } from '../../weft/types';
import type { NodeRun } from '../definition';

/**
 * The data primitives as the reference runs them (NODES.md 2.1), on config already coerced by field
 * type: Text gives its text or "", Number a number (unparseable text gives 0), Boolean true or false,
 * List and Dict their value, parsed when it is JSON text (unparseable text gives [] or {}).
 */
export const runText: NodeRun = async ({ config }) => ({ outputs: { value: typeof config.value === 'string' ? config.value : '' } });

export const runNumber: NodeRun = async ({ config }) => {
  const { value } = config;
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number.parseFloat(value) : Number.NaN;
  return { outputs: { value: Number.isFinite(number) ? number : 0 } };
};

export const runBoolean: NodeRun = async ({ config }) => ({ outputs: { value: config.value === true } });

function fromJsonText(value: JsonValue | undefined, fallback: JsonValue): JsonValue {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as JsonValue;
  } catch {
    return fallback;
  }
}

export const runList: NodeRun = async ({ config }) => ({ outputs: { value: fromJsonText(config.value, []) } });

export const runDict: NodeRun = async ({ config }) => ({ outputs: { value: fromJsonText(config.value, {}) } });
