import type { Span } from './ast';

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  message: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** A stable identifier of the kind of problem, e.g. `unknown-port`. */
  code: string;
  /** Set to `layout` when the position refers to the layout text rather than the code. */
  source?: 'layout';
}

export function diagnosticAt(span: Span, severity: Severity, code: string, message: string): Diagnostic {
  return {
    severity,
    message,
    line: span.start.line,
    column: span.start.column,
    endLine: span.end.line,
    endColumn: span.end.column,
    code,
  };
}

export const errorAt = (span: Span, code: string, message: string): Diagnostic =>
  diagnosticAt(span, 'error', code, message);

export const warningAt = (span: Span, code: string, message: string): Diagnostic =>
  diagnosticAt(span, 'warning', code, message);

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.source === 'layout' ? 1 : 0) - (b.source === 'layout' ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column,
  );
}
