/** A one-line glimpse of a value for the canvas: strings as they are, anything else as compact JSON. */
export function previewValue(value: unknown, maxLength = 48): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined';
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
