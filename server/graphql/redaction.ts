import type { AuthContext } from '../auth/authorization';
import { grants } from '../auth/scopes';
import { weftCatalogEntries, weftCatalogEntry } from '../nodes/weftCatalog';
import type { GraphIR } from '../weft/ir';
import type { JsonValue } from '../weft/types';
import { compileInWorker } from './compiled';

/**
 * Credentials written in a project's code (an ApiPost `apiKey`, an LlmConfig `apiKey`, a
 * SlackConfig `botToken`… every config field whose catalog type is `api_key` or `password`)
 * are shown only to admins. Everyone else reads the code with each such value replaced by a
 * marker, line for line, so that positions, diagnostics and the drawn graph still match.
 */
export const redactedMarker = '<redacted>';
/** How a secret config value shows in a graph node's config below admin (as Trigger.config shows it). */
export const redactedConfigValue = '(set)';

const secretFieldTypes = new Set(['api_key', 'password']);

export function secretKeysOf(nodeType: string): string[] {
  return (weftCatalogEntry(nodeType)?.fields ?? []).filter((field) => secretFieldTypes.has(field.type)).map((field) => field.key);
}

/** Every key that is a secret of some node type: what is hidden when the code cannot be parsed into nodes. */
const everySecretKey = [...new Set(weftCatalogEntries().flatMap((entry) => secretKeysOf(entry.type)))];

/** True when the caller may read credentials: admins (and everyone when auth is off). Without a caller, no. */
export function seesSecrets(context: unknown): boolean {
  const caller = (context as Partial<AuthContext> | undefined)?.caller;
  return caller !== undefined && grants(caller.scopes, 'admin');
}

/**
 * The code with every secret config value replaced by the marker. With a graph, only the keys
 * that are secrets of each node's type, within that node's declaration; without one (code that
 * does not parse), every key that is a secret of any type, anywhere.
 */
export function redactCode(code: string, graph: Pick<GraphIR, 'nodes'> | null | undefined): string {
  const lines = code.split('\n');
  const regions = graph
    ? graph.nodes.flatMap((node) => {
        const keys = secretKeysOf(node.type);
        return keys.length > 0 ? [{ from: node.code.line - 1, to: node.code.endLine - 1, keys }] : [];
      })
    : [{ from: 0, to: lines.length - 1, keys: everySecretKey }];
  for (const { from, to, keys } of regions) {
    const first = Math.max(0, from);
    const last = Math.min(lines.length - 1, Math.max(first, to));
    const region = lines.slice(first, last + 1).join('\n');
    const redacted = redactValues(region, keys);
    if (redacted !== region) lines.splice(first, last - first + 1, ...redacted.split('\n'));
  }
  return lines.join('\n');
}

/** The code as this caller may read it: whole for admins, with its credentials redacted for everyone else. */
export async function readableCode(context: unknown, code: string, layout: string): Promise<string> {
  if (seesSecrets(context)) return code;
  return redactCode(code, (await compileInWorker(code, layout)).graph);
}

/** A graph node's config with its secret values shown as "(set)". */
export function redactConfig(nodeType: string, config: Record<string, JsonValue>): Record<string, JsonValue> {
  const keys = secretKeysOf(nodeType).filter((key) => config[key] !== undefined && config[key] !== null && config[key] !== '');
  if (keys.length === 0) return config;
  return { ...config, ...Object.fromEntries(keys.map((key) => [key, redactedConfigValue])) };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces the value after each `key:` (or `"key":`) in `text`, keeping its line breaks. */
function redactValues(text: string, keys: string[]): string {
  if (keys.length === 0) return text;
  const keyPattern = new RegExp(`(["']?)\\b(?:${keys.map(escapeRegExp).join('|')})\\1[ \\t]*:[ \\t]*`, 'g');
  let result = '';
  let copiedUpTo = 0;
  for (let match = keyPattern.exec(text); match; match = keyPattern.exec(text)) {
    const start = match.index + match[0].length;
    const end = valueEnd(text, start);
    if (end <= start) continue;
    const newlines = text.slice(start, end).split('\n').length - 1;
    const quote = text.startsWith('```', start) ? '```' : text[start] === '"' || text[start] === "'" ? text[start]! : '"';
    result += text.slice(copiedUpTo, start) + quote + redactedMarker + '\n'.repeat(newlines) + quote;
    copiedUpTo = end;
    keyPattern.lastIndex = end;
  }
  return result + text.slice(copiedUpTo);
}

/** Where the value starting at `start` ends: a ```block```, a quoted string, or a bare value up to `,`, `}` or the line's end. */
function valueEnd(text: string, start: number): number {
  if (text.startsWith('```', start)) {
    const close = text.indexOf('```', start + 3);
    return close < 0 ? text.length : close + 3;
  }
  const quote = text[start];
  if (quote === '"' || quote === "'") {
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === quote) return i + 1;
      else if (text[i] === '\n') return i;
    }
    return text.length;
  }
  let i = start;
  while (i < text.length && !/[,}\n]/.test(text[i]!)) i++;
  while (i > start && /\s/.test(text[i - 1]!)) i--;
  return i;
}
