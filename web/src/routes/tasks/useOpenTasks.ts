import { useCallback, useEffect, useMemo, useState } from 'react';
import { useClient, useQuery } from 'urql';
import { useConnection } from '../../graphql/connection';
import type { HumanTaskCardFieldsFragment } from '../../graphql/generated/graphql';
import { HumanTaskEvents, OpenTasksQuery } from './taskOperations';

const PAGE_SIZE = 100;

interface TaskChanges {
  /** Forms that opened since the page subscribed, by id. */
  opened: Map<string, HumanTaskCardFieldsFragment>;
  /** Forms seen closing: a form never reopens, so once closed it stays out of the list. */
  closed: Set<string>;
}

/**
 * The open forms, live: the first page from a query (read again whenever the socket connects),
 * then every form opening or closing from the `humanTaskEvents` subscription. Whichever arrives
 * first, a closed form stays closed.
 */
export function useOpenTasks() {
  const client = useClient();
  const [{ data, error, fetching }, refetch] = useQuery({ query: OpenTasksQuery, variables: { first: PAGE_SIZE }, requestPolicy: 'cache-and-network' });
  const { connections } = useConnection();
  const [changes, setChanges] = useState<TaskChanges>({ opened: new Map(), closed: new Set() });
  const [subscriptionError, setSubscriptionError] = useState<string | null>(null);

  const apply = useCallback((task: HumanTaskCardFieldsFragment) => {
    setChanges(({ opened, closed }) =>
      task.state === 'open'
        ? { opened: new Map(opened).set(task.id, task), closed }
        : { opened, closed: new Set(closed).add(task.id) },
    );
  }, []);

  useEffect(() => {
    const subscription = client.subscription(HumanTaskEvents, { filter: null }).subscribe((result) => {
      if (result.error) setSubscriptionError(result.error.message);
      else if (result.data) apply(result.data.humanTaskEvents);
    });
    return () => subscription.unsubscribe();
  }, [client, apply]);

  // Each time the socket is (re)connected, the subscription is live again: read the list once more so
  // that a form that opened or closed before then (or while the socket was down) is not missed.
  useEffect(() => {
    if (connections > 0) refetch({ requestPolicy: 'network-only' });
  }, [connections, refetch]);

  const tasks = useMemo(() => {
    const byId = new Map<string, HumanTaskCardFieldsFragment>();
    for (const edge of data?.humanTasks.edges ?? []) byId.set(edge.node.id, edge.node);
    for (const [id, task] of changes.opened) byId.set(id, task);
    return [...byId.values()]
      .filter((task) => !changes.closed.has(task.id))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  }, [data, changes]);

  return {
    tasks,
    loading: fetching && !data,
    error: error?.message ?? subscriptionError,
    /** Takes a form out of the list at once, when this page answered or skipped it. */
    closed: apply,
  };
}
