import { autocompletion, type Completion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { type Extension } from '@codemirror/state';
import { EditorView, hoverTooltip } from '@codemirror/view';

/** What the catalog says of a node type (the `nodeTypes` query), as much as the editor needs. */
export interface CatalogType {
  type: string;
  label: string;
  description: string;
  inputs: readonly { name: string; type?: string | null }[];
  outputs: readonly { name: string; type?: string | null }[];
  fields: readonly { key: string; label: string; fieldType: string }[];
}

/** A node of the program the checker last compiled (ports with their types, where it is written). */
export interface ProgramNode {
  id: string;
  localId: string;
  type: string;
  label?: string | null;
  parent?: string | null;
  inputs: readonly { name: string; type: string }[];
  outputs: readonly { name: string; type: string }[];
  code: { line: number; column: number; endLine: number; endColumn: number };
}

export interface WeftAssistSource {
  catalog: () => readonly CatalogType[];
  nodes: () => readonly ProgramNode[];
}

/** The innermost node written around a line (a node inside a group before the group). */
export function nodeAtLine(nodes: readonly ProgramNode[], line: number): ProgramNode | null {
  let best: ProgramNode | null = null;
  for (const node of nodes) {
    if (line < node.code.line || line > node.code.endLine) continue;
    if (!best || node.code.endLine - node.code.line < best.code.endLine - best.code.line) best = node;
  }
  return best;
}

/** The node a name refers to on a line: the one declared in the same group as that line, else any. */
function nodeNamed(nodes: readonly ProgramNode[], name: string, line: number): ProgramNode | null {
  const candidates = nodes.filter((node) => node.localId === name || node.id === name);
  if (candidates.length <= 1) return candidates[0] ?? null;
  const enclosing = nodes.filter((node) => line >= node.code.line && line <= node.code.endLine).map((node) => node.id);
  return candidates.find((node) => node.parent && enclosing.includes(node.parent)) ?? candidates.find((node) => !node.parent) ?? candidates[0]!;
}

/** The type of the declaration a body line belongs to: from the compiled program, else by reading back. */
function enclosingType(source: WeftAssistSource, context: CompletionContext): string | null {
  const line = context.state.doc.lineAt(context.pos);
  const node = nodeAtLine(source.nodes(), line.number);
  if (node && node.code.line !== line.number) return node.type;
  let depth = 0;
  for (let number = line.number - 1; number >= 1; number--) {
    const text = context.state.doc.line(number).text;
    depth += (text.match(/}/g)?.length ?? 0) - (text.match(/{/g)?.length ?? 0);
    const declaration = /^\s*[A-Za-z_]\w*\s*=\s*([A-Z]\w*)/.exec(text);
    if (declaration && depth < 0) return declaration[1]!;
  }
  return null;
}

function completeWeft(source: WeftAssistSource) {
  return (context: CompletionContext): CompletionResult | null => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    // `node.` or `node.po`: that node's ports (outputs on the right of `=`, inputs on the left).
    const port = /([A-Za-z_]\w*)\.(\w*)$/.exec(before);
    if (port) {
      const node = nodeNamed(source.nodes(), port[1]!, line.number);
      if (!node) return null;
      const rightSide = before.slice(0, port.index).includes('=');
      const ports = rightSide ? node.outputs : node.inputs;
      return {
        from: context.pos - port[2]!.length,
        options: ports.map((p): Completion => ({ label: p.name, type: 'property', detail: p.type })),
        validFor: /^\w*$/,
      };
    }
    // After `id =`: a node type of the catalog.
    const type = /=\s*([A-Za-z]\w*)?$/.exec(before);
    if (type && !/^\s*\w+\s*:/.test(before)) {
      const typed = type[1] ?? '';
      if (!typed && !context.explicit) return null;
      return {
        from: context.pos - typed.length,
        options: source.catalog().map((entry): Completion => ({ label: entry.type, type: 'class', detail: entry.label, info: entry.description })),
        validFor: /^\w*$/,
      };
    }
    // A word alone at the start of a body line: a config field of the node being declared.
    const field = /^\s+(\w*)$/.exec(before);
    if (field) {
      const nodeType = enclosingType(source, context);
      const entry = nodeType ? source.catalog().find((candidate) => candidate.type === nodeType) : undefined;
      if (!entry) return null;
      if (!field[1] && !context.explicit) return null;
      const options: Completion[] = [
        { label: 'label', type: 'keyword', detail: 'the node’s name on the graph', apply: 'label: ' },
        ...entry.fields.map((f): Completion => ({ label: f.key, type: 'keyword', detail: `${f.fieldType} · ${f.label}`, apply: `${f.key}: ` })),
      ];
      return { from: context.pos - field[1]!.length, options, validFor: /^\w*$/ };
    }
    return null;
  };
}

/** Hovering `node.port` shows the port's type; hovering a node type shows what the catalog says of it. */
function weftHover(source: WeftAssistSource) {
  return hoverTooltip((view, pos) => {
    const line = view.state.doc.lineAt(pos);
    const offset = pos - line.from;
    const words = /[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?/g;
    for (let match = words.exec(line.text); match; match = words.exec(line.text)) {
      if (offset < match.index || offset > match.index + match[0].length) continue;
      const [name, portName] = match[0].split('.') as [string, string | undefined];
      let text: string | null = null;
      if (portName) {
        const node = nodeNamed(source.nodes(), name, line.number);
        const input = node?.inputs.find((p) => p.name === portName);
        const output = node?.outputs.find((p) => p.name === portName);
        if (input && output) text = `${name}.${portName}: ${output.type} (output) · ${input.type} (input)`;
        else if (output) text = `${name}.${portName} → ${output.type} (output of ${node!.label ?? node!.localId})`;
        else if (input) text = `${name}.${portName} ← ${input.type} (input of ${node!.label ?? node!.localId})`;
      } else {
        const entry = source.catalog().find((candidate) => candidate.type === name);
        if (entry && /=\s*$/.test(line.text.slice(0, match.index))) text = `${entry.type} — ${entry.label}: ${entry.description}`;
      }
      if (!text) return null;
      const shown = text;
      return {
        pos: line.from + match.index,
        end: line.from + match.index + match[0].length,
        above: true,
        create: () => {
          const dom = document.createElement('div');
          dom.className = 'weft-hover';
          dom.textContent = shown;
          return { dom };
        },
      };
    }
    return null;
  });
}

/** Told of the line the cursor is on (from 1) each time the selection moves. */
export function onCursorLine(listener: (line: number) => void): Extension {
  return EditorView.updateListener.of((update) => {
    if (!update.selectionSet || !update.view.hasFocus) return;
    listener(update.state.doc.lineAt(update.state.selection.main.head).number);
  });
}

/** Autocompletion of node types, ports and config fields, and hover types, for the Weft mode. */
export function weftAssist(source: WeftAssistSource): Extension {
  return [autocompletion({ override: [completeWeft(source)], activateOnTyping: true }), weftHover(source)];
}
