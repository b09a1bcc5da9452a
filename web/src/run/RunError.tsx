import './run.css';

/** The first line of the error, with the rest (a traceback, often) one click away. */
export function RunError({ error }: { error: string }) {
  const [headline, ...rest] = error.trim().split('\n');
  if (rest.length === 0) return <p className="run-error">{headline}</p>;
  return (
    <details className="run-error">
      <summary>{headline}</summary>
      <pre>{rest.join('\n').replace(/^\n+/, '')}</pre>
    </details>
  );
}
