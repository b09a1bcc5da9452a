import { useMemo } from 'react';
import { useQuery, useSubscription } from 'urql';
import { graphql } from '../../graphql/generated';
import type { ExecutionRowFieldsFragment } from '../../graphql/generated/graphql';
import { ExecutionRow } from './ExecutionRow';

graphql(`
  fragment ExecutionRowFields on Execution {
    id
    status
    trigger
    triggeredBy
    error
    costUsd
    startedAt
    completedAt
    lastSeq
    project {
      id
      name
    }
  }
`);

const ExecutionsQuery = graphql(`
  query Executions($first: Int!) {
    executions(first: $first) {
      totalCount
      edges {
        node {
          ...ExecutionRowFields
        }
      }
    }
  }
`);

const ExecutionsFeed = graphql(`
  subscription ExecutionsFeed {
    executionsFeed {
      seq
      execution {
        ...ExecutionRowFields
      }
    }
  }
`);

const pageSize = 50;

/** Newest executions first; rows appear and change live from the executions feed. */
export function ExecutionsPage() {
  const [{ data, error, fetching }] = useQuery({ query: ExecutionsQuery, variables: { first: pageSize } });
  const [{ data: live }] = useSubscription<ExecutionsFeedResult, Map<string, ExecutionRowFieldsFragment>>(
    { query: ExecutionsFeed },
    (changed = new Map(), event) => {
      const execution = event.executionsFeed.execution;
      const known = changed.get(execution.id);
      if (known && known.lastSeq >= execution.lastSeq) return changed;
      return new Map(changed).set(execution.id, execution);
    },
  );

  const rows = useMemo(() => mergeLive(data?.executions.edges.map((edge) => edge.node) ?? [], live), [data, live]);

  return (
    <section>
      <h1>Executions</h1>
      {error && <p className="error">Could not load executions: {error.message}</p>}
      {fetching && !data && <p>Loading…</p>}
      <table className="executions">
        <thead>
          <tr>
            <th>Id</th>
            <th>Project</th>
            <th>Trigger</th>
            <th>Started</th>
            <th>Duration</th>
            <th>Status</th>
            <th>Cost</th>
            <th><span className="visually-hidden">Run</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((execution) => (
            <ExecutionRow key={execution.id} execution={execution} />
          ))}
        </tbody>
      </table>
      {data && rows.length === 0 && <p className="empty">No executions yet. Run a project to see it here, live.</p>}
    </section>
  );
}

type ExecutionsFeedResult = { executionsFeed: { seq: number; execution: ExecutionRowFieldsFragment } };

/** Live changes override the loaded page; executions it has not seen go on top, newest first. */
function mergeLive(
  loaded: ExecutionRowFieldsFragment[],
  live: Map<string, ExecutionRowFieldsFragment> | undefined,
): ExecutionRowFieldsFragment[] {
  if (!live || live.size === 0) return loaded;
  const newer = (a: ExecutionRowFieldsFragment, b: ExecutionRowFieldsFragment) => (b.lastSeq > a.lastSeq ? b : a);
  const byId = new Map(loaded.map((execution) => [execution.id, execution]));
  for (const [id, execution] of live) {
    const current = byId.get(id);
    byId.set(id, current ? newer(current, execution) : execution);
  }
  return [...byId.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
}
