import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import type { HistoryVersionFieldsFragment } from '../../graphql/generated/graphql';
import { LabelVersion } from './historyOperations';

/** Labels a version, or changes its label (a labelled auto version is kept, not pruned). */
export function HistoryLabelForm({ version }: { version: HistoryVersionFieldsFragment }) {
  const [editing, setEditing] = useState(false);
  const [label, setLabel] = useState(version.label ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const [labelling, labelVersion] = useMutation(LabelVersion);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await labelVersion({ id: version.id, label: label.trim() === '' ? null : label.trim() });
    const labelled = result.data?.labelVersion;
    if (labelled?.__typename !== 'Version') return setProblem(labelled?.message ?? result.error?.message ?? 'Could not label the version');
    setProblem(null);
    setEditing(false);
  }

  if (!editing) {
    return (
      <button type="button" className="link-button" onClick={() => setEditing(true)}>
        {version.label ? 'Change label' : 'Add a label'}
      </button>
    );
  }
  return (
    <form className="history-label-form" onSubmit={submit}>
      <label htmlFor={`label-${version.id}`} className="visually-hidden">Label</label>
      <input id={`label-${version.id}`} value={label} onChange={(event) => setLabel(event.target.value)} autoFocus />
      <button type="submit" disabled={labelling.fetching}>Set label</button>
      <button type="button" className="link-button" onClick={() => setEditing(false)}>Cancel</button>
      {problem && <span className="error" role="alert">{problem}</span>}
    </form>
  );
}
