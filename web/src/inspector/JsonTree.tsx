import { useState } from 'react';
import { CopyButton } from './CopyButton';
import './inspector.css';

/** Children drawn per "show more" click. */
const PAGE = 100;
/** Characters of a string drawn before "show more". */
const STRING_PAGE = 2_000;

/**
 * A JSON value as a collapsible tree with a copy button. It stays fast on big values (a 1 MiB
 * output): children are drawn only once opened, a hundred at a time, long strings are cut
 * with "show more", and the value is turned into text only when copied.
 */
export function JsonTree({ value, label }: { value: unknown; label?: string }) {
  return (
    <div className="json-tree">
      <CopyButton text={() => JSON.stringify(value, null, 2) ?? 'undefined'} />
      <JsonEntry name={label} value={value} depth={0} />
    </div>
  );
}

function JsonEntry({ name, value, depth }: { name?: string; value: unknown; depth: number }) {
  const key = name !== undefined && <span className="json-key">{name}: </span>;
  if (typeof value === 'string') {
    return <div className="json-leaf">{key}<JsonString value={value} /></div>;
  }
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

function JsonString({ value }: { value: string }) {
  const [shown, setShown] = useState(STRING_PAGE);
  const cut = value.length > shown;
  return (
    <>
      <span className="json-string">{JSON.stringify(cut ? value.slice(0, shown) : value).slice(0, cut ? -1 : undefined)}{cut && '…'}</span>
      {cut && (
        <button type="button" className="link-button json-more" onClick={() => setShown(shown * 4)}>
          show more ({(value.length - shown).toLocaleString('en')} more characters)
        </button>
      )}
    </>
  );
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
