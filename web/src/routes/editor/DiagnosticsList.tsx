import type { DiagnosticFieldsFragment } from '../../graphql/generated/graphql';

/** The compiler's findings, each a button that puts the cursor where it is written. */
export function DiagnosticsList({ diagnostics, onSelect }: {
  diagnostics: readonly DiagnosticFieldsFragment[];
  onSelect: (diagnostic: DiagnosticFieldsFragment) => void;
}) {
  if (diagnostics.length === 0) return <p className="diagnostics-ok">No problems.</p>;
  return (
    <ul className="diagnostics" aria-label="Problems">
      {diagnostics.map((diagnostic, index) => (
        <li key={index} className={`diagnostic diagnostic-${diagnostic.severity}`}>
          <button type="button" onClick={() => onSelect(diagnostic)} disabled={diagnostic.inLayout}>
            <span className="diagnostic-where mono">
              {diagnostic.inLayout ? 'layout ' : ''}{diagnostic.line}:{diagnostic.column}
            </span>
            <span className="diagnostic-severity">{diagnostic.severity}</span>
            <span className="diagnostic-message">{diagnostic.message}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
