import { useEffect, useState, type ReactNode } from 'react';

/**
 * Copies text to the clipboard and says so for a moment. `text` may be a function, so that a
 * large value is turned into text only when someone actually copies it.
 */
export function CopyButton({ text, label = 'Copy', className = 'copy-button', title }: {
  text: string | (() => string);
  label?: ReactNode;
  className?: string;
  title?: string;
}) {
  const [outcome, setOutcome] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (outcome === 'idle') return;
    const timer = setTimeout(() => setOutcome('idle'), 1500);
    return () => clearTimeout(timer);
  }, [outcome]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(typeof text === 'function' ? text() : text);
      setOutcome('copied');
    } catch {
      setOutcome('failed');
    }
  }
  return (
    <button type="button" className={className} onClick={copy} title={title} aria-label={title}>
      {outcome === 'copied' ? 'Copied' : outcome === 'failed' ? 'Copy failed' : label}
    </button>
  );
}
