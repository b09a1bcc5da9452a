import { Link, useSearchParams } from 'react-router';

/** The Builder / Runner switch of a project page (`?view=runner` shows the runner). */
export function ViewSwitch({ projectId }: { projectId: string }) {
  const [params] = useSearchParams();
  const runner = params.get('view') === 'runner';
  return (
    <nav className="view-switch" aria-label="View">
      <Link to={`/projects/${projectId}`} aria-current={runner ? undefined : 'page'}>Builder</Link>
      <Link to={`/projects/${projectId}?view=runner`} aria-current={runner ? 'page' : undefined}>Runner</Link>
    </nav>
  );
}

export function useRunnerView(): boolean {
  const [params] = useSearchParams();
  return params.get('view') === 'runner';
}
