import type { Position, Span } from './ast';
import { errorAt, type Diagnostic } from './diagnostics';

export type Punctuation = '=' | '{' | '}' | '(' | ')' | '[' | ']' | ':' | ',' | '.' | '?' | '|' | '->' | '@';

export type Token =
  | { kind: 'ident'; text: string; span: Span; newlineBefore: boolean }
  | { kind: 'string'; text: string; value: string; span: Span; newlineBefore: boolean }
  | { kind: 'number'; text: string; value: number; span: Span; newlineBefore: boolean }
  | { kind: 'punct'; text: Punctuation; span: Span; newlineBefore: boolean }
  | { kind: 'eof'; text: ''; span: Span; newlineBefore: boolean };

type TokenDraft = Token extends infer T ? (T extends Token ? Omit<T, 'newlineBefore'> : never) : never;

export interface LexResult {
  tokens: Token[];
  diagnostics: Diagnostic[];
}

const PUNCTUATION = new Set<string>(['=', '{', '}', '(', ')', '[', ']', ':', ',', '.', '?', '|', '@']);
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f' };
const FENCE = '```';
const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;

const isAsciiLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentStart = (c: string): boolean => isAsciiLetter(c) || (c > '\x7f' && /\p{L}/u.test(c));
const isIdentPart = (c: string): boolean => isIdentStart(c) || (c >= '0' && c <= '9') || (c > '\x7f' && /\p{N}/u.test(c));
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Removes the fence lines and the indentation common to every non-blank line. */
export function dedentBlock(raw: string): string {
  const lines = raw.split(/\r?\n/);
  if (lines.length > 1 && lines[0]!.trim() === '') lines.shift();
  if (lines.length > 1 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
  const common = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((l) => (l.trim() === '' ? '' : l.slice(common))).join('\n');
}

/** Turns Weft source into tokens; problems become diagnostics and lexing goes on. */
export function lex(source: string): LexResult {
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  let offset = 0;
  let line = 1;
  let column = 1;
  let newlineBefore = true;

  const here = (): Position => ({ line, column });
  const peek = (ahead = 0): string | undefined => source[offset + ahead];
  const advance = (): string => {
    const c = source[offset++]!;
    if (c === '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
    return c;
  };
  const push = (token: TokenDraft): void => {
    tokens.push(Object.assign(token, { newlineBefore }) as Token);
    newlineBefore = false;
  };
  /** Moves over characters known to hold no line break. */
  const skipWithinLine = (end: number): void => {
    column += end - offset;
    offset = end;
  };

  const readQuoted = (start: Position): void => {
    const startOffset = offset;
    advance();
    let value = '';
    let closed = false;
    while (offset < source.length && peek() !== '\n') {
      const c = advance();
      if (c === '"') {
        closed = true;
        break;
      }
      if (c !== '\\') {
        value += c;
        continue;
      }
      const escapeStart = { line, column: column - 1 };
      const e = peek();
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(offset + 1, offset + 5))) {
        value += String.fromCharCode(parseInt(source.slice(offset + 1, offset + 5), 16));
        for (let i = 0; i < 5; i++) advance();
      } else if (e !== undefined && e !== '\n' && ESCAPES[e] !== undefined) {
        value += ESCAPES[advance()];
      } else {
        const shown = e === undefined || e === '\n' ? '\\' : `\\${advance()}`;
        diagnostics.push(
          errorAt({ start: escapeStart, end: here() }, 'invalid-escape',
            `unknown escape "${shown}" in a string; use \\n, \\t, \\r, \\", \\\\ or \\uXXXX`),
        );
      }
    }
    const span = { start, end: here() };
    if (!closed) diagnostics.push(errorAt(span, 'unterminated-string', 'this string is not closed with " before the end of the line'));
    push({ kind: 'string', text: source.slice(startOffset, offset), value, span });
  };

  const readBlock = (start: Position): void => {
    const startOffset = offset;
    for (let i = 0; i < 3; i++) advance();
    const close = source.indexOf(FENCE, offset);
    const end = close === -1 ? source.length : close;
    const raw = source.slice(offset, end);
    while (offset < end) advance();
    if (close === -1) {
      diagnostics.push(errorAt({ start, end: here() }, 'unterminated-string', 'this ``` block is never closed with ```'));
    } else {
      for (let i = 0; i < 3; i++) advance();
    }
    push({ kind: 'string', text: source.slice(startOffset, offset), value: dedentBlock(raw), span: { start, end: here() } });
  };

  const readNumber = (start: Position): void => {
    NUMBER.lastIndex = offset;
    const match = NUMBER.exec(source)!;
    skipWithinLine(offset + match[0].length);
    push({ kind: 'number', text: match[0], value: Number(match[0]), span: { start, end: here() } });
  };

  while (offset < source.length) {
    const c = peek()!;
    const start = here();
    if (c === '\n') {
      advance();
      newlineBefore = true;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      advance();
    } else if (c === '#') {
      const lineEnd = source.indexOf('\n', offset);
      skipWithinLine(lineEnd === -1 ? source.length : lineEnd);
    } else if (source.startsWith(FENCE, offset)) {
      readBlock(start);
    } else if (c === '"') {
      readQuoted(start);
    } else if (isDigit(c) || (c === '-' && isDigit(peek(1)))) {
      readNumber(start);
    } else if (c === '-' && peek(1) === '>') {
      advance();
      advance();
      push({ kind: 'punct', text: '->', span: { start, end: here() } });
    } else if (PUNCTUATION.has(c)) {
      advance();
      push({ kind: 'punct', text: c as Punctuation, span: { start, end: here() } });
    } else if (isIdentStart(c)) {
      let end = offset + 1;
      while (end < source.length && isIdentPart(source[end]!)) end++;
      const text = source.slice(offset, end);
      skipWithinLine(end);
      push({ kind: 'ident', text, span: { start, end: here() } });
    } else {
      advance();
      diagnostics.push(errorAt({ start, end: here() }, 'syntax', `unexpected character "${c}"`));
    }
  }
  const end = here();
  tokens.push({ kind: 'eof', text: '', span: { start: end, end }, newlineBefore: true });
  return { tokens, diagnostics };
}
