/** Text-level helpers of the line parser: values (LANGUAGE.md §1.3–§1.7), splitting, brackets and port lists. */
import type { ParsedPort } from './ast';
import type { JsonValue } from './types';

export const IDENT = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** `key: value` on a trimmed line. */
export const KEY_VALUE = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*:\s*(.+)$/;

/** Decodes \n \t \r \" \\ ; any other backslash pair is kept as written. */
export function unescapeString(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      const next = text[i + 1]!;
      out += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next === '"' ? '"' : next === '\\' ? '\\' : c + next;
      i++;
      continue;
    }
    out += c;
  }
  return out;
}

/** A label: quoted text is unescaped, anything else is taken as written. */
export function parseLabel(raw: string): string {
  const text = raw.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return unescapeString(text.slice(1, -1));
  return text;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/** A literal right-hand side of a connection line (§4.2), or undefined when the text is none. */
export function tryParseLiteral(raw: string): JsonValue | undefined {
  const s = raw.trim();
  if (!s) return undefined;
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (s === 'null') return null;
  if (NUMBER.test(s)) return Number(s);
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) return unescapeString(s.slice(1, -1));
  if (s.startsWith('[') || s.startsWith('{')) {
    if (bracketNesting(s) > MAX_NESTING) return undefined;
    try {
      return JSON.parse(s) as JsonValue;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Deeper nesting than any real program needs; beyond it values and types are refused rather than exhaust the stack. */
export const MAX_NESTING = 100;

/** How deeply a JSON value nests (iteratively, so absurd depths cannot exhaust the stack). */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    deepest = Math.max(deepest, depth);
    if (depth > MAX_NESTING) break;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function bracketNesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (const c of text) {
    if (c === '[' || c === '{' || c === '(') deepest = Math.max(deepest, ++depth);
    else if (c === ']' || c === '}' || c === ')') depth--;
  }
  return deepest;
}

/** A config value (§1.3); JSON that does not parse is reported and kept as text. */
export function parseConfigValue(raw: string, key: string, report: (message: string) => void): JsonValue {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'null') return null;
  if (NUMBER.test(raw)) return Number(raw);
  if (raw.startsWith('"') && raw.endsWith('"')) return unescapeString(raw.slice(1, -1));
  if (raw.startsWith('[') || raw.startsWith('{')) {
    if (bracketNesting(raw) > MAX_NESTING) {
      report(`Invalid JSON for "${key}": nested more than ${MAX_NESTING} levels deep`);
      return raw;
    }
    try {
      return JSON.parse(raw) as JsonValue;
    } catch (error) {
      const preview = raw.length > 80 ? `${raw.slice(0, 80)}...` : raw;
      const reason = error instanceof SyntaxError ? error.message : 'invalid JSON';
      report(`Invalid JSON for "${key}": ${reason}. Starts with: ${preview.replace(/\n/g, ' ')}`);
      return raw;
    }
  }
  return raw;
}

/** Removes the indentation common to the non-empty lines; none if one of them starts at column 1. */
export function dedent(text: string): string {
  const lines = text.trimEnd().split('\n');
  let common = Number.POSITIVE_INFINITY;
  for (const l of lines) if (l.trim().length > 0) common = Math.min(common, l.length - l.trimStart().length);
  if (common === Number.POSITIVE_INFINITY) return text;
  if (common === 0) return text.trimEnd();
  return lines.map((l) => (l.length >= common ? l.slice(common) : l)).join('\n');
}

/** `\```` becomes ```` ``` ````, then any remaining `` \` `` becomes a backtick. */
export const unescapeBackticks = (text: string): string => text.replace(/\\```/g, '```').replace(/\\`/g, '`');

/** The final value of a heredoc (§1.5): trailing space trimmed, dedented, unescaped. */
export const heredocValue = (raw: string): string => unescapeBackticks(dedent(raw.trimEnd()));

/** Does a closing line end the heredoc: exactly ```` ``` ````, or ending with it not after a backslash. */
export function heredocCloses(trimmed: string): 'bare' | 'suffix' | undefined {
  if (trimmed === '```') return 'bare';
  if (trimmed.endsWith('```') && trimmed.slice(0, -3).slice(-1) !== '\\') return 'suffix';
  return undefined;
}

/** An uppercase identifier followed by `(`, `{`, `->` or `.name` (§1.7 rule 1). */
export function looksLikeInlineStart(text: string): boolean {
  const t = text.trimStart();
  if (!t || t[0]! < 'A' || t[0]! > 'Z') return false;
  const rest = t.replace(/^[A-Za-z0-9_]*/, '').trimStart();
  if (rest.startsWith('(') || rest.startsWith('{') || rest.startsWith('->')) return true;
  return rest.startsWith('.') && /^[A-Za-z_]/.test(rest.slice(1));
}

/** `node.port`: exactly one dot between two identifiers, no quotes (§1.7 rule 2). */
export function looksLikeDottedRef(text: string): boolean {
  const t = text.trim();
  if (!t || t.includes('"') || t.includes("'")) return false;
  const parts = t.split('.');
  return parts.length === 2 && parts.every((p) => IDENT.test(p));
}

/** `[`/`{` minus `]`/`}`, quotes not considered (as the reference counts). */
export function bracketDepth(text: string): number {
  let depth = 0;
  for (const c of text) {
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
  }
  return depth;
}

/** Could a line continue multi-line JSON (not a Weft statement, comment or directive)? */
export function looksLikeJson(line: string): boolean {
  if (!line) return true;
  if (/^[a-zA-Z_]\w*\.\w+\s*=/.test(line)) return false;
  if (/^[a-zA-Z_]\w*\s*=\s*[A-Z]/.test(line)) return false;
  return !line.startsWith('#') && !line.startsWith('@');
}

export function parenDepth(text: string): number {
  let depth = 0;
  for (const c of text) {
    if (c === '(') depth++;
    else if (c === ')') depth--;
  }
  return depth;
}

/** Index of the `)` matching the `(` at `start`, or -1. */
export function matchingParen(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** The positions of `{` and `}` in the text that are outside quoted strings, in order. */
export function* bracesOutsideQuotes(text: string): Generator<{ index: number; opens: boolean }> {
  let quote: string | null = null;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (escaped) {
      escaped = false;
      continue;
    }
    if (quote) {
      if (c === '\\') escaped = true;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '{' || c === '}') yield { index: i, opens: c === '{' };
  }
}

/** Index of the `}` matching the `{` that starts the text, respecting quotes; -1 if none. */
export function matchingBraceOnLine(text: string): number {
  if (!text.startsWith('{')) return -1;
  let depth = 0;
  for (const brace of bracesOutsideQuotes(text)) {
    depth += brace.opens ? 1 : -1;
    if (depth === 0) return brace.index;
  }
  return -1;
}

/** Is there config content after the first `{` on the line (not just a comment)? */
export function contentAfterFirstBrace(text: string): boolean {
  const open = text.indexOf('{');
  if (open < 0) return false;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n' || c === '#') return false;
    if (c !== ' ' && c !== '\t' && c !== '\r') return true;
  }
  return false;
}

/** Has the first `{` been closed, ignoring braces inside quotes and triple backticks? */
export function firstBraceClosed(text: string): boolean {
  let depth = 0;
  let inString = false;
  let inBackticks = false;
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('```', i) && i + 2 < text.length) {
      inBackticks = !inBackticks;
      i += 2;
      continue;
    }
    if (inBackticks) continue;
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      i++;
      continue;
    }
    if (c === '"') {
      inString = !inString;
      continue;
    }
    if (inString) continue;
    if (c === '{') depth++;
    if (c === '}') {
      depth--;
      if (depth === 0) return true;
    }
  }
  return depth === 0;
}

/** Splits on commas outside double quotes (a quote after a backslash does not count). */
export function splitOnCommasOutsideQuotes(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' && (i === 0 || text[i - 1] !== '\\')) inQuote = !inQuote;
    if (c === ',' && !inQuote) {
      parts.push(current.trim());
      current = '';
    } else current += c;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** Splits on commas outside quotes and outside `()[]{}` (flavour-A one-liners, §3.5). */
export function splitOnCommasOutsideBrackets(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let inQuote = false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' && (i === 0 || text[i - 1] !== '\\')) inQuote = !inQuote;
    if (!inQuote) {
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth--;
    }
    if (c === ',' && !inQuote && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  if (current) parts.push(current);
  return parts;
}

/** Splits a port list on commas or newlines outside `[]` and `()`. */
export function splitPortItems(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if ((c === ',' || c === '\n') && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** The items of a signature list: trimmed, without empty ones and `#` comments. */
export const portListItems = (content: string): string[] =>
  splitPortItems(content).map((s) => s.trim()).filter((s) => s.length > 0 && !s.startsWith('#'));

export type PortItem = { port: ParsedPort } | { error: string };

/** Reads `name`, `name?`, `name: Type`, `name: Type?` items (§3.2); `@require_one_of(…)` items are skipped. */
export function parsePortItems(text: string, line: number): PortItem[] {
  const items: PortItem[] = [];
  for (const part of splitPortItems(text.trim()).map((p) => p.trim()).filter((p) => p.length > 0)) {
    if (part.startsWith('@require_one_of(')) continue;
    const colon = part.indexOf(':');
    const rawName = colon >= 0 ? part.slice(0, colon).trim() : part;
    let typeText = colon >= 0 ? part.slice(colon + 1).trim() : 'MustOverride';
    let optional = false;
    if (typeText.endsWith('?')) {
      optional = true;
      typeText = typeText.slice(0, -1).trim();
    } else if (colon < 0 && rawName.endsWith('?')) {
      optional = true;
    }
    const name = rawName.replace(/\?$/, '');
    if (bracketNesting(typeText) > MAX_NESTING) {
      items.push({ error: `Invalid port declaration: '${name}': its type is nested more than ${MAX_NESTING} levels deep` });
      continue;
    }
    if (!IDENT.test(name)) {
      items.push({ error: `Invalid port declaration: '${part}'` });
      continue;
    }
    items.push({ port: { name, typeText, required: !optional, line } });
  }
  return items;
}

/** The names of `@require_one_of(a, b)`. */
export function requireOneOfNames(item: string): string[] {
  return item.slice(item.indexOf('(') + 1, -1).split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Strips a trailing `#` comment outside square brackets (port lines, §3.7). */
export function stripPortLineComment(line: string): string {
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '[') depth++;
    else if (line[i] === ']') depth--;
    else if (line[i] === '#' && depth === 0) return line.slice(0, i).trimEnd();
  }
  return line;
}

/** A header line's body: everything from the first `#` after position 0 is dropped (§1.1 quirk). */
export function stripHeaderComment(text: string): string {
  const hash = text.indexOf('#');
  return hash > 0 ? text.slice(0, hash).trim() : text;
}

/** Column (1-based) of the first non-blank character of a line. */
export const firstColumn = (line: string): number => line.length - line.trimStart().length + 1;
