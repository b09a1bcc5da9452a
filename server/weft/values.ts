/** Config values: from syntax to JSON, and from a JSON path back to where it was written. */
import type { ConfigEntry, Span, ValueNode } from './ast';
import type { JsonValue } from './types';

export function toJson(value: ValueNode): JsonValue {
  switch (value.kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return value.value;
    case 'null':
      return null;
    case 'array':
      return value.items.map(toJson);
    case 'object':
      return Object.fromEntries(value.entries.map((entry) => [entry.key, toJson(entry.value)]));
  }
}

/** The span of the value at `path` (a config key, then list indexes and object keys), as deep as it exists. */
export function spanAtPath(entries: ConfigEntry[], path: readonly PropertyKey[], fallback: Span): Span {
  const [key, ...rest] = path;
  const entry = entries.find((e) => e.key === key);
  if (!entry) return fallback;
  let value = entry.value;
  for (const step of rest) {
    const next =
      value.kind === 'array' && typeof step === 'number'
        ? value.items[step]
        : value.kind === 'object'
          ? value.entries.find((e) => e.key === step)?.value
          : undefined;
    if (!next) break;
    value = next;
  }
  return value.span;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? String(step) : `.${String(step)}`))
    .join('');
}
