import { JsonTree } from '../../inspector/JsonTree';
import { FieldFrame } from './FieldFrame';
import type { FieldProps } from './fieldProps';

/** `display`: a value from the run, shown read-only (text as text, anything else as a JSON tree). */
export function DisplayField({ field, id }: FieldProps) {
  const { value } = field;
  const shown =
    value === null ? <p className="form-display muted">(nothing)</p>
    : typeof value === 'object' ? <JsonTree value={value} />
    : <p className="form-display" id={id}>{String(value)}</p>;
  return (
    <div className="form-field" data-field-type={field.fieldType} data-field-key={field.key}>
      <span className="form-label">{field.label}</span>
      {shown}
    </div>
  );
}
