import { problemAttributes, type FieldProps } from './fieldProps';

/** A one-line input or a multi-line textarea holding a field's text. */
export function TextControl({ field, id, value, onChange, problem, disabled, multiline }: FieldProps & { multiline: boolean }) {
  const common = {
    id,
    className: 'form-text',
    value: typeof value === 'string' ? value : '',
    placeholder: field.placeholder,
    disabled,
    'aria-required': field.required,
    ...problemAttributes(id, problem),
  };
  return multiline ? (
    <textarea {...common} rows={5} onChange={(event) => onChange(event.target.value)} />
  ) : (
    <input {...common} type="text" onChange={(event) => onChange(event.target.value)} />
  );
}
