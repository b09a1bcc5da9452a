import { useQuery } from 'urql';
import { graphql } from '../../graphql/generated';
import type { ExecutionStatus, TriggerKind } from '../../graphql/generated/graphql';
import { statusLabel } from '../../run/StatusBadge';
import {
  executionStatuses, startedWithin, writeFilters, triggerKinds, triggerLabels, type ExecutionFilters, type StartedWithin,
} from './executionFilters';

const FilterProjectsQuery = graphql(`
  query FilterProjects {
    projects(first: 200) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

const noFilters: ExecutionFilters = { projectId: '', statuses: [], triggers: [], within: '', from: '', to: '', errorsOnly: false };

function toggled<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((other) => other !== item) : [...list, item];
}

/**
 * Project, statuses, triggers and start time of the executions to list; every change goes to the URL.
 * `folded`: hidden at phone width until its button opens it. `withProject: false` on a project's own list.
 */
export function ExecutionFiltersBar({ id, filters, onChange, folded = false, withProject = true, cleared }: {
  id?: string;
  filters: ExecutionFilters;
  onChange: (filters: ExecutionFilters) => void;
  folded?: boolean;
  withProject?: boolean;
  /** What "Clear filters" keeps. */
  cleared?: Partial<ExecutionFilters>;
}) {
  const [{ data }] = useQuery({ query: FilterProjectsQuery, pause: !withProject });
  const projects = data?.projects.edges.map((edge) => edge.node) ?? [];
  const set = (change: Partial<ExecutionFilters>) => onChange({ ...filters, ...change });

  return (
    <form id={id} className={`execution-filters${folded ? ' folded' : ''}`} aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
      {withProject && <label className="filter-field">
        <span>Project</span>
        <select value={filters.projectId} onChange={(event) => set({ projectId: event.target.value })}>
          <option value="">All projects</option>
          {filters.projectId && !projects.some((project) => project.id === filters.projectId) && (
            <option value={filters.projectId}>{data ? 'Unknown project' : 'Loading…'}</option>
          )}
          {projects.map((project) => <option key={project.id} value={project.id}>{project.name}</option>)}
        </select>
      </label>}
      <CheckboxGroup legend="Status" items={executionStatuses} chosen={filters.statuses} label={statusLabel}
        onToggle={(status: ExecutionStatus) => set({ statuses: toggled(filters.statuses, status) })} />
      <CheckboxGroup legend="Trigger" items={triggerKinds} chosen={filters.triggers} label={(kind) => triggerLabels[kind]}
        onToggle={(kind: TriggerKind) => set({ triggers: toggled(filters.triggers, kind) })} />
      <label className="filter-field">
        <span>Started</span>
        <select value={filters.within} onChange={(event) => set({ within: event.target.value as StartedWithin })}>
          {Object.entries(startedWithin).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
        </select>
      </label>
      {filters.within === 'custom' && (
        <>
          <label className="filter-field">
            <span>From</span>
            <input type="datetime-local" value={filters.from} onChange={(event) => set({ from: event.target.value })} />
          </label>
          <label className="filter-field">
            <span>Until</span>
            <input type="datetime-local" value={filters.to} onChange={(event) => set({ to: event.target.value })} />
          </label>
        </>
      )}
      <label className="filter-check">
        <input type="checkbox" checked={filters.errorsOnly} onChange={(event) => set({ errorsOnly: event.target.checked })} />
        With an error
      </label>
      {writeFilters(filters).toString() !== writeFilters({ ...noFilters, ...cleared }).toString() && (
        <button type="button" className="link-button" onClick={() => onChange({ ...noFilters, ...cleared })}>Clear filters</button>
      )}
    </form>
  );
}

function CheckboxGroup<T extends string>({ legend, items, chosen, label, onToggle }: {
  legend: string;
  items: readonly T[];
  chosen: readonly T[];
  label: (item: T) => string;
  onToggle: (item: T) => void;
}) {
  return (
    <fieldset className="filter-group">
      <legend>{legend}</legend>
      {items.map((item) => (
        <label key={item} className={`filter-chip${chosen.includes(item) ? ' chosen' : ''}`}>
          <input type="checkbox" checked={chosen.includes(item)} onChange={() => onToggle(item)} />
          {label(item)}
        </label>
      ))}
    </fieldset>
  );
}
