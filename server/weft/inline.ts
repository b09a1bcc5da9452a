/** Inline node expressions (LANGUAGE.md §5): `Type(…) -> (…) { … }.port` where a value is expected. */
import type { ParsedConnection, ParsedNode, ParsedPort } from './ast';
import {
  bracketDepth, heredocCloses, heredocValue, KEY_VALUE, looksLikeDottedRef, looksLikeInlineStart, matchingBraceOnLine,
  matchingParen, MAX_NESTING, parenDepth, parseConfigValue, parseLabel, parsePortItems, portListItems, splitOnCommasOutsideQuotes,
  type PortItem,
} from './values';
import type { JsonValue } from './types';

/** The lines an inline expression is read from; `base` turns an index into a source line (line = base + index + 1). */
export interface SourceLines {
  lines: readonly string[];
  base: number;
  /** A value cut out of a one-line body: its columns are not those of the file. */
  synthetic?: boolean;
}

export interface InlineSink {
  nodes: ParsedNode[];
  /** Without scopeId: the caller places them in its scope. */
  connections: Omit<ParsedConnection, 'scopeId'>[];
}

export interface ParserContext {
  error(line: number, message: string, code: string, column?: number): void;
  /** Sets a config value, refusing `mock`/`mocked` (§3.9). */
  setConfig(config: Record<string, JsonValue>, key: string, value: JsonValue, line: number): void;
}

export function pushPorts(items: PortItem[], direction: 'in' | 'out', target: ParsedPort[], line: number, ctx: ParserContext): void {
  const seen = new Set(target.map((p) => p.name));
  for (const item of items) {
    if ('error' in item) {
      ctx.error(line, item.error, 'invalid-port');
      continue;
    }
    if (seen.has(item.port.name)) {
      ctx.error(line, `Duplicate ${direction} port "${item.port.name}"`, 'duplicate-port');
      continue;
    }
    target.push(item.port);
    seen.add(item.port.name);
  }
}

function inlineSignature(text: string, line: number, ctx: ParserContext): { inPorts: ParsedPort[]; outPorts: ParsedPort[]; rest: string } | null {
  const inPorts: ParsedPort[] = [];
  const outPorts: ParsedPort[] = [];
  const readOutputs = (arrowRest: string): string | null => {
    const close = matchingParen(arrowRest, 0);
    if (close < 0) {
      ctx.error(line, 'Unclosed output port list in inline expression', 'inline');
      return null;
    }
    for (const item of portListItems(arrowRest.slice(1, close))) pushPorts(parsePortItems(item, line), 'out', outPorts, line, ctx);
    return arrowRest.slice(close + 1).trim();
  };
  let rest = text;
  if (text.startsWith('(')) {
    const close = matchingParen(text, 0);
    if (close < 0) {
      ctx.error(line, 'Unclosed input port list in inline expression', 'inline');
      return null;
    }
    for (const item of portListItems(text.slice(1, close))) {
      if (item.startsWith('@require_one_of(')) continue;
      pushPorts(parsePortItems(item, line), 'in', inPorts, line, ctx);
    }
    rest = text.slice(close + 1).trim();
    if (rest.startsWith('->')) {
      const arrowRest = rest.slice(2).trim();
      if (arrowRest.startsWith('(')) {
        const after = readOutputs(arrowRest);
        if (after === null) return null;
        rest = after;
      }
    }
  } else if (text.startsWith('->')) {
    const arrowRest = text.slice(2).trim();
    if (arrowRest.startsWith('(')) {
      const after = readOutputs(arrowRest);
      if (after === null) return null;
      rest = after;
    }
  }
  return { inPorts, outPorts, rest };
}

const dotPort = (text: string): string | null => /^\.([A-Za-z0-9_]+)\s*$/.exec(text.trim())?.[1] ?? null;

/**
 * Reads an inline expression starting at column `startCol` of line `startIndex`; records the anonymous
 * node `<parentId>__<fieldKey>` and its edge into `parentId.fieldKey`. Returns the index of the line after
 * the expression, or null when it is broken (the problem is reported).
 */
export function parseInlineExpression(
  src: SourceLines, startIndex: number, startCol: number, parentId: string, fieldKey: string, sink: InlineSink, ctx: ParserContext,
  nesting = 0,
): number | null {
  const { lines } = src;
  const lineOf = (index: number): number => src.base + index + 1;
  const line = lineOf(startIndex);
  if (nesting >= MAX_NESTING) {
    ctx.error(line, `Inline expressions nested more than ${MAX_NESTING} levels deep`, 'nesting');
    return null;
  }
  const fromCol = lines[startIndex]!.slice(startCol);
  const afterStart = fromCol.trimStart();
  const type = /^[A-Z][A-Za-z0-9_]*/.exec(afterStart)?.[0];
  if (!type) return null;
  if (type === 'Group') {
    ctx.error(line, 'Groups cannot be inlined', 'inline');
    return null;
  }
  let afterType = afterStart.slice(type.length).trimStart();
  let headerEnd = startIndex;
  if (afterType.startsWith('(') || afterType.startsWith('->')) {
    let depth = parenDepth(afterType);
    let collected = afterType;
    while (depth > 0 && headerEnd + 1 < lines.length) {
      const next = lines[++headerEnd]!.trim();
      collected += `\n${next}`;
      depth += parenDepth(next);
    }
    if (depth === 0 && !collected.includes('->') && headerEnd + 1 < lines.length) {
      const peek = lines[headerEnd + 1]!.trim();
      if (peek.startsWith('->')) {
        headerEnd++;
        collected += `\n${peek}`;
        depth += parenDepth(peek);
        while (depth > 0 && headerEnd + 1 < lines.length) {
          const next = lines[++headerEnd]!.trim();
          collected += `\n${next}`;
          depth += parenDepth(next);
        }
      }
    }
    afterType = collected;
    if (!afterType.includes('{') && headerEnd + 1 < lines.length) {
      const peek = lines[headerEnd + 1]!.trim();
      if (peek.startsWith('{')) {
        headerEnd++;
        afterType += `\n${peek}`;
      }
    }
  }
  const signature = inlineSignature(afterType, line, ctx);
  if (!signature) return null;
  const rest = signature.rest.trim();
  const anonId = `${parentId}__${fieldKey}`;
  const column = src.synthetic ? 1 : startCol + (fromCol.length - afterStart.length) + 1;
  const newNode = (config: Record<string, JsonValue>, label: string | null, endLine: number): ParsedNode => ({
    id: anonId, type, label, config, startLine: line, endLine, column, inPorts: signature.inPorts, outPorts: signature.outPorts,
    oneOfRequired: [], inline: true,
  });
  const edge = (port: string, at: number): Omit<ParsedConnection, 'scopeId'> => ({
    sourceId: anonId, sourcePort: port, targetId: parentId, targetPort: fieldKey, line: at, column,
    sourceIsSelf: false, targetIsSelf: false,
  });

  if (rest.startsWith('.')) {
    const port = dotPort(rest);
    if (!port) {
      ctx.error(line, `Expected '.portName' in bare inline expression, got: '${rest}'`, 'inline');
      return null;
    }
    sink.nodes.push(newNode({}, null, line));
    sink.connections.push(edge(port, line));
    return startIndex + 1;
  }
  if (!rest.startsWith('{')) {
    ctx.error(line, `Expected '{' in inline expression, got: ${rest}`, 'inline');
    return null;
  }

  let config: Record<string, JsonValue> = {};
  let label: string | null = null;
  let bodyEnd = headerEnd;
  if (rest === '{') {
    const body = parseInlineBody(src, headerEnd + 1, anonId, sink, ctx, nesting);
    config = body.config;
    label = body.label;
    bodyEnd = body.closeIndex;
  } else {
    const close = matchingBraceOnLine(rest);
    if (close < 0) {
      ctx.error(line, 'Unclosed inline expression body', 'inline');
      return null;
    }
    const content = rest.slice(1, close).trim();
    for (const pair of content ? splitOnCommasOutsideQuotes(content) : []) {
      const match = KEY_VALUE.exec(pair);
      if (!match) continue;
      const key = match[1]!;
      const value = match[2]!.trim();
      if (key === 'label') label = parseLabel(value);
      else if (looksLikeDottedRef(value)) {
        const dot = value.indexOf('.');
        sink.connections.push({
          sourceId: value.slice(0, dot), sourcePort: value.slice(dot + 1), targetId: anonId, targetPort: key, line, column,
          sourceIsSelf: false, targetIsSelf: false,
        });
      } else ctx.setConfig(config, key, parseConfigValue(value, key, (m) => ctx.error(line, m, 'invalid-json')), line);
    }
  }

  const closeText = lines[bodyEnd] ?? '';
  const brace = closeText.lastIndexOf('}');
  const afterBrace = brace >= 0 ? closeText.slice(brace + 1).trim() : '';
  if (afterBrace.startsWith('->')) {
    ctx.error(lineOf(bodyEnd), 'Inline expressions cannot declare post-config outputs; declare the node with a name instead', 'inline');
    return null;
  }
  let port = dotPort(afterBrace);
  let next = bodyEnd + 1;
  if (!port && afterBrace === '' && bodyEnd + 1 < lines.length) {
    const following = lines[bodyEnd + 1]!.trim();
    if (following.startsWith('->')) {
      ctx.error(lineOf(bodyEnd + 1), 'Inline expressions cannot declare post-config outputs', 'inline');
      return null;
    }
    port = dotPort(following);
    if (port) next = bodyEnd + 2;
  }
  if (!port) {
    ctx.error(lineOf(bodyEnd), "Inline expression missing required '.portName' after closing '}'", 'inline');
    return null;
  }
  sink.nodes.push(newNode(config, label, lineOf(bodyEnd)));
  sink.connections.push(edge(port, line));
  return next;
}

/** The multi-line body of an inline expression, from the line after `{` to the `}` that closes it. */
function parseInlineBody(
  src: SourceLines, start: number, anonId: string, sink: InlineSink, ctx: ParserContext, nesting: number,
): { config: Record<string, JsonValue>; label: string | null; closeIndex: number } {
  const { lines } = src;
  const lineOf = (index: number): number => src.base + index + 1;
  const config: Record<string, JsonValue> = {};
  let label: string | null = null;
  let heredoc: { key: string; value: string; line: number } | null = null;
  // Where a body scan starts decides where it closes (nothing else does), so a start known to run off the end
  // is not scanned again: nested unclosed bodies would otherwise be re-read once per enclosing level (2^depth).
  let unclosed = unclosedStarts.get(lines);
  if (!unclosed) unclosedStarts.set(lines, (unclosed = new Set()));
  const runsOffTheEnd = (): { config: Record<string, JsonValue>; label: string | null; closeIndex: number } => {
    unclosed.add(start);
    ctx.error(lineOf(start), 'Unclosed inline expression body', 'inline');
    return { config, label, closeIndex: lines.length - 1 };
  };
  if (unclosed.has(start)) return runsOffTheEnd();
  let i = start;
  while (i < lines.length) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    const line = lineOf(i);
    if (heredoc) {
      const closes = heredocCloses(trimmed);
      if (closes === 'suffix') {
        const last = raw.slice(0, raw.lastIndexOf('```'));
        if (last.trim()) heredoc.value += (heredoc.value ? '\n' : '') + last;
      }
      if (closes) {
        ctx.setConfig(config, heredoc.key, heredocValue(heredoc.value), heredoc.line);
        heredoc = null;
      } else heredoc.value += (heredoc.value ? '\n' : '') + raw;
      i++;
      continue;
    }
    if (trimmed === '}' || trimmed.startsWith('}.') || trimmed.startsWith('} ')) return { config, label, closeIndex: i };
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    const match = KEY_VALUE.exec(trimmed);
    if (!match) {
      i++;
      continue;
    }
    const key = match[1]!;
    const value = match[2]!.trim();
    if (looksLikeInlineStart(value)) {
      const next = parseInlineExpression(src, i, raw.indexOf(':') + 1, anonId, key, sink, ctx, nesting + 1);
      // Going on from the next line is the scan that start would make: if that one runs off the end, so does this body.
      if (next === null && unclosed.has(i + 1)) return runsOffTheEnd();
      i = next ?? i + 1;
      continue;
    }
    if (looksLikeDottedRef(value)) {
      const dot = value.indexOf('.');
      sink.connections.push({
        sourceId: value.slice(0, dot), sourcePort: value.slice(dot + 1), targetId: anonId, targetPort: key, line,
        column: raw.length - raw.trimStart().length + 1, sourceIsSelf: false, targetIsSelf: false,
      });
      i++;
      continue;
    }
    if (key === 'label') {
      label = parseLabel(value);
      i++;
      continue;
    }
    if (value.startsWith('```')) {
      const after = value.slice(3);
      if (after.endsWith('```') && after.length > 3) ctx.setConfig(config, key, after.slice(0, -3), line);
      else heredoc = { key, value: after, line };
      i++;
      continue;
    }
    if ((value.startsWith('[') || value.startsWith('{')) && bracketDepth(value) !== 0) {
      let collected = value;
      let depth = bracketDepth(value);
      i++;
      while (i < lines.length && depth > 0) {
        const next = lines[i]!.trim();
        collected += `\n${next}`;
        depth += bracketDepth(next);
        i++;
        if (depth === 0) break;
      }
      ctx.setConfig(config, key, parseConfigValue(collected, key, (m) => ctx.error(line, m, 'invalid-json')), line);
      continue;
    }
    ctx.setConfig(config, key, parseConfigValue(value, key, (m) => ctx.error(line, m, 'invalid-json')), line);
    i++;
  }
  return runsOffTheEnd();
}

const unclosedStarts = new WeakMap<readonly string[], Set<number>>();
