import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { forwardRef, useMemo, useRef } from 'react';
import { CodeEditor, type CodeEditorHandle } from '../../editor/CodeEditor';
import { onCursorLine, weftAssist, type CatalogType, type ProgramNode } from '../../editor/weftAssist';
import { weftLanguage } from '../../editor/weftLanguage';
import type { DiagnosticFieldsFragment } from '../../graphql/generated/graphql';

export type CodePanelHandle = CodeEditorHandle;

interface CodePanelProps {
  code: string;
  diagnostics: readonly DiagnosticFieldsFragment[];
  onChange: (code: string) => void;
  onSave: () => void;
  /** The catalog, for completing node types and config fields. */
  catalog: readonly CatalogType[];
  /** The program's nodes as last compiled, for completing ports and hover types. */
  nodes: readonly ProgramNode[];
  /** The cursor moved to this line (from 1). */
  onCursorLine?: (line: number) => void;
  /** An old version shown for reading. */
  readOnly?: boolean;
  ariaLabel?: string;
}

/** The Weft source in CodeMirror: the Weft mode, the checker's diagnostics inline, completion and hover from the catalog. */
export const CodePanel = forwardRef<CodePanelHandle, CodePanelProps>(function CodePanel(
  { code, diagnostics, onChange, onSave, catalog, nodes, onCursorLine: cursorListener, readOnly = false, ariaLabel = 'Weft code' },
  ref,
) {
  const live = useRef({ catalog, nodes, cursorListener });
  live.current = { catalog, nodes, cursorListener };
  const language = useMemo(
    () => [
      weftLanguage(),
      weftAssist({ catalog: () => live.current.catalog, nodes: () => live.current.nodes }),
      onCursorLine((line) => live.current.cursorListener?.(line)),
      readOnly ? [EditorState.readOnly.of(true), EditorView.editable.of(false)] : [],
    ],
    [readOnly],
  );
  const shown = useMemo(() => diagnostics.filter((diagnostic) => !diagnostic.inLayout), [diagnostics]);
  return (
    <div className="code-panel" data-read-only={readOnly || undefined}>
      <CodeEditor ref={ref} value={code} onChange={onChange} onSave={onSave} language={language} diagnostics={shown} ariaLabel={ariaLabel} />
    </div>
  );
});
