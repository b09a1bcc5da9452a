/**
 * Loom's two pre-passes, which turn forgiving text into one directive per line:
 * reflow (braces and commas become line breaks, attribute-only lines continue the line
 * before) and triple-backtick values (become ordinary quoted strings). Each resulting line
 * remembers the line of the stored text it came from, for diagnostics.
 */
import { brickKinds } from './manifest';

export interface SourceLine {
  text: string;
  /** 1-based line of the stored text where this line starts. */
  line: number;
  /** The line starts inside a multi-line triple-backtick value: kept raw, never reflowed or glued. */
  raw?: boolean;
}

const directiveWords: ReadonlySet<string> = new Set(['phase', 'field', 'output', 'live', 'theme', ...brickKinds]);
const tripleBacktick = '```';

/** Pre-pass 1. Text inside "…" and inside ``` is never touched; comment lines are not reflowed. */
export function reflow(text: string, firstLine = 1): SourceLine[] {
  const physical = text.replace(/\r\n?/g, '\n').split('\n');
  const out: SourceLine[] = [];
  let inTriple = false;
  physical.forEach((source, index) => {
    const line = firstLine + index;
    if (!inTriple && source.trim().startsWith('#')) {
      // Weft's reference splits comments at commas too (a stray `then two` line); a comment stays a comment here.
      out.push({ text: source, line });
      return;
    }
    let current: SourceLine = { text: '', line, ...(inTriple ? { raw: true } : {}) };
    const breakLine = () => {
      out.push(current);
      current = { text: '', line, ...(inTriple ? { raw: true } : {}) };
    };
    let inQuote = false;
    for (let i = 0; i < source.length; i++) {
      const ch = source[i]!;
      if (inTriple) {
        if (source.startsWith(tripleBacktick, i)) {
          inTriple = false;
          current.text += tripleBacktick;
          i += 2;
        } else current.text += ch;
      } else if (inQuote) {
        current.text += ch;
        if (ch === '\\' && i + 1 < source.length) current.text += source[++i];
        else if (ch === '"') inQuote = false;
      } else if (source.startsWith(tripleBacktick, i)) {
        inTriple = true;
        current.text += tripleBacktick;
        i += 2;
      } else if (ch === '"') {
        inQuote = true;
        current.text += ch;
      } else if (ch === '{') {
        current.text += ch;
        breakLine();
      } else if (ch === '}') {
        breakLine();
        current.text = '}';
        breakLine();
      } else if (ch === ',') {
        breakLine();
      } else current.text += ch;
    }
    out.push(current);
  });
  return glueContinuations(collapseBlankRuns(out));
}

function isBlank(line: SourceLine): boolean {
  return line.text.trim() === '';
}

function collapseBlankRuns(lines: SourceLine[]): SourceLine[] {
  return lines.filter((line, index) => !(isBlank(line) && index > 0 && isBlank(lines[index - 1]!)));
}

/** An attribute-only line (`key:value …`) continues the previous non-blank line, unless that one opens or closes a block. */
function glueContinuations(lines: SourceLine[]): SourceLine[] {
  const out: SourceLine[] = [];
  for (const line of lines) {
    const trimmed = line.text.trim();
    const key = /^([A-Za-z0-9_-]+):/.exec(trimmed)?.[1];
    if (!line.raw && key !== undefined && !directiveWords.has(key)) {
      const previous = [...out].reverse().find((candidate) => !isBlank(candidate));
      const before = previous?.text.trim();
      if (previous && before !== undefined && before !== '{' && before !== '}' && !before.endsWith('{') && !before.startsWith('#')) {
        previous.text = `${previous.text.trimEnd()} ${trimmed}`;
        continue;
      }
    }
    out.push({ ...line });
  }
  return out;
}

function quoted(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
}

/** Where ``` starts outside a "…" string on this line, from `from`. */
function tripleOutsideQuotes(text: string, from = 0): number {
  let inQuote = false;
  for (let i = from; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuote) {
      if (ch === '\\') i++;
      else if (ch === '"') inQuote = false;
    } else if (ch === '"') inQuote = true;
    else if (text.startsWith(tripleBacktick, i)) return i;
  }
  return -1;
}

export interface ValuePassResult {
  lines: SourceLine[];
  /** Lines whose ``` value never closes. */
  unclosed: SourceLine[];
}

/**
 * Pre-pass 2: every ```…``` value becomes a quoted string. A multi-line value keeps its
 * lines raw, with their indentation (no dedent); text after the closing backticks stays on the line.
 */
export function inlineTripleBacktickValues(lines: SourceLine[]): ValuePassResult {
  const out: SourceLine[] = [];
  const unclosed: SourceLine[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.raw) continue; // content of a value whose opening line was dropped
    let text = line.text;
    let searchFrom = 0;
    for (;;) {
      const open = tripleOutsideQuotes(text, searchFrom);
      if (open < 0) break;
      const before = text.slice(0, open);
      const rest = text.slice(open + 3);
      const closeOnLine = rest.indexOf(tripleBacktick);
      if (closeOnLine >= 0) {
        const value = quoted(rest.slice(0, closeOnLine));
        text = before + value + rest.slice(closeOnLine + 3);
        searchFrom = before.length + value.length;
        continue;
      }
      const valueLines = rest.trim() === '' ? [] : [rest];
      let end = index + 1;
      let after: string | undefined;
      for (; end < lines.length; end++) {
        const candidate = lines[end]!.text;
        const close = candidate.indexOf(tripleBacktick);
        if (close >= 0) {
          const last = candidate.slice(0, close).trim();
          if (last) valueLines.push(last);
          after = candidate.slice(close + 3);
          break;
        }
        valueLines.push(candidate);
      }
      if (after === undefined) {
        unclosed.push(line);
        text = line.text;
        // The value runs to the end of the text: its lines are dropped with it.
        index = lines.length;
        break;
      }
      const value = quoted(valueLines.join('\n'));
      text = before + value + after;
      searchFrom = before.length + value.length;
      index = end;
    }
    out.push({ text, line: line.line });
  }
  return { lines: out, unclosed };
}
