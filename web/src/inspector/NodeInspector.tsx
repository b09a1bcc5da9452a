import { useState } from 'react';
import type { GraphNode } from '../graph/toFlow';
import type { RunStore } from '../run/useExecutionRun';
import { useNodeRun } from '../run/useExecutionRun';
import { laneKey, type NodeRunSnapshot } from '../run/runState';
import { formatDuration } from '../time/format';
import { JsonTree } from './JsonTree';
import { MediaStrip, MediaView } from '../media/MediaView';
import { asMedia, asMediaList } from '../media/mediaValue';
import { skipSentence } from './skipReason';
import { pythonErrorLine, weftLineOfPython } from './pythonLines';
import './inspector.css';

/** What one node of the run received, produced or failed with, lane by lane. */
export function NodeInspector({ node, runStore, onClose, source, onGoToLine, nodeLabel }: {
  node: GraphNode;
  /** The label of another node of the program, if it has one (a skip reason names the node it came from). */
  nodeLabel?: (nodeId: string) => string | null | undefined;
  runStore: RunStore | null;
  onClose: () => void;
  /** The Weft source the node is written in, to point a Python traceback at its line. */
  source?: string;
  onGoToLine?: (line: number) => void;
}) {
  const summary = useNodeRun(runStore, node.id);
  const [laneIndex, setLaneIndex] = useState(0);
  const lanes = summary?.lanes ?? [];
  const current = lanes[Math.min(laneIndex, lanes.length - 1)];

  return (
    <aside className="inspector" aria-label={`Inspector of ${node.id}`}>
      <header className="inspector-header">
        <div>
          <h2>{node.label ?? node.localId}</h2>
          <span className="mono muted inspector-id">{node.label ? `${node.id} · ` : ''}{node.type}</span>
        </div>
        <button type="button" className="close-button" onClick={onClose} aria-label="Close the inspector">×</button>
      </header>
      {!runStore && <NodeDefinition node={node} />}
      {runStore && !summary && <p className="muted">This node has not started in this run.</p>}
      {summary && lanes.length > 1 && (
        <nav className="lane-navigator" aria-label="Lanes">
          <button type="button" onClick={() => setLaneIndex(Math.max(0, laneIndex - 1))} disabled={laneIndex === 0} aria-label="Previous lane">‹</button>
          <select value={laneIndex} onChange={(event) => setLaneIndex(Number(event.target.value))} aria-label="Lane">
            {lanes.map((lane, index) => (
              <option key={laneKey(lane.lane)} value={index}>
                Lane {laneKey(lane.lane)} · {lane.status.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
          <button type="button" onClick={() => setLaneIndex(Math.min(lanes.length - 1, laneIndex + 1))} disabled={laneIndex >= lanes.length - 1} aria-label="Next lane">›</button>
          <span className="muted">{lanes.length} lanes</span>
        </nav>
      )}
      {current && <LaneRun run={current} node={node} source={source} onGoToLine={onGoToLine} nodeLabel={nodeLabel} />}
    </aside>
  );
}

function LaneRun({ run, node, source, onGoToLine, nodeLabel }: {
  run: NodeRunSnapshot; node: GraphNode; source?: string; onGoToLine?: (line: number) => void; nodeLabel?: (nodeId: string) => string | null | undefined;
}) {
  const pythonLine = run.error && node.type === 'ExecPython' ? pythonErrorLine(run.error) : null;
  const weftLine = pythonLine !== null && source ? weftLineOfPython(source, node.code, pythonLine) : null;
  const started = run.startedAt ? Date.parse(run.startedAt) : null;
  const completed = run.completedAt ? Date.parse(run.completedAt) : null;
  return (
    <div className="lane-run" data-lane={laneKey(run.lane)}>
      <dl className="run-facts">
        <dt>Status</dt>
        <dd><span className={`status status-${run.status}`}>{run.status.replaceAll('_', ' ')}</span></dd>
        {run.lane.length > 0 && (<><dt>Lane</dt><dd className="mono">{laneKey(run.lane)}</dd></>)}
        <dt>Started</dt>
        <dd>{started ? new Date(started).toLocaleTimeString() : '—'}</dd>
        <dt>Completed</dt>
        <dd>{completed ? new Date(completed).toLocaleTimeString() : '—'}</dd>
        <dt>Duration</dt>
        <dd>{started && completed ? formatDuration(completed - started) : '—'}</dd>
        <dt>Cost</dt>
        <dd className="mono">${Number(run.costUsd).toFixed(4)}</dd>
      </dl>
      {run.status === 'skipped' && run.skipReason && (
        <section className="inspector-section" aria-label="Why it was skipped">
          <h3>Why it was skipped</h3>
          <p className="skip-reason" data-from-node={run.skipReason.fromNodeId ?? undefined}>{skipSentence(run.skipReason, (run.skipReason.fromNodeId && nodeLabel?.(run.skipReason.fromNodeId)) || undefined)}</p>
        </section>
      )}
      {run.error && (
        <section className="inspector-section">
          <h3>Error</h3>
          {weftLine !== null && (
            <p className="traceback-line">
              Python line {pythonLine} is line {weftLine} of the Weft code.{' '}
              {onGoToLine && <button type="button" className="link-button" onClick={() => onGoToLine(weftLine)}>Go to line {weftLine}</button>}
            </p>
          )}
          <pre className="traceback">{run.error}</pre>
        </section>
      )}
      <PortValues title="Inputs" values={run.inputs} />
      <PortValues title="Outputs" values={run.output} />
    </div>
  );
}

/** Values keyed by port name get one tree per port; anything else, one tree. */
function PortValues({ title, values }: { title: string; values: unknown }) {
  const perPort = values && typeof values === 'object' && !Array.isArray(values) ? Object.entries(values) : null;
  return (
    <section className="inspector-section" aria-label={title}>
      <h3>{title}</h3>
      {values === null || values === undefined ? (
        <p className="muted">None.</p>
      ) : perPort ? (
        perPort.length === 0 ? <p className="muted">None.</p> : perPort.map(([port, value]) => (
          <div key={port} className="port-value" data-port={port}>
            <div className="port-value-name mono">{port}</div>
            <ValueView value={value} />
          </div>
        ))
      ) : (
        <ValueView value={values} />
      )}
    </section>
  );
}

/** A media value (or a list of them) is shown as what it is, above its JSON. */
function ValueView({ value }: { value: unknown }) {
  const media = asMedia(value);
  const list = media ? null : asMediaList(value);
  return (
    <>
      {media && <MediaView media={media} />}
      {list && <MediaStrip items={list} />}
      <JsonTree value={value} />
    </>
  );
}

function NodeDefinition({ node }: { node: GraphNode }) {
  return (
    <>
      <p className="muted">No run is shown. Run the project to see what this node receives and produces.</p>
      <section className="inspector-section">
        <h3>Ports</h3>
        <ul className="port-types">
          {node.inputs.map((port) => <li key={`in-${port.name}`}><span className="mono">{port.name}</span> ← {port.type}{port.optional ? ' (optional)' : ''}</li>)}
          {node.outputs.map((port) => <li key={`out-${port.name}`}><span className="mono">{port.name}</span> → {port.type}</li>)}
        </ul>
      </section>
      <section className="inspector-section">
        <h3>Config</h3>
        <JsonTree value={node.config} />
      </section>
    </>
  );
}
