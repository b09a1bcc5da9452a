/** A node's place in the Weft source (lines from 1). */
export interface SourceSpan {
  line: number;
  endLine: number;
}

/**
 * The Weft line of line `pythonLine` (from 1) of the node's ``` `code` value, following LANGUAGE.md 1.5:
 * text after the opening backticks is the first line; otherwise the value starts on the next line,
 * leading completely empty lines dropped. Null when the node has no such block.
 */
export function weftLineOfPython(source: string, span: SourceSpan, pythonLine: number): number | null {
  const lines = source.split('\n');
  for (let index = span.line - 1; index < Math.min(span.endLine, lines.length); index++) {
    const opening = /^\s*code\s*:\s*```(.*)$/.exec(lines[index]!);
    if (!opening) continue;
    if (opening[1]!.trim() !== '') return index + 1 + (pythonLine - 1);
    let first = index + 1;
    while (first < lines.length && lines[first] === '') first++;
    return first + 1 + (pythonLine - 1);
  }
  return null;
}

/** The line of the node's own code that a Python traceback ends in (`File "<code>", line N`), if any. */
export function pythonErrorLine(error: string): number | null {
  const matches = [...error.matchAll(/File "<code>", line (\d+)/g)];
  const last = matches.at(-1);
  if (last) return Number(last[1]);
  const short = /\(line (\d+)\)/.exec(error);
  return short ? Number(short[1]) : null;
}
