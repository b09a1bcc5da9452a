import { useEffect, useRef } from 'react';

/** Asked when leaving the editor for another page with unsaved code. */
export function UnsavedChangesDialog({ onSaveAndLeave, onLeave, onStay }: { onSaveAndLeave: () => void; onLeave: () => void; onStay: () => void }) {
  const stay = useRef<HTMLButtonElement>(null);
  useEffect(() => stay.current?.focus(), []);
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="unsaved-title" aria-describedby="unsaved-text"
        onKeyDown={(event) => event.key === 'Escape' && onStay()}>
        <h2 id="unsaved-title">Unsaved changes</h2>
        <p id="unsaved-text">The code has changes that are not saved. They are kept in this browser until you save or discard them.</p>
        <div className="dialog-buttons">
          <button type="button" ref={stay} onClick={onStay}>Stay</button>
          <button type="button" onClick={onLeave}>Leave (keep the draft)</button>
          <button type="button" className="primary" onClick={onSaveAndLeave}>Save and leave</button>
        </div>
      </div>
    </div>
  );
}
