/**
 * The line parser (LANGUAGE.md §0–§7). Weft is line-oriented: each trimmed line is matched in the order
 * the reference matches it, and problems become errors with their line, parsing going on.
 */
import type { ParsedConnection, ParsedGroup, ParsedNode, ParsedPort, ParsedProgram, ParseProblem } from './ast';
import { parseInlineExpression, pushPorts, type InlineSink, type ParserContext, type SourceLines } from './inline';
import type { JsonValue } from './types';
import {
  bracesOutsideQuotes, bracketDepth, contentAfterFirstBrace, firstBraceClosed, firstColumn, heredocCloses, heredocValue, IDENT, KEY_VALUE,
  looksLikeDottedRef, looksLikeInlineStart, looksLikeJson, matchingParen, parenDepth, parseConfigValue, parseLabel,
  parsePortItems, portListItems, requireOneOfNames, splitOnCommasOutsideBrackets, splitOnCommasOutsideQuotes,
  stripHeaderComment, stripPortLineComment, tryParseLiteral, unescapeBackticks, dedent, MAX_NESTING,
} from './values';

const ROOT = '__root__';
const REJECTED_KEYS = new Set(['mock', 'mocked']);
const DECLARATION = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*([A-Z][a-zA-Z0-9]*)(.*)$/;
const ONE_LINER_HEAD = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*([A-Z][a-zA-Z0-9]*)\s*\{/;
const ROOT_EDGE = /^([a-zA-Z_][a-zA-Z0-9_]*)\.([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*([a-zA-Z_][a-zA-Z0-9_]*)\.([a-zA-Z_][a-zA-Z0-9_]*)$/;
const LITERAL_CONNECTION = /^([a-zA-Z_][a-zA-Z0-9_]*)\.([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*(.+)$/;
const INLINE_CONNECTION = /^([a-zA-Z_][a-zA-Z0-9_.]*)\s*=\s*(.+)$/;
const GROUP_EDGE = /^([a-zA-Z_][a-zA-Z0-9_.]*)\s*=\s*([a-zA-Z_][a-zA-Z0-9_.]*)$/;

/**
 * The program text as the reference sees it (§0): stored code is read as if fenced, so a line starting with
 * four backticks ends it. Text that holds a ````weft fence itself is read from the first fenced block (lines
 * outside it are blanked, so line numbers stay those of the file). The reference trims the block: blank lines
 * at the end are dropped (so what is reported at the end of the text, e.g. an inline body left open, is at the
 * last line that has text, as there); blank lines at the start are kept, to keep the file's line numbers.
 */
export function programLines(code: string): string[] {
  const lines = code.replace(/\r\n?/g, '\n').split('\n');
  const fence = lines.findIndex((l) => /^````weft\s*$/.test(l));
  const start = fence === -1 ? 0 : fence + 1;
  const end = lines.findIndex((l, i) => i >= start && l.startsWith('````'));
  const body = lines.slice(0, end === -1 ? lines.length : end);
  for (let i = 0; i < start; i++) body[i] = '';
  while (body.length > 1 && body[body.length - 1]!.trim() === '') body.pop();
  return body;
}

interface ScopeResult {
  nodes: ParsedNode[];
  connections: ParsedConnection[];
  inPorts: ParsedPort[];
  outPorts: ParsedPort[];
  endIndex: number;
  closed: boolean;
  name: string;
  description: string;
}

interface NodeDraft {
  id: string;
  type: string;
  label: string | null;
  config: Record<string, JsonValue>;
  inPorts: ParsedPort[];
  outPorts: ParsedPort[];
  oneOfRequired: string[][];
  startLine: number;
  endLine: number;
  column: number;
}

interface Signature {
  inPorts: ParsedPort[];
  outPorts: ParsedPort[];
  oneOfRequired: string[][];
  rest: string;
  headerEnd: number;
}

type Section = 'in' | 'out' | null;

class Parser implements ParserContext {
  readonly errors: ParseProblem[] = [];
  readonly groups: ParsedGroup[] = [];
  private readonly src: SourceLines;

  constructor(private readonly lines: string[]) {
    this.src = { lines, base: 0 };
  }

  error(line: number, message: string, code: string, column?: number): void {
    this.errors.push({ line, column: column ?? firstColumn(this.lines[line - 1] ?? ''), message, code });
  }

  setConfig(config: Record<string, JsonValue>, key: string, value: JsonValue, line: number): void {
    if (REJECTED_KEYS.has(key)) {
      this.error(line, `'${key}' is not a valid config key. Use test configs for mocking.`, 'mock-key');
      return;
    }
    config[key] = value;
  }

  // ── signatures ─────────────────────────────────────────────────────────

  /** Collects a port signature that may span lines (§3.2) and reads its ports. */
  private readSignature(afterType: string, index: number): Signature {
    const lines = this.lines;
    const line = index + 1;
    let text = afterType;
    let headerEnd = index;
    if (afterType.startsWith('(') || afterType.startsWith('->')) {
      let depth = parenDepth(afterType);
      while (depth > 0 && headerEnd + 1 < lines.length) {
        const next = lines[++headerEnd]!.trim();
        text += `\n${next}`;
        depth += parenDepth(next);
      }
      if (afterType.startsWith('(') && depth === 0 && !text.includes('->') && headerEnd + 1 < lines.length) {
        const peek = lines[headerEnd + 1]!.trim();
        if (peek.startsWith('->')) {
          headerEnd++;
          text += `\n${peek}`;
          depth += parenDepth(peek);
          while (depth > 0 && headerEnd + 1 < lines.length) {
            const next = lines[++headerEnd]!.trim();
            text += `\n${next}`;
            depth += parenDepth(next);
          }
        }
      }
      if (!text.includes('{') && headerEnd + 1 < lines.length) {
        const peek = lines[headerEnd + 1]!.trim();
        if (peek === '{' || peek === '{}') {
          headerEnd++;
          text += `\n${peek}`;
        }
      }
    }
    const signature: Signature = { inPorts: [], outPorts: [], oneOfRequired: [], rest: text, headerEnd };
    const readOutputs = (arrowText: string): void => {
      const arrowRest = arrowText.slice(2).trim();
      signature.rest = arrowRest;
      if (!arrowRest.startsWith('(')) return;
      const close = matchingParen(arrowRest, 0);
      if (close < 0) return;
      signature.rest = arrowRest.slice(close + 1).trim();
      for (const item of portListItems(arrowRest.slice(1, close))) {
        if (item.startsWith('@require_one_of(')) {
          this.error(line, '@require_one_of is only valid in input port lists, not outputs', 'require-one-of');
          continue;
        }
        pushPorts(parsePortItems(item, line), 'out', signature.outPorts, line, this);
      }
    };
    if (text.startsWith('(')) {
      const close = matchingParen(text, 0);
      if (close >= 0) {
        for (const item of portListItems(text.slice(1, close))) {
          if (item.startsWith('@require_one_of(')) {
            const names = requireOneOfNames(item);
            if (names.length > 0) signature.oneOfRequired.push(names);
            continue;
          }
          pushPorts(parsePortItems(item, line), 'in', signature.inPorts, line, this);
        }
        const after = text.slice(close + 1).trim();
        if (after.startsWith('->')) readOutputs(after);
        else signature.rest = after;
      }
    } else if (text.trim().startsWith('->')) {
      readOutputs(text.trim());
    }
    return signature;
  }

  /** `-> (…)` after a config block, given as the text after `->` collected to its closing `)`. */
  private readPostOutputs(arrowRest: string, existing: ParsedPort[], line: number, duplicateMessage: (name: string) => string): void {
    if (!arrowRest.startsWith('(')) return;
    const close = matchingParen(arrowRest, 0);
    if (close < 0) return;
    const names = new Set(existing.map((p) => p.name));
    for (const item of portListItems(arrowRest.slice(1, close))) {
      for (const result of parsePortItems(item, line)) {
        if ('error' in result) {
          this.error(line, result.error, 'invalid-port');
        } else if (names.has(result.port.name)) {
          this.error(line, duplicateMessage(result.port.name), 'duplicate-port');
        } else {
          existing.push(result.port);
          names.add(result.port.name);
        }
      }
    }
  }

  /** A `-> (…)` starting at line `index` (its text from `first`), collected until its parentheses balance. */
  private collectArrow(index: number, first: string, untilBalanced = false): { text: string; end: number } {
    let text = first;
    let depth = parenDepth(first);
    let end = index;
    if (untilBalanced) {
      while (depth > 0 && end + 1 < this.lines.length) {
        const piece = this.lines[++end]!.trim();
        text += ` ${piece}`;
        depth += parenDepth(piece);
      }
      return { text: text.trim(), end };
    }
    for (let i = index + 1; !(depth === 0 && text.includes(')')) && i < this.lines.length; i++) {
      const piece = this.lines[i]!.trim();
      text += (text ? ' ' : '') + piece;
      depth += parenDepth(piece);
      end = i;
    }
    return { text: text.replace(/^->\s*/, '').trim(), end };
  }

  // ── port lines (§3.7) ──────────────────────────────────────────────────

  private portLine(trimmedRaw: string, section: Section, inPorts: ParsedPort[], outPorts: ParsedPort[], line: number): { consumed: boolean; section: Section } {
    const trimmed = stripPortLineComment(trimmedRaw);
    for (const [prefix, direction] of [['in(', 'in'], ['out(', 'out']] as const) {
      if (!trimmed.startsWith(prefix)) continue;
      const rest = trimmed.slice(prefix.length);
      const target = direction === 'in' ? inPorts : outPorts;
      if (rest.endsWith(')')) {
        const inner = rest.slice(0, -1).trim();
        if (inner) pushPorts(parsePortItems(inner, line), direction, target, line, this);
        return { consumed: true, section: null };
      }
      if (rest.trim()) pushPorts(parsePortItems(rest.trim(), line), direction, target, line, this);
      return { consumed: true, section: direction };
    }
    if (!section) return { consumed: false, section };
    const target = section === 'in' ? inPorts : outPorts;
    if (trimmed === ')') return { consumed: true, section: null };
    if (trimmed.endsWith(')')) {
      const inner = trimmed.slice(0, -1).trim();
      if (inner) pushPorts(parsePortItems(inner, line), section, target, line, this);
      return { consumed: true, section: null };
    }
    if (!trimmed || trimmed.startsWith('#')) return { consumed: true, section };
    if (trimmed.startsWith('@require_one_of(') && trimmed.endsWith(')')) return { consumed: true, section };
    const single = /^([a-zA-Z_][a-zA-Z0-9_]*)(?:\s*:\s*(.+))?$/.exec(trimmed.replace(/,\s*$/, ''));
    if (single) {
      let typeText = single[2]?.trim() || 'MustOverride';
      let optional = false;
      if (typeText.endsWith('?')) {
        optional = true;
        typeText = typeText.slice(0, -1).trim();
      }
      if (target.some((p) => p.name === single[1])) this.error(line, `Duplicate ${section} port "${single[1]}"`, 'duplicate-port');
      else target.push({ name: single[1]!, typeText, required: !optional, line });
      return { consumed: true, section };
    }
    if (trimmed.includes(',')) {
      const items = parsePortItems(trimmed, line);
      if (items.length > 0) {
        pushPorts(items, section, target, line, this);
        return { consumed: true, section };
      }
    }
    this.error(line, `Unexpected line inside ${section}() block: ${trimmed}`, 'syntax');
    return { consumed: true, section };
  }

  // ── multi-line JSON (§1.6) ─────────────────────────────────────────────

  /** Collects unbalanced JSON from line `index` on; returns the text and the index to go on from. */
  private collectJson(index: number, first: string): { text: string; next: number; broken: boolean; missing: number } {
    const lines = this.lines;
    let text = first;
    let depth = bracketDepth(first);
    const taken: string[] = [];
    let i = index + 1;
    let boundary = false;
    while (i < lines.length && depth > 0) {
      const next = lines[i]!.trim();
      if (i - index > 500 || !looksLikeJson(next)) {
        boundary = true;
        break;
      }
      taken.push(next);
      text += `\n${next}`;
      depth += bracketDepth(next);
      if (depth <= 0) {
        i++;
        try {
          JSON.parse(text);
          break;
        } catch {
          while (taken.length > 0 && ['}', ']', '},', '],'].includes(taken[taken.length - 1]!)) {
            taken.pop();
            text = first + (taken.length > 0 ? `\n${taken.join('\n')}` : '');
            i--;
            depth = bracketDepth(text);
          }
          boundary = true;
          break;
        }
      }
      i++;
    }
    return { text, next: i, broken: depth > 0 || boundary, missing: depth };
  }

  // ── group child blocks ─────────────────────────────────────────────────

  /** A group child's multi-line config block, from the line after `{` (§3.4; unknown lines are skipped). */
  private childBlock(start: number, hostId: string, sink: InlineSink): {
    config: Record<string, JsonValue>; label: string | null; inPorts: ParsedPort[]; outPorts: ParsedPort[]; endIndex: number;
  } {
    const lines = this.lines;
    const config: Record<string, JsonValue> = {};
    const inPorts: ParsedPort[] = [];
    const outPorts: ParsedPort[] = [];
    let label: string | null = null;
    let section: Section = null;
    let heredoc: { key: string; value: string; line: number } | null = null;
    let i = start;
    while (i < lines.length) {
      const raw = lines[i]!;
      const trimmed = raw.trim();
      const line = i + 1;
      if (heredoc) {
        heredoc = this.heredocLine(heredoc, raw, trimmed, config);
        i++;
        continue;
      }
      if (trimmed === '}') return { config, label, inPorts, outPorts, endIndex: i };
      if (trimmed.startsWith('} ->')) {
        const arrow = this.collectArrow(i, trimmed.slice(4).trim(), true);
        const arrowRest = arrow.text;
        if (arrowRest.startsWith('(')) {
          const close = matchingParen(arrowRest, 0);
          if (close > 0) {
            for (const item of portListItems(arrowRest.slice(1, close))) {
              if (item.startsWith('@require_one_of(')) {
                this.error(line, '@require_one_of is only valid in input port lists, not outputs', 'require-one-of');
                continue;
              }
              pushPorts(parsePortItems(item, line), 'out', outPorts, line, this);
            }
          }
        }
        return { config, label, inPorts, outPorts, endIndex: arrow.end };
      }
      if (trimmed === '' || trimmed.startsWith('#')) {
        i++;
        continue;
      }
      const port = this.portLine(trimmed, section, inPorts, outPorts, line);
      section = port.section;
      if (port.consumed) {
        i++;
        continue;
      }
      const labelMatch = /^label\s*:\s*(.+)$/.exec(trimmed);
      if (labelMatch) {
        label = parseLabel(labelMatch[1]!);
        i++;
        continue;
      }
      const match = KEY_VALUE.exec(trimmed);
      if (match && looksLikeInlineStart(match[2]!)) {
        i = parseInlineExpression(this.src, i, raw.indexOf(':') + 1, hostId, match[1]!, sink, this) ?? i + 1;
        continue;
      }
      if (match && looksLikeDottedRef(match[2]!)) {
        sink.connections.push(this.wiring(match[2]!.trim(), hostId, match[1]!, line, raw));
        i++;
        continue;
      }
      const entry = this.configEntry(trimmed, i, config);
      if (entry) {
        heredoc = entry.heredoc;
        i = entry.next;
        continue;
      }
      i++;
    }
    return { config, label, inPorts, outPorts, endIndex: i };
  }

  /**
   * A `key: value` config line at `index`: a one-line value, the opening of a triple-backtick block
   * (returned as the heredoc to continue) or of multi-line JSON. Null when the line is not one.
   */
  private configEntry(
    trimmed: string, index: number, config: Record<string, JsonValue>,
  ): { next: number; heredoc: { key: string; value: string; line: number } | null } | null {
    const line = index + 1;
    const backticks = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*:\s*```(.*)$/.exec(trimmed);
    if (backticks) {
      const rest = backticks[2]!;
      if (rest.endsWith('```') && rest.length > 3) {
        this.setConfig(config, backticks[1]!, rest.slice(0, -3), line);
        return { next: index + 1, heredoc: null };
      }
      return { next: index + 1, heredoc: { key: backticks[1]!, value: rest, line } };
    }
    const match = KEY_VALUE.exec(trimmed);
    if (!match) return null;
    const key = match[1]!;
    const value = match[2]!.trim();
    const invalidJson = (message: string) => this.error(line, message, 'invalid-json');
    if ((value.startsWith('[') || value.startsWith('{')) && bracketDepth(value) !== 0) {
      const json = this.collectJson(index, value);
      if (json.broken) {
        this.error(line, `Broken JSON for "${key}": brackets not balanced (missing ${json.missing} closing bracket(s))`, 'broken-json');
      }
      this.setConfig(config, key, parseConfigValue(json.text, key, invalidJson), line);
      return { next: json.next, heredoc: null };
    }
    this.setConfig(config, key, parseConfigValue(value, key, invalidJson), line);
    return { next: index + 1, heredoc: null };
  }

  private heredocLine(
    heredoc: { key: string; value: string; line: number }, raw: string, trimmed: string, config: Record<string, JsonValue>,
  ): { key: string; value: string; line: number } | null {
    const closes = heredocCloses(trimmed);
    if (!closes) {
      heredoc.value += (heredoc.value ? '\n' : '') + raw;
      return heredoc;
    }
    if (closes === 'suffix') {
      const last = raw.slice(0, raw.lastIndexOf('```'));
      if (last.trim()) heredoc.value += (heredoc.value ? '\n' : '') + last;
    }
    this.setConfig(config, heredoc.key, heredocValue(heredoc.value), heredoc.line);
    return null;
  }

  private wiring(ref: string, hostId: string, key: string, line: number, raw: string): Omit<ParsedConnection, 'scopeId'> {
    const dot = ref.indexOf('.');
    return {
      sourceId: ref.slice(0, dot), sourcePort: ref.slice(dot + 1), targetId: hostId, targetPort: key, line,
      column: firstColumn(raw), sourceIsSelf: false, targetIsSelf: false,
    };
  }

  // ── connection-line literals (§4.2) ────────────────────────────────────

  /** A heredoc or unbalanced JSON on the right of a connection line; null when it is neither. */
  private multiLineLiteral(index: number, rhs: string): { value: JsonValue; next: number } | null {
    const lines = this.lines;
    if (rhs.startsWith('```')) {
      const after = rhs.slice(3);
      if (after.endsWith('```') && after.length > 3) return { value: after.slice(0, -3), next: index + 1 };
      let value = after;
      let i = index + 1;
      while (i < lines.length) {
        const trimmed = lines[i]!.trim();
        const closes = heredocCloses(trimmed);
        if (closes) {
          const before = closes === 'bare' ? '' : trimmed.slice(0, -3);
          if (before) value += (value ? '\n' : '') + before;
          i++;
          break;
        }
        value += (value ? '\n' : '') + lines[i]!;
        i++;
      }
      return { value: unescapeBackticks(dedent(value)), next: i };
    }
    if ((rhs.startsWith('[') || rhs.startsWith('{')) && bracketDepth(rhs) !== 0) {
      let text = rhs;
      let depth = bracketDepth(rhs);
      let i = index + 1;
      let boundary = false;
      while (i < lines.length && depth > 0) {
        const next = lines[i]!.trim();
        if (i - index > 500 || !looksLikeJson(next)) {
          boundary = true;
          break;
        }
        text += `\n${next}`;
        depth += bracketDepth(next);
        i++;
        if (depth <= 0) break;
      }
      if (depth > 0 || boundary) return { value: text, next: i };
      try {
        return { value: JSON.parse(text) as JsonValue, next: i };
      } catch {
        return { value: text, next: i };
      }
    }
    return null;
  }

  // ── scopes ─────────────────────────────────────────────────────────────

  /** Ids declared at depth 0 of a group body, to tell local references from outer ones. */
  private localIds(start: number): Set<string> {
    const ids = new Set<string>();
    let depth = 0;
    for (let i = start; i < this.lines.length; i++) {
      const trimmed = this.lines[i]!.trim();
      if (depth === 0 && (trimmed === '}' || trimmed.startsWith('} '))) break;
      if (depth === 0) {
        const eq = trimmed.indexOf('=');
        if (eq > 0) {
          const left = trimmed.slice(0, eq).trim();
          const right = trimmed.slice(eq + 1).trim();
          if (IDENT.test(left) && /^[A-Z]/.test(right)) ids.add(left);
        }
      }
      for (const brace of bracesOutsideQuotes(trimmed)) depth += brace.opens ? 1 : -1;
    }
    return ids;
  }

  private depth = 0;

  parseScope(start: number, scopeId: string, parentGroupId: string | undefined, isRoot: boolean): ScopeResult {
    if (this.depth >= MAX_NESTING) {
      this.error(start, `Groups nested more than ${MAX_NESTING} levels deep`, 'nesting');
      return { nodes: [], connections: [], inPorts: [], outPorts: [], endIndex: this.lines.length, closed: true, name: '', description: '' };
    }
    this.depth++;
    try {
      return this.parseScopeBody(start, scopeId, parentGroupId, isRoot);
    } finally {
      this.depth--;
    }
  }

  private parseScopeBody(start: number, scopeId: string, parentGroupId: string | undefined, isRoot: boolean): ScopeResult {
    const lines = this.lines;
    const nodes: ParsedNode[] = [];
    const connections: ParsedConnection[] = [];
    const inPorts: ParsedPort[] = [];
    const outPorts: ParsedPort[] = [];
    const local = isRoot ? new Set<string>() : this.localIds(start);
    const renamed = new Map<string, string>();
    let closed = false;
    let name = 'Untitled Project';
    let description = '';
    let descriptionDone = isRoot;
    let section: Section = null;

    let current: NodeDraft | null = null;
    let insideBlock = false;
    let nodeSection: Section = null;
    let heredoc: { key: string; value: string; line: number } | null = null;
    let opaqueBlock = false;

    const scoped = (id: string): string => (isRoot ? id : `${scopeId}.${id}`);
    const isLocal = (id: string): boolean => {
      if (local.has(id)) return true;
      const sep = id.indexOf('__');
      if (sep > 0) {
        const head = id.slice(0, sep);
        return head === 'self' || local.has(head);
      }
      return false;
    };
    const flushNode = (): void => {
      if (current) {
        const node: ParsedNode = {
          id: scoped(current.id), type: current.type, label: current.label, config: { ...current.config },
          startLine: current.startLine, endLine: current.endLine || current.startLine, column: current.column,
          inPorts: current.inPorts, outPorts: current.outPorts, oneOfRequired: current.oneOfRequired, inline: false,
        };
        if (!isRoot) node.parentId = scopeId;
        nodes.push(node);
      }
      current = null;
      insideBlock = false;
      nodeSection = null;
      // Every statement the reference recognises at this point also ends an unexpected `… {` block, so its `}` closes the node.
      opaqueBlock = false;
    };
    /** Inline nodes and wirings found in a node body: at the root as they are; in a group, scoped. */
    const mergeInline = (sink: InlineSink, rescope: boolean, selfTarget?: string): void => {
      for (const child of sink.nodes) {
        if (rescope) nodes.push({ ...child, id: `${scopeId}.${child.id}`, parentId: scopeId });
        else nodes.push(child);
      }
      for (const conn of sink.connections) {
        if (!rescope) {
          connections.push({ ...conn, scopeId: ROOT });
          continue;
        }
        let { sourceId, targetId } = conn;
        let sourceIsSelf = false;
        let targetIsSelf = false;
        if (sourceId === 'self') {
          sourceId = scopeId;
          sourceIsSelf = true;
        } else if (isLocal(sourceId)) sourceId = `${scopeId}.${sourceId}`;
        if (targetId === 'self' || (selfTarget !== undefined && targetId === selfTarget)) {
          targetId = scopeId;
          targetIsSelf = true;
        } else if (isLocal(targetId)) targetId = `${scopeId}.${targetId}`;
        connections.push({ ...conn, sourceId, targetId, sourceIsSelf, targetIsSelf, scopeId });
      }
    };
    const newDraft = (id: string, type: string, line: number, raw: string): NodeDraft => ({
      id, type, label: null, config: {}, inPorts: [], outPorts: [], oneOfRequired: [], startLine: line, endLine: line,
      column: firstColumn(raw),
    });

    let i = start;
    while (i < lines.length) {
      const raw = lines[i]!;
      const trimmed = raw.trim();
      const line = i + 1;

      if (heredoc) {
        if (current) (current as NodeDraft).endLine = line;
        heredoc = this.heredocLine(heredoc, raw, trimmed, current ? (current as NodeDraft).config : {});
        i++;
        continue;
      }

      if (trimmed === '') {
        if (!descriptionDone && description) descriptionDone = true;
        i++;
        continue;
      }

      if (trimmed === '}' || trimmed.startsWith('} ->')) {
        if (!isRoot) {
          flushNode();
          if (trimmed.startsWith('} ->')) {
            const arrow = this.collectArrow(i, trimmed.slice(4).trim(), true);
            if (arrow.text.startsWith('(')) {
              const close = matchingParen(arrow.text, 0);
              if (close >= 0) {
                for (const item of portListItems(arrow.text.slice(1, close))) pushPorts(parsePortItems(item, line), 'out', outPorts, line, this);
              }
            }
            i = arrow.end;
          }
          closed = true;
          break;
        }
        if (opaqueBlock) {
          opaqueBlock = false;
        } else {
          if (current) (current as NodeDraft).endLine = line;
          let arrowIndex = -1;
          let first = '';
          if (trimmed.startsWith('} ->')) {
            arrowIndex = i;
            first = trimmed.slice(1).trim();
          } else {
            let peek = i + 1;
            while (peek < lines.length && lines[peek]!.trim() === '') peek++;
            if (peek < lines.length && lines[peek]!.trim().startsWith('->')) {
              arrowIndex = peek;
              first = lines[peek]!.trim();
            }
          }
          if (arrowIndex >= 0) {
            const arrow = this.collectArrow(arrowIndex, first);
            const target = current ? (current as NodeDraft).outPorts : [];
            this.readPostOutputs(arrow.text, target, arrow.end + 1,
              (p) => `Duplicate output port "${p}", already declared in the signature before the config block`);
            if (current) (current as NodeDraft).endLine = arrow.end + 1;
            i = arrow.end;
          }
          flushNode();
        }
        i++;
        continue;
      }

      if (isRoot && trimmed.startsWith('# Project:')) {
        opaqueBlock = false;
        name = trimmed.slice('# Project:'.length).trim();
        i++;
        continue;
      }
      if (isRoot && trimmed.startsWith('# Description:')) {
        opaqueBlock = false;
        description = trimmed.slice('# Description:'.length).trim();
        i++;
        continue;
      }
      if (trimmed.startsWith('#')) {
        if (!(insideBlock && current) && !descriptionDone) {
          const text = trimmed.slice(1).trim();
          if (text) description = description ? `${description}\n${text}` : text;
        } else if (isRoot && !(insideBlock && current)) {
          flushNode();
        }
        i++;
        continue;
      }
      descriptionDone = true;

      if (!isRoot) {
        const port = this.portLine(trimmed, section, inPorts, outPorts, line);
        section = port.section;
        if (port.consumed) {
          i++;
          continue;
        }
      }

      const head = ONE_LINER_HEAD.exec(trimmed);
      if (head && trimmed.endsWith('}')) {
        flushNode();
        section = null;
        const draft = newDraft(head[1]!, head[2]!, line, raw);
        current = draft;
        const body = trimmed.slice(head[0].length, -1).trim();
        for (const rawPair of body ? splitOnCommasOutsideBrackets(body) : []) {
          const pair = rawPair.trim();
          if (!pair) continue;
          const colon = pair.indexOf(':');
          if (colon < 0) {
            this.error(line, `Invalid config pair: '${pair}'`, 'syntax');
            continue;
          }
          const key = pair.slice(0, colon).trim();
          const value = pair.slice(colon + 1).trim();
          if (IDENT.test(key) && looksLikeInlineStart(value)) {
            const sink: InlineSink = { nodes: [], connections: [] };
            parseInlineExpression({ lines: [value], base: i, synthetic: true }, 0, 0, draft.id, key, sink, this);
            mergeInline({ nodes: sink.nodes, connections: sink.connections.map((c) => ({ ...c, line })) }, false);
            continue;
          }
          if (IDENT.test(key) && looksLikeDottedRef(value)) {
            connections.push({ ...this.wiring(value, draft.id, key, line, raw), scopeId: ROOT });
            continue;
          }
          if (key === 'label') {
            draft.label = parseLabel(value);
            continue;
          }
          this.setConfig(draft.config, key, parseConfigValue(value, key, (m) => this.error(line, m, 'invalid-json')), line);
        }
        flushNode();
        i++;
        continue;
      }

      const decl = DECLARATION.exec(trimmed);
      if (decl && decl[1] !== 'self') {
        const [, id, type] = decl as unknown as [string, string, string, string];
        const signature = this.readSignature((decl[3] ?? '').trim(), i);
        const headerEnd = signature.headerEnd;
        if (type === 'Group') {
          flushNode();
          section = null;
          i = this.group(id, signature, i, headerEnd, scopeId, isRoot, raw, renamed);
          continue;
        }
        flushNode();
        section = null;
        const draft = newDraft(id, type, line, raw);
        draft.inPorts = [...signature.inPorts];
        draft.outPorts = [...signature.outPorts];
        draft.oneOfRequired = [...signature.oneOfRequired];
        draft.endLine = headerEnd + 1;
        current = draft;
        const body = stripHeaderComment(signature.rest.trim());
        if (body.startsWith('->')) {
          this.error(line,
            'Two arrow clauses before the config block. You wrote: Type -> (out: T) -> (extra: T2) { config }. ' +
              'Fix: merge both port lists into one: Type -> (out: T, extra: T2) { config }. Just add the extra ports to the first arrow clause. ' +
              'Other errors below are likely caused by this, ignore them until this is fixed.',
            'two-arrows');
        }
        if (body === '{') {
          if (!isRoot) {
            const sink: InlineSink = { nodes: [], connections: [] };
            const block = this.childBlock(headerEnd + 1, id, sink);
            Object.assign(draft.config, block.config);
            if (block.label) draft.label = block.label;
            draft.inPorts.push(...block.inPorts);
            for (const p of block.outPorts) if (!draft.outPorts.some((o) => o.name === p.name)) draft.outPorts.push(p);
            draft.endLine = block.endIndex + 1;
            i = block.endIndex + 1;
            mergeInline(sink, true);
            let peek = i;
            while (peek < lines.length && lines[peek]!.trim() === '') peek++;
            if (peek < lines.length && lines[peek]!.trim().startsWith('->')) {
              const arrow = this.collectArrow(peek, lines[peek]!.trim());
              this.readPostOutputs(arrow.text, draft.outPorts, arrow.end + 1,
                (p) => `Duplicate output port "${p}", already declared in the signature before the config block`);
              draft.endLine = arrow.end + 1;
              i = arrow.end + 1;
            }
            flushNode();
            continue;
          }
          insideBlock = true;
        } else if (body.startsWith('{') && (body.endsWith('}') || body.includes('} ->'))) {
          this.flavourB(body, draft, line);
          flushNode();
        } else if (body.startsWith('{') && contentAfterFirstBrace(body)) {
          let collected = body;
          let j = headerEnd + 1;
          while (j < lines.length && !firstBraceClosed(collected)) collected += `\n${lines[j++]}`;
          const open = collected.indexOf('{');
          const close = collected.lastIndexOf('}');
          if (open >= 0 && close > open) {
            const sink: InlineSink = { nodes: [], connections: [] };
            this.multiLineOneLiner(collected.slice(open + 1, close), draft, line, i, sink);
            mergeInline(sink, false);
          }
          draft.endLine = j;
          i = j;
          flushNode();
          continue;
        } else {
          flushNode();
        }
        i = headerEnd + 1;
        continue;
      }

      if (insideBlock && current) {
        const draft = current as NodeDraft;
        draft.endLine = line;
        if (trimmed.startsWith('@require_one_of(') && trimmed.endsWith(')')) {
          const names = requireOneOfNames(trimmed);
          if (names.length > 0) draft.oneOfRequired.push(names);
          i++;
          continue;
        }
        const port = this.portLine(trimmed, nodeSection, draft.inPorts, draft.outPorts, line);
        nodeSection = port.section;
        if (port.consumed) {
          i++;
          continue;
        }
        const labelMatch = /^label\s*:\s*(.+)$/.exec(trimmed);
        if (labelMatch) {
          draft.label = parseLabel(labelMatch[1]!);
          i++;
          continue;
        }
        const match = KEY_VALUE.exec(trimmed);
        if (match && looksLikeInlineStart(match[2]!)) {
          const sink: InlineSink = { nodes: [], connections: [] };
          const next = parseInlineExpression(this.src, i, raw.indexOf(':') + 1, draft.id, match[1]!, sink, this);
          if (next !== null) {
            mergeInline(sink, false);
            draft.endLine = next;
            i = next;
          } else i++;
          continue;
        }
        if (match && looksLikeDottedRef(match[2]!)) {
          connections.push({ ...this.wiring(match[2]!.trim(), draft.id, match[1]!, line, raw), scopeId: ROOT });
          i++;
          continue;
        }
        const entry = this.configEntry(trimmed, i, draft.config);
        if (entry) {
          heredoc = entry.heredoc;
          if (entry.next > i + 1) draft.endLine = entry.next;
          i = entry.next;
          continue;
        }
        this.error(line, `Invalid config line: ${trimmed}`, 'invalid-config-line');
        i++;
        continue;
      }

      const inlineConnection = INLINE_CONNECTION.exec(trimmed);
      if (inlineConnection && inlineConnection[1]!.includes('.') && looksLikeInlineStart(inlineConnection[2]!)) {
        flushNode();
        const left = inlineConnection[1]!;
        let parent: string;
        let key: string;
        let selfTarget = false;
        if (!isRoot && left.startsWith('self.')) {
          parent = 'self';
          key = left.slice(5);
          selfTarget = true;
        } else {
          const dot = left.indexOf('.');
          parent = left.slice(0, dot);
          key = left.slice(dot + 1);
        }
        const sink: InlineSink = { nodes: [], connections: [] };
        const next = parseInlineExpression(this.src, i, raw.indexOf('=') + 1, parent, key, sink, this);
        if (next !== null) {
          mergeInline(sink, !isRoot, selfTarget ? 'self' : undefined);
          i = next;
        } else i++;
        continue;
      }

      if (isRoot) {
        const edge = ROOT_EDGE.exec(trimmed);
        if (edge) {
          flushNode();
          connections.push({
            sourceId: edge[3]!, sourcePort: edge[4]!, targetId: edge[1]!, targetPort: edge[2]!, line, column: firstColumn(raw),
            sourceIsSelf: false, targetIsSelf: false, scopeId: ROOT,
          });
          i++;
          continue;
        }
        const literal = LITERAL_CONNECTION.exec(trimmed);
        if (literal) {
          const value = tryParseLiteral(literal[3]!.trim());
          if (value !== undefined) {
            flushNode();
            this.fill(nodes, literal[1]!, literal[2]!, value);
            i++;
            continue;
          }
          const multi = this.multiLineLiteral(i, literal[3]!.trim());
          if (multi) {
            flushNode();
            this.fill(nodes, literal[1]!, literal[2]!, multi.value);
            i = multi.next;
            continue;
          }
        }
      } else {
        const literal = LITERAL_CONNECTION.exec(trimmed);
        if (literal && !trimmed.startsWith('self.')) {
          const value = tryParseLiteral(literal[3]!.trim());
          if (value !== undefined) {
            this.fill(nodes, `${scopeId}.${literal[1]}`, literal[2]!, value);
            i++;
            continue;
          }
          const multi = this.multiLineLiteral(i, literal[3]!.trim());
          if (multi) {
            this.fill(nodes, `${scopeId}.${literal[1]}`, literal[2]!, multi.value);
            i = multi.next;
            continue;
          }
        }
        const edge = GROUP_EDGE.exec(trimmed);
        if (edge) {
          const [left, right] = [edge[1]!, edge[2]!];
          const side = (ref: string): { id: string; port: string; self: boolean } | null => {
            if (ref.startsWith('self.')) return { id: scopeId, port: ref.slice(5), self: true };
            const dot = ref.indexOf('.');
            return dot < 0 ? null : { id: `${scopeId}.${ref.slice(0, dot)}`, port: ref.slice(dot + 1), self: false };
          };
          const target = side(left);
          if (!target) {
            this.error(line, `Invalid connection target: '${left}'. Use 'self.port' for group output or 'child.port' for a child node`, 'syntax');
            this.error(line, `Invalid connection target '${left}'`, 'syntax');
            i++;
            continue;
          }
          const source = side(right);
          if (!source) {
            this.error(line, `Invalid connection source: '${right}'. Use 'self.port' for group input or 'child.port' for a child node`, 'syntax');
            this.error(line, `Invalid connection source '${right}'`, 'syntax');
            i++;
            continue;
          }
          connections.push({
            sourceId: source.id, sourcePort: source.port, targetId: target.id, targetPort: target.port, line, column: firstColumn(raw),
            sourceIsSelf: source.self, targetIsSelf: target.self, scopeId,
          });
          i++;
          continue;
        }
      }

      if (trimmed.endsWith('{')) opaqueBlock = true;
      this.error(line, `Unexpected line: ${trimmed}`, 'unexpected-line');
      i++;
    }
    flushNode();

    if (renamed.size > 0) {
      for (const conn of connections) {
        if (!conn.sourceIsSelf) conn.sourceId = renamed.get(conn.sourceId) ?? conn.sourceId;
        if (!conn.targetIsSelf) conn.targetId = renamed.get(conn.targetId) ?? conn.targetId;
      }
    }
    return { nodes, connections, inPorts, outPorts, endIndex: i, closed: isRoot ? true : closed, name, description };
  }

  /** `id = Group …` (§7): returns the index to go on from. */
  private group(
    name: string, signature: Signature, index: number, headerEnd: number, scopeId: string, isRoot: boolean, raw: string,
    renamed: Map<string, string>,
  ): number {
    const line = index + 1;
    let id = isRoot ? name : `${scopeId}.${name}`;
    const wanted = id;
    if (this.groups.some((g) => g.id === id)) {
      let suffix = 2;
      let candidate = `${id}__${suffix}`;
      while (this.groups.some((g) => g.id === candidate)) candidate = `${id}__${suffix++}`;
      id = candidate;
    }
    const body = stripHeaderComment(signature.rest.trim());
    let result: Pick<ScopeResult, 'nodes' | 'connections' | 'inPorts' | 'outPorts' | 'closed' | 'endIndex'> & { description?: string };
    if (body === '{}' || body === '') {
      result = { nodes: [], connections: [], inPorts: signature.inPorts, outPorts: signature.outPorts, closed: true, endIndex: headerEnd };
    } else if (body === '{') {
      const scope = this.parseScope(headerEnd + 1, id, isRoot ? undefined : scopeId, false);
      result = {
        ...scope,
        inPorts: signature.inPorts.length > 0 ? signature.inPorts : scope.inPorts,
        outPorts: signature.outPorts.length > 0 ? signature.outPorts : scope.outPorts,
      };
    } else {
      this.error(line, `Unexpected after group declaration: ${body}`, 'syntax');
      result = { nodes: [], connections: [], inPorts: signature.inPorts, outPorts: signature.outPorts, closed: true, endIndex: headerEnd };
    }
    const group: ParsedGroup = {
      id, name, inPorts: result.inPorts, outPorts: result.outPorts, oneOfRequired: signature.oneOfRequired,
      nodes: result.nodes, connections: result.connections, startLine: line,
      endLine: result.closed ? Math.min(result.endIndex + 1, this.lines.length) : line, column: firstColumn(raw),
    };
    if (result.description) group.description = result.description;
    if (!isRoot) group.parentGroupId = scopeId;
    if (wanted !== id) renamed.set(wanted, id);
    if (!result.closed) this.error(line, `Unclosed group '${name}'`, 'unclosed-group');
    this.groups.push(group);
    return result.endIndex + 1;
  }

  /** Flavour B one-line body (§3.5): literals and label only, pairs split on commas outside quotes. */
  private flavourB(body: string, draft: NodeDraft, line: number): void {
    let config = body;
    let arrow: string | null = null;
    if (!body.endsWith('}') && body.includes('} ->')) {
      let depth = 0;
      let inQuote = false;
      for (let c = 0; c < body.length; c++) {
        const ch = body[c];
        if (ch === '"') inQuote = !inQuote;
        if (inQuote) continue;
        if (ch === '{') depth++;
        if (ch === '}') {
          depth--;
          if (depth === 0) {
            const rest = body.slice(c + 1).trim();
            if (rest.startsWith('->')) {
              config = body.slice(0, c + 1);
              arrow = rest.slice(2).trim();
            }
            break;
          }
        }
      }
    }
    const inner = config.slice(1, -1).trim();
    for (const pair of inner ? splitOnCommasOutsideQuotes(inner) : []) {
      const match = KEY_VALUE.exec(pair);
      if (!match) continue;
      const key = match[1]!;
      const value = match[2]!.trim();
      if (key === 'label') draft.label = parseLabel(value);
      else this.setConfig(draft.config, key, parseConfigValue(value, key, (m) => this.error(line, m, 'invalid-json')), line);
    }
    if (arrow) {
      this.readPostOutputs(arrow, draft.outPorts, line, (p) => `Duplicate output port "${p}", already declared before the config block`);
    }
  }

  /** A body opened on the header line that closes on a later line (§3.6). */
  private multiLineOneLiner(body: string, draft: NodeDraft, line: number, index: number, sink: InlineSink): void {
    const pairs: string[] = [];
    let currentPair = '';
    let inQuote = false;
    let inBackticks = false;
    let depth = 0;
    for (let j = 0; j < body.length; j++) {
      if (body.startsWith('```', j) && j + 2 < body.length) {
        currentPair += '```';
        inBackticks = !inBackticks;
        j += 2;
        continue;
      }
      const c = body[j]!;
      if (inBackticks) {
        currentPair += c;
        continue;
      }
      if (c === '"' && (j === 0 || body[j - 1] !== '\\')) inQuote = !inQuote;
      if (!inQuote) {
        if (c === '[' || c === '{' || c === '(') depth++;
        else if (c === ']' || c === '}' || c === ')') depth--;
      }
      if ((c === ',' || c === '\n') && !inQuote && depth === 0) {
        if (currentPair.trim()) pairs.push(currentPair.trim());
        currentPair = '';
        continue;
      }
      currentPair += c;
    }
    if (currentPair.trim()) pairs.push(currentPair.trim());
    for (const pair of pairs) {
      const colon = pair.indexOf(':');
      if (colon < 0) continue;
      const key = pair.slice(0, colon).trim();
      const value = pair.slice(colon + 1).trim();
      if (!IDENT.test(key)) continue;
      if (value.startsWith('```') && value.endsWith('```') && value.length >= 6) {
        let inner = value.slice(3, -3);
        if (inner.startsWith('\n')) inner = inner.slice(1);
        if (inner.endsWith('\n')) inner = inner.slice(0, -1);
        this.setConfig(draft.config, key, unescapeBackticks(dedent(inner)), line);
        continue;
      }
      if (looksLikeInlineStart(value)) {
        const inner: InlineSink = { nodes: [], connections: [] };
        parseInlineExpression({ lines: [value], base: index, synthetic: true }, 0, 0, draft.id, key, inner, this);
        sink.nodes.push(...inner.nodes);
        sink.connections.push(...inner.connections.map((c) => ({ ...c, line })));
        continue;
      }
      if (looksLikeDottedRef(value)) {
        const dot = value.indexOf('.');
        sink.connections.push({
          sourceId: value.slice(0, dot), sourcePort: value.slice(dot + 1), targetId: draft.id, targetPort: key, line, column: draft.column,
          sourceIsSelf: false, targetIsSelf: false,
        });
        continue;
      }
      if (key === 'label') continue;
      this.setConfig(draft.config, key, parseConfigValue(value, key, (m) => this.error(line, m, 'invalid-json')), line);
    }
  }

  /** `n.key = literal`: sets config on a node declared above; silently dropped otherwise (§4.2). */
  private fill(nodes: ParsedNode[], targetId: string, key: string, value: JsonValue): void {
    const node = nodes.find((n) => n.id === targetId);
    if (node) node.config[key] = value;
  }
}

/** Parses Weft code into nodes, groups and connections, with every syntax problem found. */
export function parseProgram(code: string | readonly string[]): ParsedProgram {
  const lines = typeof code === 'string' ? programLines(code) : [...code];
  const parser = new Parser(lines);
  const root = parser.parseScope(0, ROOT, undefined, true);
  return {
    name: root.name,
    description: root.description || null,
    nodes: root.nodes,
    connections: root.connections,
    groups: parser.groups,
    errors: parser.errors,
  };
}

export { ROOT as ROOT_SCOPE };
