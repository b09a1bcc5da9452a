import { useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { JsonTree } from '../../inspector/JsonTree';
import { laneKey, type NodeRunSnapshot, type NodeRunStatus, type NodeRunSummary } from '../../run/runState';
import { StatusBadge, statusLabel } from '../../run/StatusBadge';
import { previewOutput } from '../../run/preview';
import { formatDuration } from '../../time/format';

function hasValue(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  return typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length > 0;
}

/**
 * What a node run is worth showing on its line: its output, or for a node that shows what it
 * received (Debug, whose output is empty), the value it received.
 */
function shownValue(run: NodeRunSnapshot): { received: boolean; value: unknown } | null {
  if (hasValue(run.output)) return { received: false, value: run.output };
  if (run.nodeType === 'Debug' && hasValue(run.inputs)) return { received: true, value: run.inputs };
  return null;
}

/** One line of the list: a node, one of its lanes, or the output of a node run opened below its line. */
type Item =
  | { kind: 'node'; key: string; node: NodeRunSummary }
  | { kind: 'lane'; key: string; run: NodeRunSnapshot }
  | { kind: 'output'; key: string; run: NodeRunSnapshot };

/**
 * The nodes of an execution in the order they ran, each with its status and lane counts;
 * opening a node shows its output (or its lanes, for a node that ran in lanes, each of which
 * opens on its output). Only the lines in view are drawn, so ten thousand lanes scroll as
 * smoothly as ten.
 */
export function NodeRunList({ nodes, labels = new Map() }: {
  nodes: ReadonlyMap<string, NodeRunSummary>;
  /** The label of each node that has one in the program the run used: shown first, the id after it. */
  labels?: ReadonlyMap<string, string>;
}) {
  const [opened, setOpened] = useState<ReadonlySet<string>>(new Set());
  const scroller = useRef<HTMLDivElement>(null);
  const inRunOrder = useMemo(() => [...nodes.values()].map(withRunOrder).sort(byRunOrder).map(({ node }) => node), [nodes]);
  const items = useMemo(() => listItems(inRunOrder, opened), [inRunOrder, opened]);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => (items[index]!.kind === 'output' ? 120 : 36),
    getItemKey: (index) => items[index]!.key,
    overscan: 8,
  });

  function toggle(key: string) {
    setOpened((open) => {
      const next = new Set(open);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  }

  if (nodes.size === 0) return <p className="muted">No node has started yet.</p>;
  return (
    <section className="node-runs" aria-label="Node runs">
      <h3>Nodes, in the order they ran</h3>
      <div ref={scroller} className="node-runs-scroller">
        <div className="node-runs-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((virtual) => {
            const item = items[virtual.index]!;
            return (
              <div key={virtual.key} ref={virtualizer.measureElement} data-index={virtual.index}
                className={`node-runs-item node-runs-${item.kind}`} style={{ transform: `translateY(${virtual.start}px)` }}>
                {item.kind === 'node' && <NodeLine node={item.node} label={labels.get(item.node.nodeId)} open={opened.has(item.key)} onToggle={() => toggle(item.key)} />}
                {item.kind === 'lane' && <LaneLine run={item.run} open={opened.has(item.key)} onToggle={() => toggle(item.key)} />}
                {item.kind === 'output' && <RunOutput run={item.run} />}
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}

function listItems(nodes: readonly NodeRunSummary[], opened: ReadonlySet<string>): Item[] {
  const items: Item[] = [];
  for (const node of nodes) {
    const key = `node:${node.nodeId}`;
    items.push({ kind: 'node', key, node });
    if (!opened.has(key)) continue;
    const onlyRun = node.lanes.length === 1 ? node.lanes[0]! : null;
    if (onlyRun) {
      items.push({ kind: 'output', key: `output:${onlyRun.id}`, run: onlyRun });
      continue;
    }
    for (const run of node.lanes) {
      const laneItem = `lane:${run.id}`;
      items.push({ kind: 'lane', key: laneItem, run });
      if (opened.has(laneItem)) items.push({ kind: 'output', key: `output:${run.id}`, run });
    }
  }
  return items;
}

function withRunOrder(node: NodeRunSummary) {
  let started = Infinity;
  let seq = Infinity;
  for (const run of node.lanes) {
    if (run.startedAt) started = Math.min(started, Date.parse(run.startedAt));
    seq = Math.min(seq, run.seq);
  }
  return { node, started, seq };
}

function byRunOrder(a: ReturnType<typeof withRunOrder>, b: ReturnType<typeof withRunOrder>): number {
  // Nodes that have not started (Infinity) go last; NaN (both not started) falls through to seq.
  return (a.started - b.started) || a.seq - b.seq;
}

function duration(run: NodeRunSnapshot): string {
  if (!run.startedAt) return '';
  return run.completedAt ? formatDuration(Date.parse(run.completedAt) - Date.parse(run.startedAt)) : 'not finished';
}

/** "3 lanes · 2 completed, 1 failed" */
function laneCounts(lanes: readonly NodeRunSnapshot[]): string {
  const counts = new Map<NodeRunStatus, number>();
  for (const run of lanes) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
  const parts = [...counts].map(([status, count]) => `${count.toLocaleString('en')} ${statusLabel(status)}`);
  return `${lanes.length.toLocaleString('en')} lanes · ${parts.join(', ')}`;
}

function NodeLine({ node, label, open, onToggle }: { node: NodeRunSummary; label?: string; open: boolean; onToggle: () => void }) {
  const inLanes = node.lanes.length > 1 || (node.lanes[0]?.lane.length ?? 0) > 0;
  const only = node.lanes.length === 1 ? node.lanes[0]! : null;
  return (
    <div className="node-line" data-node-id={node.nodeId} data-status={node.status}>
      <button type="button" className="expand-button" aria-expanded={open} onClick={onToggle}
        aria-label={`${open ? 'Hide' : 'Show'} ${inLanes && !only ? 'the lanes' : 'the output'} of ${node.nodeId}`}>
        <span aria-hidden="true">{open ? '▾' : '▸'}</span>
      </button>
      {label && <span className="node-line-label">{label}</span>}
      <span className={`mono node-line-id${label ? ' muted' : ''}`}>{node.nodeId}</span>
      <span className="muted node-line-type">{only?.nodeType ?? node.lanes[0]?.nodeType}</span>
      <StatusBadge status={node.status} />
      {inLanes && <span className="muted lane-count">{laneCounts(node.lanes)}</span>}
      {only && <ValuePreview run={only} />}
      {only && <span className="muted node-line-duration">{duration(only)}</span>}
    </div>
  );
}

function LaneLine({ run, open, onToggle }: { run: NodeRunSnapshot; open: boolean; onToggle: () => void }) {
  return (
    <div className="node-line lane-line" data-lane={laneKey(run.lane)} data-status={run.status}>
      <button type="button" className="expand-button" aria-expanded={open} onClick={onToggle}
        aria-label={`${open ? 'Hide' : 'Show'} the output of lane ${laneKey(run.lane)}`}>
        <span aria-hidden="true">{open ? '▾' : '▸'}</span>
      </button>
      <span className="mono">lane {laneKey(run.lane)}</span>
      <StatusBadge status={run.status} />
      <ValuePreview run={run} />
      <span className="muted node-line-duration">{duration(run)}</span>
    </div>
  );
}

function ValuePreview({ run }: { run: NodeRunSnapshot }) {
  const shown = shownValue(run);
  if (!shown) return null;
  return (
    <span className={`node-line-value${shown.received ? ' received' : ''}`} title={shown.received ? 'The value it received' : 'Its output'}>
      {shown.received && <span className="muted">received </span>}
      <span className="mono">{previewOutput(shown.value)}</span>
    </span>
  );
}

function RunOutput({ run }: { run: NodeRunSnapshot }) {
  const shown = shownValue(run);
  return (
    <div className="run-output" data-node-run-id={run.id}>
      {run.error && <pre className="traceback">{run.error}</pre>}
      {!shown ? (
        <p className="muted">
          No output{run.status === 'skipped' ? `: the node skipped${run.skipReason?.message ? ` (${run.skipReason.message})` : ''}.` : '.'}
        </p>
      ) : (
        <>
          {shown.received && <p className="muted">Received:</p>}
          <JsonTree value={shown.received && run.inputs && typeof run.inputs === 'object' && Object.keys(run.inputs).length === 1 ? Object.values(run.inputs)[0] : shown.value} />
        </>
      )}
    </div>
  );
}
