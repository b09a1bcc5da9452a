import type { ReactNode } from 'react';
import type { FormField } from '../formSchema';

interface FieldFrameProps {
  field: FormField;
  id: string;
  problem?: string;
  /** Several controls (radios, checkboxes, buttons): a fieldset with a legend instead of a label. */
  group?: boolean;
  hint?: ReactNode;
  children: ReactNode;
}

/** A field's label, its control(s), an optional hint, and the problem with its value, if any. */
export function FieldFrame({ field, id, problem, group = false, hint, children }: FieldFrameProps) {
  const title = (
    <>
      {field.label}
      {field.required && <span className="form-required" aria-hidden="true"> *</span>}
    </>
  );
  const after = (
    <>
      {problem && <p className="form-problem" id={`${id}-problem`} role="alert">{problem}</p>}
      {hint && <p className="form-hint">{hint}</p>}
    </>
  );
  if (group) {
    return (
      <fieldset className="form-field" data-field-type={field.fieldType} data-field-key={field.key} aria-describedby={problem ? `${id}-problem` : undefined}>
        <legend className="form-label">{title}</legend>
        {children}
        {after}
      </fieldset>
    );
  }
  return (
    <div className="form-field" data-field-type={field.fieldType} data-field-key={field.key}>
      <label className="form-label" htmlFor={id}>{title}</label>
      {children}
      {after}
    </div>
  );
}
