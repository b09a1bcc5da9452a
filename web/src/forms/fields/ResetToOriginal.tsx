import type { FieldProps } from './fieldProps';

/** For an editable field: puts back the text the run gave, once it has been changed. */
export function ResetToOriginal({ field, value, onChange, disabled }: FieldProps) {
  const original = typeof field.value === 'string' ? field.value : field.value === null ? '' : JSON.stringify(field.value);
  if (value === original) return null;
  return (
    <button type="button" className="link-button form-reset" onClick={() => onChange(original)} disabled={disabled}>
      Undo my changes
    </button>
  );
}
