/**
 * Writing a runner page's field values into the Weft source as the nodes' new defaults (the
 * runner's explicit "Save as defaults"). Values are written as LOOM.md §10.2 says: multi-line
 * strings as ``` blocks, other strings quoted, numbers and booleans bare, objects and arrays as
 * JSON; null removes the key. The result is compiled again and must give exactly these config
 * values, or nothing is written.
 */
import { compileWeft } from '../weft';

export type ConfigValues = Record<string, Record<string, unknown>>;

function rendered(value: unknown, indent: string): string {
  if (typeof value === 'string') {
    if (!value.includes('\n') || value.includes('```')) return JSON.stringify(value);
    const body = value.split('\n').map((line) => `${indent}  ${line}`).join('\n');
    return `\`\`\`\n${body}\n${indent}  \`\`\``;
  }
  return JSON.stringify(value);
}

/** The lines (0-based, end exclusive) a `key: value` entry starting at `start` spans. */
function entryEnd(lines: string[], start: number, limit: number): number {
  const afterColon = lines[start]!.slice(lines[start]!.indexOf(':') + 1).trim();
  if (afterColon.startsWith('```') && !afterColon.slice(3).includes('```')) {
    for (let i = start + 1; i < limit; i++) if (lines[i]!.includes('```')) return i + 1;
    return start + 1;
  }
  const open = afterColon[0];
  if (open === '[' || open === '{') {
    let depth = 0;
    let inString = false;
    for (let i = start; i < limit; i++) {
      const text = i === start ? afterColon : lines[i]!;
      for (let j = 0; j < text.length; j++) {
        const ch = text[j]!;
        if (inString) {
          if (ch === '\\') j++;
          else if (ch === '"') inString = false;
        } else if (ch === '"') inString = true;
        else if (ch === '[' || ch === '{') depth++;
        else if (ch === ']' || ch === '}') depth--;
      }
      if (depth <= 0) return i + 1;
    }
  }
  return start + 1;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function setInNode(lines: string[], first: number, last: number, key: string, value: unknown): void {
  const keyPattern = new RegExp(`^(\\s*)${escapeRegExp(key)}\\s*:`);
  if (first === last) {
    // A one-line body: `x = Text { value: "a", label: "b" }` becomes a block so the entry can be written safely.
    const line = lines[first]!;
    const open = line.indexOf('{');
    const close = line.lastIndexOf('}');
    if (open < 0 || close < open) {
      if (value !== null) lines.splice(first, 1, `${line.trimEnd()} {`, `  ${key}: ${rendered(value, '')}`, '}');
      return;
    }
    const entries = line.slice(open + 1, close).trim();
    const head = line.slice(0, open + 1);
    const block = [head, ...(entries ? [`  ${entries}`] : []), `}${line.slice(close + 1)}`];
    lines.splice(first, 1, ...block);
    setInNode(lines, first, first + block.length - 1, key, value);
    return;
  }
  for (let i = first + 1; i < last; i++) {
    const match = keyPattern.exec(lines[i]!);
    if (!match) continue;
    const end = entryEnd(lines, i, last);
    const replacement = value === null ? [] : `${match[1]}${key}: ${rendered(value, match[1]!)}`.split('\n');
    lines.splice(i, end - i, ...replacement);
    return;
  }
  if (value === null) return;
  const indent = /^(\s*)\S/.exec(lines[first + 1] ?? '')?.[1] ?? `${/^(\s*)/.exec(lines[first]!)![1]}  `;
  lines.splice(last, 0, ...`${indent}${key}: ${rendered(value, indent)}`.split('\n'));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The code with these config values written into their nodes, or why that cannot be done safely. */
export function withDefaults(code: string, values: ConfigValues): { code: string } | { problem: string } {
  let lines = code.split('\n');
  for (const [nodeId, byKey] of Object.entries(values)) {
    for (const [key, value] of Object.entries(byKey)) {
      const graph = compileWeft(lines.join('\n'), '', { partial: true }).graph;
      const node = graph?.nodes.find((candidate) => candidate.id === nodeId);
      if (!node) return { problem: `No node "${nodeId}" in the code` };
      if (node.scope.length > 0 || node.id.includes('__')) return { problem: `${nodeId} is declared inside a group or inline: set its defaults in the code` };
      lines = [...lines];
      setInNode(lines, node.code.line - 1, node.code.endLine - 1, key, value);
    }
  }
  const written = lines.join('\n');
  const check = compileWeft(written, '', { partial: true });
  for (const [nodeId, byKey] of Object.entries(values)) {
    const config = check.graph?.nodes.find((node) => node.id === nodeId)?.config ?? {};
    for (const [key, value] of Object.entries(byKey)) {
      if (value === null ? key in config : !same(config[key], value)) {
        return { problem: `Could not write ${nodeId} ${key} into the code safely; set it in the code` };
      }
    }
  }
  return { code: written };
}
