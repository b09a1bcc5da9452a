import { useEffect, useId, useRef, useState } from 'react';
import type { FieldItem } from '../../../../server/loom/manifest';
import { cssSize } from '../../../../server/loom/sizes';
import { Markdown } from './Markdown';
import type { RunnerFieldView, UploadFile } from './pageTypes';

const truthy = new Set(['true', 'yes', 'y', 'on', '1']);
const isOn = (value: unknown) => value === true || (typeof value === 'number' && value !== 0) || (typeof value === 'string' && truthy.has(value.toLowerCase()));
const asText = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

function chosenList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // a plain string
    }
  }
  return typeof value === 'string' && value !== '' ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

interface FieldWidgetProps {
  item: FieldItem;
  binding: RunnerFieldView | undefined;
  value: unknown;
  onChange: (value: unknown) => void;
  /** How a file field's file is uploaded (the builder's file store, or the published page's own upload). */
  upload?: UploadFile;
}

/** Text-like inputs commit on blur or after 2 s without typing; pickers commit at once (LOOM.md 4.3). */
function useDraft(value: unknown, commit: (text: string) => void) {
  const [draft, setDraft] = useState(asText(value));
  const timer = useRef<number | null>(null);
  useEffect(() => setDraft(asText(value)), [value]);
  const change = (text: string) => {
    setDraft(text);
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => commit(text), 2000);
  };
  const blur = () => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    if (draft !== asText(value)) commit(draft);
  };
  return { draft, change, blur };
}

/** One `field` item: its label, help and the widget its `as:` (or its catalog field type) names. */
export function FieldWidget({ item, binding, value, onChange, upload }: FieldWidgetProps) {
  const id = useId();
  if (!binding) return null; // an unknown binding is a diagnostic in the editor, not a blank control
  const label = item.label ?? binding.label ?? item.fieldKey;
  const options = [...(item.options ?? binding.options ?? [])];
  const variant = item.variant;
  const stretch = item.height !== undefined;
  return (
    <div className={`loom-field chrome-${item.chrome ?? 'none'}${stretch ? ' stretch' : ''}`} data-field={`${item.nodeId}.${item.fieldKey}`}>
      <label className="loom-field-label" htmlFor={id}>
        <Markdown text={label} inline />
      </label>
      {item.description && <div className="loom-field-help"><Markdown text={item.description} /></div>}
      <Control id={id} item={item} binding={binding} value={value} onChange={onChange} options={options} variant={variant} upload={upload} />
      <InlineCheck binding={binding} value={value} variant={variant} />
    </div>
  );
}

interface ControlProps {
  id: string;
  item: FieldItem;
  binding: RunnerFieldView;
  value: unknown;
  onChange: (value: unknown) => void;
  options: string[];
  variant: string | undefined;
  upload?: UploadFile;
}

function Control(props: ControlProps) {
  const { id, item, binding, value, onChange, options, variant, upload } = props;
  const numeric = binding.fieldType === 'number' || typeof binding.value === 'number';
  const fromText = (text: string) => (numeric ? (text.trim() === '' ? '' : Number(text)) : text);
  const pickers = ['select', 'radio', 'cards', 'multiselect', 'multicards'];
  if (variant && pickers.includes(variant) && options.length === 0) {
    return <div className="loom-missing" role="alert">Missing options for as:{variant}</div>;
  }
  switch (variant) {
    case 'textarea':
      return <TextArea id={id} value={value} onCommit={onChange} height={cssSize(item.height) ?? '200px'} />;
    case 'slider': {
      const min = binding.min ?? 0;
      const max = binding.max ?? 1;
      const current = Number(value ?? min);
      return (
        <div className="loom-slider">
          <input id={id} type="range" min={min} max={max} step={0.01} value={Number.isFinite(current) ? current : min}
            onChange={(e) => onChange(binding.fieldType === 'number' || numeric ? Number(e.target.value) : e.target.value)} />
          <output htmlFor={id}>{asText(value)}</output>
        </div>
      );
    }
    case 'toggle':
    case 'checkbox': {
      const written = (on: boolean) => (binding.fieldType === 'checkbox' ? on : binding.fieldType === 'number' ? (on ? 1 : 0) : on ? 'true' : 'false');
      return (
        <label className={variant === 'toggle' ? 'loom-toggle' : 'loom-check'}>
          <input id={id} type="checkbox" role={variant === 'toggle' ? 'switch' : undefined} checked={isOn(value)} onChange={(e) => onChange(written(e.target.checked))} />
          <span>{isOn(value) ? 'On' : 'Off'}</span>
        </label>
      );
    }
    case 'select':
      return (
        <select id={id} value={asText(value)} onChange={(e) => onChange(e.target.value)}>
          {!options.includes(asText(value)) && <option value={asText(value)}>{asText(value) || 'Choose…'}</option>}
          {options.map((option) => <option key={option} value={option}>{option}</option>)}
        </select>
      );
    case 'radio':
    case 'cards':
      return (
        <div className={variant === 'radio' ? 'loom-pills' : 'loom-tiles'} role="radiogroup" id={id}>
          {options.map((option) => (
            <button key={option} type="button" role="radio" aria-checked={asText(value) === option} className={asText(value) === option ? 'chosen' : ''} onClick={() => onChange(option)}>
              {option}
            </button>
          ))}
        </div>
      );
    case 'multiselect':
    case 'multicards':
    case 'tags': {
      const chosen = chosenList(value);
      const write = (list: string[]) => onChange(binding.fieldType === 'multiselect' ? list : JSON.stringify(list));
      if (variant === 'tags') return <TagsInput id={id} chosen={chosen} onCommit={write} />;
      return (
        <div className={variant === 'multiselect' ? 'loom-checklist' : 'loom-tiles'} id={id} role="group">
          {options.map((option) => {
            const on = chosen.includes(option);
            const toggle = () => write(on ? chosen.filter((c) => c !== option) : [...chosen, option]);
            return variant === 'multiselect' ? (
              <label key={option}><input type="checkbox" checked={on} onChange={toggle} /> {option}</label>
            ) : (
              <button key={option} type="button" aria-pressed={on} className={on ? 'chosen' : ''} onClick={toggle}>{option}</button>
            );
          })}
        </div>
      );
    }
    case 'date':
    case 'time':
    case 'color':
      return <input id={id} type={variant} value={asText(value)} onChange={(e) => onChange(e.target.value)} />;
    case 'datetime':
      return <input id={id} type="datetime-local" value={asText(value)} onChange={(e) => onChange(e.target.value)} />;
    case 'text':
    case 'email':
    case 'url':
      return <TextInput id={id} type={variant} value={value} onCommit={onChange} />;
    default:
      break;
  }
  switch (binding.fieldType) {
    case 'textarea':
      return <TextArea id={id} value={value} onCommit={onChange} height={cssSize(item.height) ?? '200px'} />;
    case 'text':
      return numeric ? <TextInput id={id} type="number" value={value} onCommit={(text) => onChange(fromText(String(text)))} /> : <TextArea id={id} value={value} onCommit={onChange} height={cssSize(item.height) ?? '2.4rem'} />;
    case 'password':
    case 'api_key':
      return <TextInput id={id} type="password" value={value} onCommit={onChange} />;
    case 'number':
      return <TextInput id={id} type="number" value={value} onCommit={(text) => onChange(fromText(String(text)))} />;
    case 'select':
      return options.length > 0 ? (
        <select id={id} value={asText(value)} onChange={(e) => onChange(e.target.value)}>
          {options.map((option) => <option key={option} value={option}>{option}</option>)}
        </select>
      ) : <TextInput id={id} type="text" value={value} onCommit={onChange} />;
    case 'checkbox':
      return (
        <label className="loom-check">
          <input id={id} type="checkbox" checked={isOn(value)} onChange={(e) => onChange(e.target.checked)} /> <span>{binding.label}</span>
        </label>
      );
    case 'blob':
      return <FileField id={id} binding={binding} value={value} onChange={onChange} upload={upload} />;
    default:
      return null; // code, multiselect, form_builder: only the label (LOOM.md 4.3)
  }
}

interface FileValue {
  url?: string;
  filename?: string;
  mime_type?: string;
  size_bytes?: number;
}

const sizeText = (bytes: number) => (bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/** A file picker: the chosen file is uploaded at once and the field takes the file reference (LOOM.md 4.3, `blob`). */
function FileField({ id, binding, value, onChange, upload }: { id: string; binding: RunnerFieldView; value: unknown; onChange: (value: unknown) => void; upload?: UploadFile }) {
  const [state, setState] = useState<{ uploading: boolean; error: string | null }>({ uploading: false, error: null });
  const file = value && typeof value === 'object' ? (value as FileValue) : null;
  async function choose(chosen: File | undefined) {
    if (!chosen || !upload) return;
    setState({ uploading: true, error: null });
    try {
      onChange(await upload(binding.nodeId, binding.fieldKey, chosen));
      setState({ uploading: false, error: null });
    } catch (error) {
      setState({ uploading: false, error: (error as Error).message });
    }
  }
  return (
    <div className="loom-file">
      {file?.filename && (
        <div className="loom-file-current">
          {file.url && file.mime_type?.startsWith('image/') && <img src={file.url} alt="" className="loom-file-preview" />}
          <span className="loom-file-name">{file.filename}</span>
          {typeof file.size_bytes === 'number' && <span className="muted">{sizeText(file.size_bytes)}</span>}
          <button type="button" className="loom-file-clear" onClick={() => onChange(null)} aria-label={`Remove ${file.filename}`}>×</button>
        </div>
      )}
      <input id={id} type="file" accept={binding.accept ?? undefined} disabled={!upload || state.uploading}
        onChange={(e) => { void choose(e.target.files?.[0]); e.target.value = ''; }} />
      {state.uploading && <p className="muted loom-note" role="status">Uploading…</p>}
      {state.error && <p className="loom-check-message" role="alert">{state.error}</p>}
    </div>
  );
}

function TextArea({ id, value, onCommit, height }: { id: string; value: unknown; onCommit: (text: string) => void; height: string }) {
  const { draft, change, blur } = useDraft(value, onCommit);
  return (
    <div className="loom-textarea">
      <textarea id={id} value={draft} onChange={(e) => change(e.target.value)} onBlur={blur} style={{ height }} />
      <span className="loom-counter muted">{draft.length} / 10000</span>
    </div>
  );
}

function TextInput({ id, type, value, onCommit }: { id: string; type: string; value: unknown; onCommit: (text: string) => void }) {
  const { draft, change, blur } = useDraft(value, onCommit);
  return <input id={id} type={type} value={draft} onChange={(e) => change(e.target.value)} onBlur={blur} />;
}

function TagsInput({ id, chosen, onCommit }: { id: string; chosen: string[]; onCommit: (list: string[]) => void }) {
  const [text, setText] = useState('');
  const add = () => {
    const more = text.split(',').map((t) => t.trim()).filter((t) => t && !chosen.includes(t));
    if (more.length) onCommit([...chosen, ...more]);
    setText('');
  };
  return (
    <div className="loom-tags">
      {chosen.map((tag) => (
        <span key={tag} className="loom-chip">{tag}<button type="button" aria-label={`Remove ${tag}`} onClick={() => onCommit(chosen.filter((t) => t !== tag))}>×</button></span>
      ))}
      <input id={id} value={text} placeholder="Add, separated by commas" onChange={(e) => setText(e.target.value)} onBlur={add}
        onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ',') { e.preventDefault(); add(); } }} />
    </div>
  );
}

/** Display-only checks; they never block a run. */
function InlineCheck({ binding, value, variant }: { binding: RunnerFieldView; value: unknown; variant: string | undefined }) {
  const text = asText(value);
  let message: string | null = null;
  if (binding.fieldType === 'password' && text === '') message = 'This field is required';
  else if ((variant === 'textarea' || binding.fieldType === 'textarea') && text.length > 10_000) message = `Too long (${text.length}/10000)`;
  else if (typeof value === 'number' || binding.fieldType === 'number') {
    const number = Number(value);
    if (binding.min != null && number < binding.min) message = `At least ${binding.min}`;
    if (binding.max != null && number > binding.max) message = `At most ${binding.max}`;
  }
  return message ? <p className="loom-check-message">{message}</p> : null;
}
