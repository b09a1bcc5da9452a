import { Link, useSearchParams } from 'react-router';

/** The Builder / Runner / Runs switch of a project page (`?view=runner` shows the runner, `?view=runs` its runs). */
export function ViewSwitch({ projectId }: { projectId: string }) {
  const [params] = useSearchParams();
  const view = params.get('view');
  const runner = view === 'runner';
  const runs = view === 'runs';
  return (
    <nav className="view-switch" aria-label="View">
      <Link to={`/projects/${projectId}`} aria-current={runner || runs ? undefined : 'page'}>Builder</Link>
      <Link to={`/projects/${projectId}?view=runner`} aria-current={runner ? 'page' : undefined}>Runner</Link>
      <Link to={`/projects/${projectId}?view=runs`} aria-current={runs ? 'page' : undefined}>Runs</Link>
    </nav>
  );
}

export function useRunsView(): boolean {
  const [params] = useSearchParams();
  return params.get('view') === 'runs';
}

export function useRunnerView(): boolean {
  const [params] = useSearchParams();
  return params.get('view') === 'runner';
}
