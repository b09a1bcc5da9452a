import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
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
  useEffect(() => {
    document.title = 'Executions · Weftworks';
  }, []);
  return (
    <section className="executions-page">
      <ExecutionsList title={<h1>Executions</h1>} />
    </section>
  );
}

/** The filters in the URL; a project's own runs tab always has its project. */
function filtersOf(search: string, projectId: string | undefined): ExecutionFilters {
  const filters = readFilters(new URLSearchParams(search));
  return projectId ? { ...filters, projectId } : filters;
}

/**
 * The list itself, for `/executions` and for a project's runs tab (`projectId`: that project's
 * executions only, without the project filter and column).
 */
export function ExecutionsList({ title, projectId }: { title: ReactNode; projectId?: string }) {
  const [searchParams, setSearchParams] = useSearchParams();
  const search = searchParams.toString();
  // The filters live in the URL, but the inputs follow this state at once: React Router updates
  // the URL in a transition, and a checkbox bound to the URL alone would flip back until it lands.
  const [filters, setFilters] = useState<ExecutionFilters>(() => filtersOf(search, projectId));
  useEffect(() => {
    const fromUrl = filtersOf(search, projectId);
    setFilters((current) => (writeFilters(current).toString() === writeFilters(fromUrl).toString() ? current : fromUrl));
  }, [search, projectId]);
  // Relative ranges ("last hour") are fixed when the filter is chosen or the page loaded.
  const filter = useMemo(() => toExecutionFilter(filters, Date.now()), [filters]);
  const feedFilter = useMemo(() => toExecutionFilter(filters, Date.now(), { withStatuses: false }), [filters]);
  const acceptsNew = useCallback((execution: ExecutionRowFieldsFragment) => matchesStatuses(filters, execution.status), [filters]);
  const list = useExecutionList(filter, feedFilter, acceptsNew);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [filtersOpen, setFiltersOpen] = useState(false);

  function changeFilters(next: ExecutionFilters) {
    const fixed = projectId ? { ...next, projectId } : next;
    setFilters(fixed);
    const params = writeFilters(fixed);
    if (projectId) {
      // The project is the page's own (its path); the tab shown stays as it is.
      params.delete('project');
      const view = searchParams.get('view');
      if (view) params.set('view', view);
    }
    setSearchParams(params, { replace: true });
  }

  function toggle(id: string) {
    setExpanded((open) => {
      const next = new Set(open);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }

  const chosenFilters = new Set([...writeFilters(filters).keys()].filter((key) => !(projectId && key === 'project'))).size;
  const filtered = projectId ? chosenFilters > 0 : hasFilters(filters);
  const columns = projectId ? 8 : 9;
  return (
    <>
      <div className="page-title">
        {title}
        {list.totalCount !== null && <span className="muted" data-testid="execution-count">{list.totalCount.toLocaleString('en')} in all</span>}
        {/* At phone width the filters fold behind this button. */}
        <button type="button" className="filters-toggle" aria-expanded={filtersOpen} aria-controls="execution-filters"
          onClick={() => setFiltersOpen((open) => !open)}>
          Filters{chosenFilters > 0 ? ` (${chosenFilters})` : ''}
        </button>
      </div>
      <ExecutionFiltersBar id="execution-filters" folded={!filtersOpen} filters={filters} onChange={changeFilters}
        withProject={!projectId} cleared={projectId ? { projectId } : undefined} />
      {list.error && <p className="error" role="alert">Could not load executions: {list.error}</p>}
      {list.loading && <p>Loading…</p>}
      <table className="executions">
        <thead>
          <tr>
            <th><span className="visually-hidden">Details</span></th>
            <th>Id</th>
            {!projectId && <th>Project</th>}
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
            <ExecutionRow execution={execution} expanded={expanded.has(execution.id)} onToggle={() => toggle(execution.id)} showProject={!projectId} />
            {expanded.has(execution.id) && (
              <tr className="execution-details-row">
                <td colSpan={columns}>
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
          {filtered ? 'No executions match these filters.' : projectId ? 'This project has not run yet.' : 'No executions yet. Run a project to see it here, live.'}
        </p>
      )}
      {list.hasMore && (
        <button type="button" className="load-more" onClick={list.loadMore} disabled={list.loadingMore}>
          {list.loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </>
  );
}
