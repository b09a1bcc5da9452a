import { diffLines, type Change } from 'diff';
import { useMemo } from 'react';

interface DiffLine {
  kind: 'same' | 'removed' | 'added';
  text: string;
  oldNumber?: number;
  newNumber?: number;
}

function linesOf(change: Change): string[] {
  const lines = change.value.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A line-by-line diff, numbered on both sides. */
function diffTable(before: string, after: string): DiffLine[] {
  const rows: DiffLine[] = [];
  let oldNumber = 1;
  let newNumber = 1;
  for (const change of diffLines(before, after)) {
    for (const text of linesOf(change)) {
      if (change.removed) rows.push({ kind: 'removed', text, oldNumber: oldNumber++ });
      else if (change.added) rows.push({ kind: 'added', text, newNumber: newNumber++ });
      else rows.push({ kind: 'same', text, oldNumber: oldNumber++, newNumber: newNumber++ });
    }
  }
  return rows;
}

const SIGN = { same: ' ', removed: '−', added: '+' } as const;

/** What changed from a version's code (before) to the current code (after). */
export function HistoryDiff({ before, after, afterName }: { before: string; after: string; afterName: string }) {
  const rows = useMemo(() => diffTable(before, after), [before, after]);
  const added = rows.filter((row) => row.kind === 'added').length;
  const removed = rows.filter((row) => row.kind === 'removed').length;
  if (added === 0 && removed === 0) {
    return <p className="history-diff-same">No differences: {afterName} is the same as this version.</p>;
  }
  return (
    <div className="history-diff">
      <p className="history-diff-summary">
        From this version to {afterName}: <span className="diff-added-count">+{added}</span> <span className="diff-removed-count">−{removed}</span> lines
      </p>
      <table className="diff-table mono" aria-label={`Changes from this version to ${afterName}`}>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index} className={`diff-${row.kind}`} data-diff={row.kind}>
              <td className="diff-number">{row.oldNumber ?? ''}</td>
              <td className="diff-number">{row.newNumber ?? ''}</td>
              <td className="diff-sign" aria-label={row.kind === 'same' ? undefined : row.kind}>{SIGN[row.kind]}</td>
              <td className="diff-text">{row.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
