/**
 * The reference's project export: `{name, description, weftCode, layoutCode, loomCode}`, with the
 * values of credential fields (catalog field type `password` or `api_key`, e.g. LlmConfig's apiKey,
 * ApiPost's apiKey) removed from the code, as Weft's dashboard does when it exports a project.
 */
import { weftCatalogEntry } from '../nodes/weftCatalog';
import { compileWeft } from '../weft';

export interface ProjectExport {
  name: string;
  description: string;
  weftCode: string;
  layoutCode: string;
  loomCode: string;
}

const CREDENTIAL_FIELD_TYPES = ['password', 'api_key'];

/** A Weft literal as written after `key:` or `port =`: a quoted string, a triple-backtick block, or the rest of a bare value. */
const LITERAL = String.raw`("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|` + '```[\\s\\S]*?```' + String.raw`|[^\s,}][^,}\n]*)`;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function credentialKeys(type: string): string[] {
  return (weftCatalogEntry(type)?.fields ?? []).filter((field) => CREDENTIAL_FIELD_TYPES.includes(field.type)).map((field) => field.key);
}

function lineOffsets(code: string): number[] {
  const offsets = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === '\n') offsets.push(i + 1);
  return offsets;
}

/**
 * The code with every credential value replaced by "" (an empty api_key means the platform's key):
 * in the config block of each node whose type has such a field, and on connection lines that set it
 * (`node.apiKey = "…"`). Code that does not compile is returned with what can be found stripped.
 */
export function stripCredentials(code: string): string {
  const graph = compileWeft(code, '', { partial: true }).graph;
  if (!graph) return code;
  const offsets = lineOffsets(code);
  const at = (line: number, column: number) => (offsets[line - 1] ?? code.length) + column - 1;
  const edits: { from: number; to: number }[] = [];
  for (const node of graph.nodes) {
    const keys = credentialKeys(node.type);
    if (keys.length === 0) continue;
    const start = at(node.code.line, node.code.column);
    const end = at(node.code.endLine, node.code.endColumn);
    const declaration = code.slice(start, end);
    for (const key of keys) {
      const inBlock = new RegExp(String.raw`(^|[\s{,(])(${escape(key)}\s*:\s*)` + LITERAL, 'g');
      for (const match of declaration.matchAll(inBlock)) {
        const from = start + match.index + match[1]!.length + match[2]!.length;
        edits.push({ from, to: from + match[3]!.length });
      }
      const onLine = new RegExp(String.raw`(^[ \t]*${escape(node.localId)}\.${escape(key)}\s*=\s*)` + LITERAL, 'gm');
      for (const match of code.matchAll(onLine)) {
        const from = match.index + match[1]!.length;
        edits.push({ from, to: from + match[2]!.length });
      }
    }
  }
  let stripped = code;
  const unique = [...new Map(edits.map((edit) => [edit.from, edit])).values()].sort((a, b) => b.from - a.from);
  for (const { from, to } of unique) stripped = `${stripped.slice(0, from)}""${stripped.slice(to)}`;
  return stripped;
}

export function exportProject(project: { name: string; description: string; code: string; layout: string; loomCode: string | null }): ProjectExport {
  return {
    name: project.name,
    description: project.description,
    weftCode: stripCredentials(project.code),
    layoutCode: project.layout,
    loomCode: project.loomCode ?? '',
  };
}
