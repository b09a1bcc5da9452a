import { HighlightStyle, StreamLanguage, syntaxHighlighting, type StreamParser, type StringStream } from '@codemirror/language';
import { python } from '@codemirror/legacy-modes/mode/python';
import { classHighlighter, tags } from '@lezer/highlight';

/** Port types of Weft (section 9), highlighted as types in signatures. */
const typeWords = /^(?:String|Number|Boolean|Null|List|Dict|JsonDict|Image|Video|Audio|Document|Media|Any|MustOverride|T\d*)\b/;

interface WeftState {
  /** Inside a multi-line ``` value. */
  inBlock: boolean;
  /** That value is ExecPython code: it is tokenized by the Python mode. */
  python: unknown | null;
  /** The node type of the declaration being read (`id = Type …`), to tell `code:` of ExecPython. */
  nodeType: string | null;
  /** Bracket depth of `{ … }` bodies, to know when a declaration ends. */
  depth: number;
}

const pythonParser = python as StreamParser<unknown>;

function closesBlock(stream: StringStream): boolean {
  // A line closes the value when its text ends with ``` not preceded by a backslash (LANGUAGE.md 1.5).
  return /(?<!\\)```\s*$/.test(stream.string);
}

/**
 * A line-by-line tokenizer for Weft: `#` comment lines, "…" strings, ``` blocks (Python inside an
 * ExecPython's `code`), `id = Type` declarations (the type as a type name), `node.port` references,
 * `key:` config fields and port types in signatures.
 */
export const weftParser: StreamParser<WeftState> = {
  name: 'weft',
  startState: () => ({ inBlock: false, python: null, nodeType: null, depth: 0 }),
  copyState: (state) => ({ ...state, python: state.python && pythonParser.copyState ? pythonParser.copyState(state.python) : state.python }),
  token(stream, state) {
    if (state.inBlock) {
      if (closesBlock(stream)) {
        const close = stream.string.lastIndexOf('```');
        if (stream.pos < close) {
          if (state.python) {
            const start = stream.pos;
            const style = pythonParser.token(stream, state.python);
            if (stream.pos > close) stream.pos = Math.max(close, start + 1);
            return style;
          }
          stream.pos = close;
          return 'string';
        }
        stream.pos = close + 3;
        state.inBlock = false;
        state.python = null;
        return 'string';
      }
      if (state.python) {
        const style = pythonParser.token(stream, state.python);
        if (stream.pos === stream.start) stream.next();
        return style;
      }
      stream.skipToEnd();
      return 'string';
    }
    if (stream.sol() && stream.match(/^\s*#.*/)) return 'comment';
    if (stream.eatSpace()) return null;
    if (stream.match('```')) {
      if (stream.skipTo('```')) {
        stream.pos += 3;
        return 'string';
      }
      state.inBlock = true;
      const key = /([A-Za-z_][A-Za-z0-9_]*)\s*:\s*$/.exec(stream.string.slice(0, stream.start))?.[1];
      const isPython = key === 'code' && (state.nodeType === 'ExecPython' || state.nodeType === null);
      state.python = isPython ? (pythonParser.startState?.(2) ?? {}) : null;
      return 'string';
    }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string';
    if (stream.match(/^-?\d+(?:\.\d+)?\b/)) return 'number';
    if (stream.match(/^(?:true|false|null)\b/)) return 'atom';
    if (stream.match('->')) return 'operator';
    if (stream.match(/^@[A-Za-z_]+/)) return 'meta';
    if (stream.match(/^[{}]/)) {
      const brace = stream.current();
      state.depth = Math.max(0, state.depth + (brace === '{' ? 1 : -1));
      if (state.depth === 0 && brace === '}') state.nodeType = null;
      return 'brace';
    }
    if (stream.match(/^[()[\]]/)) return 'bracket';
    if (stream.match('=')) return 'operator';
    const before = stream.string.slice(0, stream.pos).trim();
    // `key:` at the start of a line inside a body, or after `{` / `,` in a one-line body: a config field.
    if ((before === '' || /[{,]$/.test(before)) && stream.match(/^[A-Za-z_][A-Za-z0-9_]*(?=\s*:)/)) return 'propertyName';
    // `Type` after `id =`: a node type.
    if (/=\s*$/.test(before) && stream.match(/^[A-Z][A-Za-z0-9_]*/)) {
      if (state.depth === 0) state.nodeType = stream.current();
      return 'typeName';
    }
    if (stream.match(typeWords)) return 'typeName';
    // `node.port`: the node, then the port.
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*(?=\.)/)) return 'variableName';
    if (stream.eat('.') && stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) return 'propertyName';
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) return 'variableName';
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: '#' } },
};

export const weftHighlight = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--purple-ink)', fontWeight: '600' },
  { tag: [tags.typeName, tags.className], color: 'var(--purple-ink)', fontWeight: '600' },
  { tag: tags.propertyName, color: 'var(--accent)' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--success-ink)' },
  { tag: tags.comment, color: 'var(--text-faint)', fontStyle: 'italic' },
  { tag: [tags.number, tags.bool, tags.atom], color: 'var(--orange-ink)' },
  { tag: [tags.brace, tags.bracket], color: 'var(--orange-ink)' },
  { tag: tags.operator, color: 'var(--text-muted)' },
  { tag: tags.meta, color: 'var(--warning-ink)' },
  { tag: [tags.definitionKeyword, tags.controlKeyword, tags.operatorKeyword, tags.moduleKeyword], color: 'var(--purple-ink)', fontWeight: '600' },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: 'var(--accent)' },
]);

export const weftStreamLanguage = StreamLanguage.define(weftParser);

/** The Weft mode for CodeEditor (Python highlighted inside ExecPython `code` blocks). */
export function weftLanguage() {
  // The theme's colours, and stable `tok-…` class names on each token (for tests and user styles).
  return [weftStreamLanguage, syntaxHighlighting(weftHighlight), syntaxHighlighting(classHighlighter)];
}
