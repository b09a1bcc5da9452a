import { type Diagnostic as LintDiagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { Compartment, EditorState, type Extension, Prec } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import './codeEditor.css';

/** A problem to mark in the editor, where it is written (lines and columns from 1). */
export interface EditorDiagnostic {
  line: number;
  column: number;
  endLine?: number | null;
  endColumn?: number | null;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

export interface CodeEditorHandle {
  /** Puts the cursor at a line and column (from 1) and scrolls it into view. */
  moveTo(line: number, column: number): void;
}

interface CodeEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** The language mode: a CodeMirror extension (e.g. `loomLanguage()`); none for plain text. */
  language?: Extension;
  diagnostics?: readonly EditorDiagnostic[];
  /** Ctrl/Cmd-S. */
  onSave?: () => void;
  ariaLabel: string;
}

function toLint(state: EditorState, diagnostics: readonly EditorDiagnostic[]): LintDiagnostic[] {
  const { doc } = state;
  const offset = (line: number, column: number) => {
    const at = doc.line(Math.min(Math.max(line, 1), doc.lines));
    return Math.min(at.from + Math.max(column - 1, 0), at.to);
  };
  return diagnostics.map((d) => {
    const from = offset(d.line, d.column);
    const to = d.endLine ? Math.max(from, offset(d.endLine, d.endColumn ?? d.column)) : doc.line(Math.min(Math.max(d.line, 1), doc.lines)).to;
    return { from, to: Math.max(to, from), severity: d.severity, message: d.message };
  });
}

/**
 * A code editor on CodeMirror 6 with pluggable language modes: line numbers, undo history,
 * bracket matching, diagnostics marked in the text and the gutter. Controlled: `value` in,
 * `onChange` out; outside changes to `value` replace the text without losing the history.
 */
export const CodeEditor = forwardRef<CodeEditorHandle, CodeEditorProps>(function CodeEditor(
  { value, onChange, language, diagnostics = [], onSave, ariaLabel },
  ref,
) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const languageSlot = useRef(new Compartment());
  const callbacks = useRef({ onChange, onSave });
  callbacks.current = { onChange, onSave };

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          lintGutter(),
          Prec.high(keymap.of([{ key: 'Mod-s', preventDefault: true, run: () => (callbacks.current.onSave?.(), true) }])),
          languageSlot.current.of(language ?? []),
          EditorView.contentAttributes.of({ 'aria-label': ariaLabel, spellcheck: 'false', autocapitalize: 'off' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // The editor is created once; value, language and diagnostics are synced by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (!editor || editor.state.doc.toString() === value) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: languageSlot.current.reconfigure(language ?? []) });
  }, [language]);

  useEffect(() => {
    const editor = view.current;
    if (editor) editor.dispatch(setDiagnostics(editor.state, toLint(editor.state, diagnostics)));
  }, [diagnostics]);

  useImperativeHandle(ref, () => ({
    moveTo(line, column) {
      const editor = view.current;
      if (!editor) return;
      const at = editor.state.doc.line(Math.min(Math.max(line, 1), editor.state.doc.lines));
      const position = Math.min(at.from + Math.max(column - 1, 0), at.to);
      editor.dispatch({ selection: { anchor: position }, effects: EditorView.scrollIntoView(position, { y: 'center' }) });
      editor.focus();
    },
  }));

  return <div className="code-editor" ref={host} />;
});
