import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { SaveVersion } from './historyOperations';

/** Saves the current code as a manual version with a label (saving unsaved edits first). */
export function HistorySaveForm({ projectId, saveCode }: { projectId: string; saveCode: () => Promise<boolean> }) {
  const [label, setLabel] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, saveVersion] = useMutation(SaveVersion);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (label.trim() === '') return setProblem('Give the version a label');
    if (!(await saveCode())) return;
    const result = await saveVersion({ projectId, label: label.trim() });
    const saved = result.data?.saveVersion;
    if (saved?.__typename !== 'Version') return setProblem(`Could not save the version: ${saved?.message ?? result.error?.message}`);
    setProblem(null);
    setLabel('');
  }

  return (
    <form className="history-save" onSubmit={submit} noValidate>
      <label htmlFor="version-label" className="visually-hidden">Label of the new version</label>
      <input
        id="version-label"
        placeholder="Label, e.g. before the refactor"
        value={label}
        onChange={(event) => setLabel(event.target.value)}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? 'version-label-problem' : undefined}
      />
      <button type="submit" disabled={saving.fetching}>{saving.fetching ? 'Saving…' : 'Save version'}</button>
      {problem && <p className="error history-problem" id="version-label-problem" role="alert">{problem}</p>}
    </form>
  );
}
