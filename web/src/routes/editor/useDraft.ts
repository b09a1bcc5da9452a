import { useCallback, useEffect, useState } from 'react';
import { useBlocker } from 'react-router';

/** A draft kept in the browser until it is saved or discarded. */
export interface StoredDraft {
  code: string;
  /** The saved code the draft was written on. */
  base: string;
  savedAt: number;
}

export const draftKey = (projectId: string) => `weftworks.draft.${projectId}`;

export function readDraft(projectId: string): StoredDraft | null {
  try {
    const raw = localStorage.getItem(draftKey(projectId));
    if (!raw) return null;
    const draft = JSON.parse(raw) as StoredDraft;
    return typeof draft.code === 'string' ? draft : null;
  } catch {
    return null;
  }
}

/**
 * Keeps unsaved code in localStorage (written as it is typed, removed once saved or discarded)
 * and asks before the page is left with unsaved changes: a dialog for in-app navigation to
 * another page, the browser's own prompt on reload or tab close.
 */
export function useDraft(projectId: string, code: string, savedCode: string) {
  const dirty = code !== savedCode;
  useEffect(() => {
    if (dirty) localStorage.setItem(draftKey(projectId), JSON.stringify({ code, base: savedCode, savedAt: Date.now() } satisfies StoredDraft));
    else localStorage.removeItem(draftKey(projectId));
  }, [projectId, code, savedCode, dirty]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  // Showing another run of the same project (?executionId=) is not leaving it.
  const blocker = useBlocker(
    useCallback(
      ({ currentLocation, nextLocation }: { currentLocation: { pathname: string }; nextLocation: { pathname: string } }) =>
        dirty && currentLocation.pathname !== nextLocation.pathname,
      [dirty],
    ),
  );
  return { dirty, blocker };
}

/** The restored-draft notice's state: shown once when a stored draft differs from the saved code. */
export function useRestoredDraft(projectId: string, savedCode: string): [StoredDraft | null, () => void] {
  const [restored, setRestored] = useState(() => {
    const draft = readDraft(projectId);
    return draft && draft.code !== savedCode ? draft : null;
  });
  return [restored, useCallback(() => setRestored(null), [])];
}
