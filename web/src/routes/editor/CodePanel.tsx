import { forwardRef, useImperativeHandle, useMemo, useRef, type KeyboardEvent } from 'react';
import type { DiagnosticFieldsFragment } from '../../graphql/generated/graphql';

export interface CodePanelHandle {
  /** Puts the cursor at a line and column (from 1) and scrolls it into view. */
  moveTo(line: number, column: number): void;
}

interface CodePanelProps {
  code: string;
  diagnostics: readonly DiagnosticFieldsFragment[];
  onChange: (code: string) => void;
  onSave: () => void;
}

const LINE_HEIGHT_PX = 20;

/** The Weft source in a plain textarea with line numbers; lines with problems are marked in the gutter. */
export const CodePanel = forwardRef<CodePanelHandle, CodePanelProps>(function CodePanel({ code, diagnostics, onChange, onSave }, ref) {
  const textarea = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lineCount = useMemo(() => code.split('\n').length, [code]);
  const marked = useMemo(() => {
    const marks = new Map<number, DiagnosticFieldsFragment['severity']>();
    for (const diagnostic of diagnostics) {
      if (diagnostic.inLayout) continue;
      if (marks.get(diagnostic.line) !== 'error') marks.set(diagnostic.line, diagnostic.severity);
    }
    return marks;
  }, [diagnostics]);

  useImperativeHandle(ref, () => ({
    moveTo(line, column) {
      const element = textarea.current;
      if (!element) return;
      const lines = element.value.split('\n');
      const lineIndex = Math.min(Math.max(line, 1), lines.length) - 1;
      let offset = 0;
      for (let i = 0; i < lineIndex; i++) offset += lines[i]!.length + 1;
      offset += Math.min(Math.max(column - 1, 0), lines[lineIndex]!.length);
      element.focus();
      element.setSelectionRange(offset, offset);
      element.scrollTop = Math.max(0, lineIndex * LINE_HEIGHT_PX - element.clientHeight / 3);
    },
  }));

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if ((event.ctrlKey || event.metaKey) && event.key === 's') {
      event.preventDefault();
      onSave();
    }
  }

  return (
    <div className="code-panel">
      <div className="code-gutter" ref={gutter} aria-hidden="true">
        {Array.from({ length: lineCount }, (_, index) => (
          <div key={index} className={`gutter-line${marked.has(index + 1) ? ` gutter-${marked.get(index + 1)}` : ''}`}>
            {index + 1}
          </div>
        ))}
      </div>
      <textarea
        ref={textarea}
        className="code-text mono"
        aria-label="Weft code"
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        wrap="off"
        value={code}
        onChange={(event) => onChange(event.target.value)}
        onScroll={(event) => {
          if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
        }}
        onKeyDown={onKeyDown}
      />
    </div>
  );
});
