import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { ExecutionRowFieldsFragment } from '../../graphql/generated/graphql';
import { ExecutionFiltersBar } from './ExecutionFiltersBar';
import { ExecutionRow } from './ExecutionRow';
import { hasFilters, matchesStatuses, readFilters, toExecutionFilter, writeFilters, type ExecutionFilters } from './executionFilters';
import { useExecutionList } from './useExecutionList';
import './executions.css';

// The details (node runs, JSON trees, a virtualised list) load when a row is first opened.
const ExecutionDetails = lazy(() => import('./ExecutionDetails'));

/** `/executions`: newest first, filtered by the URL, updating live, a page at a time. */
export default function ExecutionsPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const search = searchParams.toString();
  // The filters live in the URL, but the inputs follow this state at once: React Router updates
  // the URL in a transition, and a checkbox bound to the URL alone would flip back until it lands.
  const [filters, setFilters] = useState<ExecutionFilters>(() => readFilters(new URLSearchParams(search)));
  useEffect(() => {
    const fromUrl = readFilters(new URLSearchParams(search));
    setFilters((current) => (writeFilters(current).toString() === writeFilters(fromUrl).toString() ? current : fromUrl));
  }, [search]);
  // Relative ranges ("last hour") are fixed when the filter is chosen or the page loaded.
  const filter = useMemo(() => toExecutionFilter(filters, Date.now()), [filters]);
  const feedFilter = useMemo(() => toExecutionFilter(filters, Date.now(), { withStatuses: false }), [filters]);
  const acceptsNew = useCallback((execution: ExecutionRowFieldsFragment) => matchesStatuses(filters, execution.status), [filters]);
  const list = useExecutionList(filter, feedFilter, acceptsNew);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    document.title = 'Executions · Weftworks';
  }, []);

  function changeFilters(next: ExecutionFilters) {
    setFilters(next);
    setSearchParams(writeFilters(next), { replace: true });
  }

  function toggle(id: string) {
    setExpanded((open) => {
      const next = new Set(open);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }

  return (
    <section className="executions-page">
      <div className="page-title">
        <h1>Executions</h1>
        {list.totalCount !== null && <span className="muted" data-testid="execution-count">{list.totalCount.toLocaleString('en')} in all</span>}
      </div>
      <ExecutionFiltersBar filters={filters} onChange={changeFilters} />
      {list.error && <p className="error" role="alert">Could not load executions: {list.error}</p>}
      {list.loading && <p>Loading…</p>}
      <table className="executions">
        <thead>
          <tr>
            <th><span className="visually-hidden">Details</span></th>
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
        {list.executions.map((execution) => (
          <tbody key={execution.id} className="execution">
            <ExecutionRow execution={execution} expanded={expanded.has(execution.id)} onToggle={() => toggle(execution.id)} />
            {expanded.has(execution.id) && (
              <tr className="execution-details-row">
                <td colSpan={9}>
                  <Suspense fallback={<p className="muted">Loading…</p>}>
                    <ExecutionDetails executionId={execution.id} />
                  </Suspense>
                </td>
              </tr>
            )}
          </tbody>
        ))}
      </table>
      {!list.loading && list.executions.length === 0 && (
        <p className="empty">
          {hasFilters(filters) ? 'No executions match these filters.' : 'No executions yet. Run a project to see it here, live.'}
        </p>
      )}
      {list.hasMore && (
        <button type="button" className="load-more" onClick={list.loadMore} disabled={list.loadingMore}>
          {list.loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
