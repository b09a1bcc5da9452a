/**
 * Compact JSON of `value`, cut a little after `limit` characters: a 1 MiB output is not turned
 * into a megabyte of text to show its first 48 characters.
 */
function boundedJson(value: unknown, limit: number): string {
  let text = '';
  const write = (part: unknown): boolean => {
    if (text.length > limit) return false;
    if (part === null || typeof part !== 'object') {
      text += JSON.stringify(part) ?? 'null';
      return text.length <= limit;
    }
    const entries: [string | null, unknown][] = Array.isArray(part) ? part.map((item) => [null, item]) : Object.entries(part);
    text += Array.isArray(part) ? '[' : '{';
    for (const [index, [key, item]] of entries.entries()) {
      if (index > 0) text += ',';
      if (key !== null) text += `${JSON.stringify(key)}:`;
      if (!write(item)) return false;
    }
    text += Array.isArray(part) ? ']' : '}';
    return text.length <= limit;
  };
  write(value);
  return text;
}

/** A one-line glimpse of a value for the canvas: strings as they are, anything else as compact JSON. */
export function previewValue(value: unknown, maxLength = 48): string {
  const text = typeof value === 'string' ? value.slice(0, maxLength * 4) : value === undefined ? 'undefined' : boundedJson(value, maxLength * 4);
  const line = text.replace(/\s+/g, ' ');
  return line.length > maxLength ? `${line.slice(0, maxLength - 1)}…` : line;
}

/** A node's output with a single port shows that port's value; several ports show as `port: value` pairs. */
export function previewOutput(output: unknown): string {
  if (output && typeof output === 'object' && !Array.isArray(output)) {
    const entries = Object.entries(output);
    if (entries.length === 1) return previewValue(entries[0]![1]);
    return previewValue(entries.map(([port, value]) => `${port}: ${previewValue(value, 24)}`).join(', '), 64);
  }
  return previewValue(output);
}
