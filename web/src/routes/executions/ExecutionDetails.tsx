import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../../graphql/generated';
import type { ExecutionDetailsQuery } from '../../graphql/generated/graphql';
import { errorText } from '../../run/errorText';
import { RunError } from '../../run/RunError';
import { StatusBadge } from '../../run/StatusBadge';
import { runStateFromSnapshot } from '../../run/runState';
import { RunStore, useExecutionEvents, useRunState } from '../../run/useExecutionRun';
import { formatDuration, formatUsd } from '../../time/format';
import { ExecutionActions } from './ExecutionActions';
import { triggerLabels } from './executionFilters';
import { NodeRunList } from './NodeRunList';

const ExecutionDetailsQuery = graphql(`
  query ExecutionDetails($id: ID!) {
    execution(id: $id) {
      ...RunExecutionFields
      triggerId
      triggeredBy
      durationMs
      project {
        id
        name
      }
      version {
        id
        kind
        label
        createdAt
      }
      nodeRuns {
        ...RunNodeRunFields
      }
      graph {
        nodes {
          id
          label
        }
      }
    }
  }
`);

type StoredExecution = NonNullable<ExecutionDetailsQuery['execution']>;

/** An opened row: what the execution is, its error, its node runs (live) and what can be done with it. */
export default function ExecutionDetails({ executionId, standalone = false }: { executionId: string; standalone?: boolean }) {
  const [{ data, error, fetching }] = useQuery({ query: ExecutionDetailsQuery, variables: { id: executionId }, requestPolicy: 'network-only' });
  const stored = data?.execution;
  if (error) return <p className="error" role="alert">Could not load the execution: {errorText(error)}</p>;
  if (fetching && !data) return <p className="muted">Loading…</p>;
  if (!stored) return <p className="muted">{standalone ? `There is no execution ${executionId}.` : 'This execution no longer exists.'}</p>;
  return <LiveExecutionDetails key={stored.id} stored={stored} standalone={standalone} />;
}

function LiveExecutionDetails({ stored, standalone }: { stored: StoredExecution; standalone: boolean }) {
  // Built from the first answer only; from there on the execution's events keep it current.
  const [store] = useState(() => new RunStore(runStateFromSnapshot(stored, stored.nodeRuns)));
  useExecutionEvents(store, stored.id);
  const { execution, nodes } = useRunState(store);
  const current = execution ?? stored;
  const labels = useMemo(() => new Map((stored.graph?.nodes ?? []).flatMap((node) => (node.label ? [[node.id, node.label] as const] : []))), [stored]);

  return (
    <div className="execution-details" aria-label={`Details of execution ${stored.id}`}>
      {standalone && (
        <div className="execution-heading">
          <h1>Execution <span className="mono">{stored.id.slice(-8)}</span></h1>
          <StatusBadge status={current.status} />
          <span>of <Link to={`/projects/${stored.project.id}`}>{stored.project.name}</Link></span>
          <Link className="view-run" to={`/projects/${stored.project.id}?executionId=${stored.id}`}>On the graph</Link>
        </div>
      )}
      <ExecutionActions execution={current} projectId={stored.project.id} copyAsJson={() => JSON.stringify(detailsAsJson(stored, store), null, 2)} />
      <dl className="execution-facts">
        <dt>Id</dt><dd className="mono">{stored.id}</dd>
        <dt>Version</dt><dd>{stored.version ? versionLabel(stored.version) : <span className="muted">deleted</span>}</dd>
        <dt>Trigger</dt>
        <dd>
          {triggerLabels[stored.trigger]}
          {stored.triggerId && <> · <span className="mono">{stored.triggerId}</span></>}
          {stored.triggeredBy && <span className="muted"> · {stored.triggeredBy}</span>}
        </dd>
        <dt>Started</dt><dd>{new Date(current.startedAt).toLocaleString()}</dd>
        <dt>Completed</dt>
        <dd>
          {current.completedAt
            ? <>{new Date(current.completedAt).toLocaleString()} <span className="muted">(took {formatDuration(Date.parse(current.completedAt) - Date.parse(current.startedAt))})</span></>
            : <span className="muted">not yet</span>}
        </dd>
        <dt>Cost</dt><dd className="mono">{formatUsd(current.costUsd)}</dd>
      </dl>
      {current.error && <RunError error={current.error} />}
      <NodeRunList nodes={nodes} labels={labels} />
    </div>
  );
}

function versionLabel(version: NonNullable<StoredExecution['version']>): string {
  const saved = new Date(version.createdAt).toLocaleString();
  return version.label ? `${version.label} (${version.kind}, ${saved})` : `${version.kind} version of ${saved}`;
}

/** What "Copy as JSON" puts on the clipboard: the execution as it stands, with every node run. */
function detailsAsJson(stored: StoredExecution, store: RunStore) {
  const { execution, nodes } = store.getState();
  return { ...stored, ...execution, nodeRuns: [...nodes.values()].flatMap((node) => node.lanes) };
}
