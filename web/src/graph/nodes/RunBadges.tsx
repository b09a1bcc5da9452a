import type { NodeRunSummary } from '../../run/runState';
import { previewOutput } from '../../run/preview';

/** The lane count and a glimpse of the output (or the error) of a node in the run being shown. */
export function RunBadges({ run }: { run: NodeRunSummary | undefined }) {
  if (!run) return null;
  const inLanes = run.lanes.some((lane) => lane.lane.length > 0);
  const first = run.lanes[0];
  const failed = run.lanes.find((lane) => lane.status === 'failed');
  return (
    <>
      <span className="node-status-label">{run.status.replaceAll('_', ' ')}</span>
      {inLanes && (
        <span className="lane-badge" title={`${run.lanes.length} lanes`}>
          {run.lanes.length} lane{run.lanes.length === 1 ? '' : 's'}
        </span>
      )}
      {failed?.error ? (
        <div className="node-error-preview" title={failed.error}>{failed.error.split('\n').filter(Boolean).at(-1)}</div>
      ) : first && hasValue(first.output) && run.status === 'completed' ? (
        <div className="node-output-preview">{previewOutput(first.output)}{run.lanes.length > 1 ? ' …' : ''}</div>
      ) : (
        // Holds the preview's place, so that a node keeps its size while its lanes come and go
        // (a resized node makes React Flow measure and redraw it).
        <div className="node-output-preview node-preview-empty" aria-hidden="true" />
      )}
    </>
  );
}

function hasValue(output: unknown): boolean {
  if (output === null || output === undefined) return false;
  return typeof output !== 'object' || Array.isArray(output) || Object.keys(output).length > 0;
}
