import { useMemo } from 'react';
import { useQuery } from 'urql';
import { formatRelative } from '../../time/format';
import { useNow } from '../../time/useNow';
import { HistorySaveForm } from './HistorySaveForm';
import { ProjectVersionsQuery } from './historyOperations';
import './history.css';
import { errorText } from '../../run/errorText';

const VERSIONS_SHOWN = 100;

interface HistoryPanelProps {
  projectId: string;
  /** Saves the code being edited first, when it has unsaved changes; false if that failed. */
  saveCode: () => Promise<boolean>;
  viewedVersionId: string | null;
  onView: (versionId: string) => void;
}

/** The project's versions, newest first (auto and manual, label, time), and a form to save a labelled one. */
export function HistoryPanel({ projectId, saveCode, viewedVersionId, onView }: HistoryPanelProps) {
  // Saving, labelling or restoring answers a Version: urql's cache then fetches this list again.
  const context = useMemo(() => ({ additionalTypenames: ['Version'] }), []);
  const [{ data, error, fetching }] = useQuery({ query: ProjectVersionsQuery, variables: { projectId, first: VERSIONS_SHOWN }, context });
  const now = useNow(30_000);
  const versions = data?.project?.versions.edges.map((edge) => edge.node) ?? [];

  return (
    <aside className="history-panel" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <HistorySaveForm projectId={projectId} saveCode={saveCode} />
      {error && <p className="error" role="alert">Could not load the versions: {errorText(error)}</p>}
      {fetching && !data && <p className="muted">Loading…</p>}
      <ol className="version-list" aria-label="Versions">
        {versions.map((version) => (
          <li key={version.id} data-version-id={version.id} data-kind={version.kind}>
            <button
              type="button"
              className="version-entry"
              aria-current={version.id === viewedVersionId ? 'true' : undefined}
              onClick={() => onView(version.id)}
            >
              <span className={`version-kind version-kind-${version.kind}`}>{version.kind}</span>
              <span className="version-label">{version.label ?? <span className="muted">no label</span>}</span>
              <time className="version-time muted" dateTime={version.createdAt} title={new Date(version.createdAt).toLocaleString()}>
                {formatRelative(Date.parse(version.createdAt), now)}
              </time>
            </button>
          </li>
        ))}
      </ol>
      {data && data.project && data.project.versions.totalCount > versions.length && (
        <p className="muted history-more">The {versions.length} newest of {data.project.versions.totalCount} versions.</p>
      )}
    </aside>
  );
}
