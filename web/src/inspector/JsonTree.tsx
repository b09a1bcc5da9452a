import { useState } from 'react';
import './inspector.css';

const PAGE = 100;

/** A JSON value as a collapsible tree with a copy button; children are drawn only once opened. */
export function JsonTree({ value, label }: { value: unknown; label?: string }) {
  return (
    <div className="json-tree">
      <CopyButton value={value} />
      <JsonEntry name={label} value={value} depth={0} />
    </div>
  );
}

function CopyButton({ value }: { value: unknown }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(JSON.stringify(value, null, 2) ?? 'undefined');
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
    setTimeout(() => setCopied('idle'), 1500);
  }
  return (
    <button type="button" className="copy-button" onClick={copy}>
      {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Copy failed' : 'Copy'}
    </button>
  );
}

function JsonEntry({ name, value, depth }: { name?: string; value: unknown; depth: number }) {
  const key = name !== undefined && <span className="json-key">{name}: </span>;
  if (value === null || typeof value !== 'object') {
    return (
      <div className="json-leaf">
        {key}
        <span className={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value) ?? 'undefined'}</span>
      </div>
    );
  }
  return <JsonBranch name={name} value={value} depth={depth} />;
}

function JsonBranch({ name, value, depth }: { name?: string; value: object; depth: number }) {
  const isArray = Array.isArray(value);
  const entries = isArray ? null : Object.entries(value);
  const size = isArray ? value.length : entries!.length;
  const [open, setOpen] = useState(depth < 2 && size <= 50);
  const [shown, setShown] = useState(PAGE);
  const summary = isArray ? `[${size}]` : `{${size}}`;
  return (
    <details className="json-branch" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>
        {name !== undefined && <span className="json-key">{name}: </span>}
        <span className="json-summary">{summary}</span>
      </summary>
      {open && (
        <div className="json-children">
          {(isArray ? value.slice(0, shown).map((item, index) => [String(index), item] as const) : entries!.slice(0, shown)).map(
            ([childName, child]) => <JsonEntry key={childName} name={childName} value={child} depth={depth + 1} />,
          )}
          {size > shown && (
            <button type="button" className="link-button" onClick={() => setShown(shown + PAGE)}>
              Show {Math.min(PAGE, size - shown)} more of {size - shown}
            </button>
          )}
        </div>
      )}
    </details>
  );
}
