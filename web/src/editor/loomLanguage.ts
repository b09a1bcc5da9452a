import { HighlightStyle, StreamLanguage, syntaxHighlighting, type StringStream } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { brickKinds } from '../../../server/loom/manifest';

/** Loom's directive words and brick kinds, highlighted as keywords at the start of a line. */
const directives = new Set(['theme', 'phase', 'field', 'output', 'live', ...brickKinds]);

interface LoomState {
  /** Inside a multi-line ``` value. */
  inValue: boolean;
}

/** A line-by-line tokenizer for Loom: comments, directives, `key:` attributes, "…" and ``` values, braces. */
const loomParser = {
  name: 'loom',
  startState: (): LoomState => ({ inValue: false }),
  token(stream: StringStream, state: LoomState): string | null {
    if (state.inValue) {
      if (stream.skipTo('```')) {
        stream.pos += 3;
        state.inValue = false;
      } else stream.skipToEnd();
      return 'string';
    }
    if (stream.sol() && stream.match(/^\s*#.*/)) return 'comment';
    if (stream.eatSpace()) return null;
    if (stream.match('```')) {
      if (stream.skipTo('```')) stream.pos += 3;
      else {
        stream.skipToEnd();
        state.inValue = true;
      }
      return 'string';
    }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string';
    if (stream.match(/^[{}[\]]/)) return 'bracket';
    if (stream.match(/^[A-Za-z0-9_-]+(?=:)/)) return 'propertyName';
    if (stream.eat(':')) return 'punctuation';
    const word = stream.match(/^[A-Za-z][A-Za-z0-9_-]*/) as RegExpMatchArray | null;
    if (word) {
      const before = stream.string.slice(0, stream.start).trim();
      return before === '' && directives.has(word[0]) ? 'keyword' : 'variableName';
    }
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: '#' } },
};

const loomHighlight = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--purple-ink)', fontWeight: '600' },
  { tag: tags.propertyName, color: 'var(--accent)' },
  { tag: tags.string, color: 'var(--success-ink)' },
  { tag: tags.comment, color: 'var(--text-faint)', fontStyle: 'italic' },
  { tag: tags.bracket, color: 'var(--orange-ink)' },
]);

/** The Loom mode for CodeEditor. */
export function loomLanguage() {
  return [StreamLanguage.define(loomParser), syntaxHighlighting(loomHighlight)];
}
