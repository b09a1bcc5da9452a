import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useClient, useQuery } from 'urql';
import { useReconnected } from '../../graphql/connection';
import { graphql } from '../../graphql/generated';
import type { ExecutionFilter, ExecutionRowFieldsFragment } from '../../graphql/generated/graphql';
import { errorText } from '../../run/errorText';

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
  query Executions($first: Int!, $after: String, $filter: ExecutionFilter) {
    executions(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...ExecutionRowFields
        }
      }
    }
  }
`);

const ExecutionsFeed = graphql(`
  subscription ExecutionsFeed($filter: ExecutionFilter) {
    executionsFeed(filter: $filter) {
      seq
      execution {
        ...ExecutionRowFields
      }
    }
  }
`);

const pageSize = 50;

type Execution = ExecutionRowFieldsFragment;
interface Page { executions: Execution[]; hasNextPage: boolean; endCursor: string | null }

export interface ExecutionList {
  executions: Execution[];
  totalCount: number | null;
  hasMore: boolean;
  loading: boolean;
  loadingMore: boolean;
  error: string | null;
  loadMore: () => void;
}

/**
 * The executions matching `filter`, newest first, a page at a time (keyset cursors), kept up
 * to date by the executions feed: changed executions change in place and new ones go on top.
 * When the socket comes back after a loss, the first page is read again from the server.
 */
export function useExecutionList(filter: ExecutionFilter, feedFilter: ExecutionFilter, acceptsNew: (execution: Execution) => boolean): ExecutionList {
  const client = useClient();
  const [first, reexecute] = useQuery({ query: ExecutionsQuery, variables: { first: pageSize, filter }, requestPolicy: 'cache-and-network' });
  const filterKey = JSON.stringify(filter);
  // Pages after the first, for the filter they were loaded with: another filter starts over.
  const [older, setOlder] = useState<{ filterKey: string; pages: Page[]; error: string | null }>({ filterKey, pages: [], error: null });
  const olderPages = useMemo(() => (older.filterKey === filterKey ? older.pages : []), [older, filterKey]);
  const [loadingMore, setLoadingMore] = useState(false);
  const live = useLiveExecutions(feedFilter);

  useReconnected(useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]));

  // A failed re-read (the server went away again) keeps the rows already shown.
  const shown = useRef<{ filterKey: string; data: NonNullable<typeof first.data> } | null>(null);
  if (first.data) shown.current = { filterKey, data: first.data };
  const firstData = first.data ?? (shown.current?.filterKey === filterKey ? shown.current.data : undefined);
  const firstPage = useMemo<Page | null>(() => {
    const connection = firstData?.executions;
    return connection ? { executions: connection.edges.map((edge) => edge.node), ...connection.pageInfo } : null;
  }, [firstData]);
  const lastPage = olderPages.at(-1) ?? firstPage;

  const loadMore = useCallback(async () => {
    if (!lastPage?.hasNextPage || loadingMore) return;
    setLoadingMore(true);
    const result = await client.query(ExecutionsQuery, { first: pageSize, after: lastPage.endCursor, filter }, { requestPolicy: 'network-only' }).toPromise();
    setLoadingMore(false);
    const connection = result.data?.executions;
    if (!connection) return setOlder({ filterKey, pages: olderPages, error: result.error ? errorText(result.error) : 'no answer from the server' });
    const page = { executions: connection.edges.map((edge) => edge.node), ...connection.pageInfo };
    setOlder({ filterKey, pages: [...olderPages, page], error: null });
  }, [client, filter, filterKey, lastPage, loadingMore, olderPages]);

  const { executions, arrived } = useMemo(() => {
    const loaded = [firstPage, ...olderPages].flatMap((page) => page?.executions ?? []);
    const merged = mergeLive(loaded, live, lastPage?.hasNextPage ?? false, acceptsNew);
    return { executions: merged, arrived: merged.length - loaded.length };
  }, [firstPage, olderPages, live, lastPage, acceptsNew]);

  return {
    executions,
    // What the server counted, plus the new executions the feed brought since.
    totalCount: firstData ? firstData.executions.totalCount + arrived : null,
    hasMore: lastPage?.hasNextPage ?? false,
    loading: first.fetching && !firstData,
    loadingMore,
    error: (first.error ? errorText(first.error) : null) ?? (older.filterKey === filterKey ? older.error : null),
    loadMore,
  };
}

/**
 * The newest state of every execution the feed has told of since `filter` was chosen.
 * Events are gathered and applied once per animation frame, however fast they come.
 */
function useLiveExecutions(filter: ExecutionFilter): ReadonlyMap<string, Execution> {
  const client = useClient();
  const [live, setLive] = useState<ReadonlyMap<string, Execution>>(new Map());
  const filterKey = JSON.stringify(filter);
  const filterRef = useRef(filter);
  filterRef.current = filter;

  useEffect(() => {
    setLive(new Map());
    let queued: Execution[] = [];
    let frame: number | null = null;
    const flush = () => {
      frame = null;
      const batch = queued;
      queued = [];
      setLive((known) => {
        const next = new Map(known);
        for (const execution of batch) {
          const current = next.get(execution.id);
          if (!current || current.lastSeq <= execution.lastSeq) next.set(execution.id, execution);
        }
        return next;
      });
    };
    const subscription = client.subscription(ExecutionsFeed, { filter: filterRef.current }).subscribe((result) => {
      const execution = result.data?.executionsFeed.execution;
      if (!execution) return;
      queued.push(execution);
      frame ??= requestAnimationFrame(flush);
    });
    return () => {
      subscription.unsubscribe();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [client, filterKey]);
  return live;
}

/**
 * Live changes override the loaded rows (the one with the higher lastSeq wins). Executions
 * not loaded yet are added when `acceptsNew` agrees, unless they are older than the last
 * loaded row while more pages remain: "Load more" brings those in their place.
 */
function mergeLive(loaded: Execution[], live: ReadonlyMap<string, Execution>, hasMore: boolean, acceptsNew: (execution: Execution) => boolean): Execution[] {
  if (live.size === 0) return loaded;
  const oldestLoaded = loaded.at(-1);
  const byId = new Map(loaded.map((execution) => [execution.id, execution]));
  for (const [id, execution] of live) {
    const current = byId.get(id);
    if (current) {
      if (execution.lastSeq > current.lastSeq) byId.set(id, execution);
    } else if (acceptsNew(execution) && !(hasMore && oldestLoaded && newestFirst(execution, oldestLoaded) > 0)) {
      byId.set(id, execution);
    }
  }
  return [...byId.values()].sort(newestFirst);
}

function newestFirst(a: Execution, b: Execution): number {
  return b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id);
}
