import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { GraphCanvas } from '../../graph/GraphCanvas';
import type { ProjectEditorFieldsFragment } from '../../graphql/generated/graphql';
import { HistoryDiff } from './HistoryDiff';
import { HistoryLabelForm } from './HistoryLabelForm';
import { RestoreVersion, VersionDetailsQuery } from './historyOperations';
import { errorText } from '../../run/errorText';

interface HistoryVersionViewProps {
  versionId: string;
  /** The code in the editor now, unsaved changes included. */
  currentCode: string;
  dirty: boolean;
  onRestored: (project: ProjectEditorFieldsFragment) => void;
  onClose: () => void;
}

type Tab = 'code' | 'changes';

const ignoreSelection = () => undefined;
const ignorePlacement = () => undefined;

/** One version, read-only: its code (or its changes against the current code) beside its graph; restore it from here. */
export function HistoryVersionView({ versionId, currentCode, dirty, onRestored, onClose }: HistoryVersionViewProps) {
  const [{ data, error, fetching }] = useQuery({ query: VersionDetailsQuery, variables: { id: versionId } });
  const [restoring, restoreVersion] = useMutation(RestoreVersion);
  const [tab, setTab] = useState<Tab>('code');
  const [problem, setProblem] = useState<string | null>(null);
  const version = data?.version;

  async function restore() {
    const result = await restoreVersion({ id: versionId });
    const restored = result.data?.restoreVersion;
    if (restored?.__typename !== 'Version') return setProblem(`Could not restore: ${restored?.message ?? result.error?.message}`);
    onRestored(restored.project);
  }

  if (error) return <p className="error history-view-message" role="alert">Could not load the version: {errorText(error)}</p>;
  if (fetching && !version) return <p className="muted history-view-message">Loading the version…</p>;
  if (!version) return <p className="history-view-message">This version no longer exists. <button type="button" className="link-button" onClick={onClose}>Back to the current code</button></p>;

  const tabButton = (name: Tab, title: string) => (
    <button type="button" role="tab" aria-selected={tab === name} className="history-tab" onClick={() => setTab(name)}>{title}</button>
  );

  return (
    <div className="history-view" data-version-id={version.id}>
      <div className="history-view-bar">
        <strong>{version.label ?? 'Unlabelled version'}</strong>
        <span className={`version-kind version-kind-${version.kind}`}>{version.kind}</span>
        <span className="muted">{new Date(version.createdAt).toLocaleString()} · read-only</span>
        <HistoryLabelForm version={version} />
        <span className="history-view-actions">
          {dirty && <span className="muted">Restoring replaces your unsaved changes.</span>}
          <button type="button" className="primary" onClick={restore} disabled={restoring.fetching}>
            {restoring.fetching ? 'Restoring…' : 'Restore this version'}
          </button>
          <button type="button" onClick={onClose}>Back to current code</button>
        </span>
        {problem && <p className="error history-problem" role="alert">{problem}</p>}
      </div>
      <div className="editor-body">
        <section className="editor-code history-code-pane" aria-label="Code of this version">
          <div role="tablist" className="history-tabs">
            {tabButton('code', 'Code')}
            {tabButton('changes', 'Changes against current')}
          </div>
          {tab === 'code' ? (
            <pre className="history-code mono" aria-label="Weft code of this version">{version.code}</pre>
          ) : (
            <HistoryDiff before={version.code} after={currentCode} afterName={dirty ? 'the code being edited' : 'the current code'} />
          )}
        </section>
        <section className="editor-graph" aria-label="Graph of this version">
          {version.graph ? (
            <GraphCanvas graph={version.graph} runStore={null} onSelectNode={ignoreSelection} onPlaceNode={ignorePlacement} readOnly />
          ) : (
            <p className="empty graph-empty">This version's code cannot be read as Weft, so there is no graph to draw.</p>
          )}
        </section>
      </div>
    </div>
  );
}
