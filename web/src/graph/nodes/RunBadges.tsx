import type { NodeRunSnapshot, NodeRunSummary } from '../../run/runState';
import { previewOutput, previewValue } from '../../run/preview';
import { MediaView } from '../../media/MediaView';
import { asMedia, asMediaList, type Media } from '../../media/mediaValue';
import { skipGlimpse, skipSentence } from '../../inspector/skipReason';
import './runBadges.css';

/**
 * The lane count and a glimpse of the node in the run being shown: the value a Debug node received
 * (Weft's debug preview), a thumbnail of a media output, the output, the error, or why it skipped.
 */
export function RunBadges({ run, nodeType }: { run: NodeRunSummary | undefined; nodeType?: string }) {
  if (!run) return null;
  const inLanes = run.lanes.some((lane) => lane.lane.length > 0);
  const more = run.lanes.length > 1 ? ' …' : '';
  return (
    <>
      <span className="node-status-label">{run.status.replaceAll('_', ' ')}</span>
      {inLanes && (
        <span className="lane-badge" title={`${run.lanes.length} lanes`}>
          {run.lanes.length} lane{run.lanes.length === 1 ? '' : 's'}
        </span>
      )}
      <Glimpse run={run} nodeType={nodeType} more={more} />
    </>
  );
}

function Glimpse({ run, nodeType, more }: { run: NodeRunSummary; nodeType?: string; more: string }) {
  const first = run.lanes[0];
  const failed = run.lanes.find((lane) => lane.status === 'failed');
  if (failed?.error) return <div className="node-error-preview" title={failed.error}>{failed.error.split('\n').filter(Boolean).at(-1)}</div>;
  const skipped = run.status === 'skipped' ? run.lanes.find((lane) => lane.skipReason) : undefined;
  if (skipped?.skipReason) {
    return <div className="node-skip-preview" title={skipSentence(skipped.skipReason)}>{skipGlimpse(skipped.skipReason)}</div>;
  }
  const received = nodeType === 'Debug' ? debugValue(run.lanes) : undefined;
  if (received !== undefined) {
    const media = asMedia(received.value) ?? asMediaList(received.value)?.[0];
    return (
      <div className="node-debug-preview nowheel" data-testid="debug-preview">
        {media ? <MediaView media={media} compact /> : <span className="node-debug-value">{previewValue(received.value, 240)}</span>}
        {more && <span className="muted">{more}</span>}
      </div>
    );
  }
  const outputMedia = first && run.status === 'completed' ? mediaOutput(first.output) : null;
  if (outputMedia) {
    return <div className="node-media-preview" data-testid="media-preview"><MediaView media={outputMedia} compact /></div>;
  }
  if (first && hasValue(first.output) && run.status === 'completed') {
    return <div className="node-output-preview">{previewOutput(first.output)}{more}</div>;
  }
  // Holds the preview's place, so that a node keeps its size while its lanes come and go
  // (a resized node makes React Flow measure and redraw it).
  return <div className="node-output-preview node-preview-empty" aria-hidden="true" />;
}

/** What a Debug node received on `data`, once a lane has it (a Debug completes with no outputs). */
function debugValue(lanes: readonly NodeRunSnapshot[]): { value: unknown } | undefined {
  const lane = lanes.find((candidate) => candidate.status === 'completed' && candidate.inputs && typeof candidate.inputs === 'object');
  if (!lane) return undefined;
  return { value: (lane.inputs as Record<string, unknown>).data ?? null };
}

/** The first output port holding a media value (or a list of them). */
function mediaOutput(output: unknown): Media | null {
  if (!output || typeof output !== 'object' || Array.isArray(output)) return null;
  for (const value of Object.values(output)) {
    const media = asMedia(value) ?? asMediaList(value)?.[0];
    if (media) return media;
  }
  return null;
}

function hasValue(output: unknown): boolean {
  if (output === null || output === undefined) return false;
  return typeof output !== 'object' || Array.isArray(output) || Object.keys(output).length > 0;
}
