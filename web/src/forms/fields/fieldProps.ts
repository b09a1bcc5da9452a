import type { FieldValue } from '../formAnswer';
import type { FormField } from '../formSchema';

/** What every field component receives. */
export interface FieldProps {
  field: FormField;
  /** Unique id of the field's control on the page (several forms may be shown at once). */
  id: string;
  value: FieldValue;
  onChange: (value: FieldValue) => void;
  /** What is wrong with the value, shown next to the field. */
  problem?: string;
  disabled?: boolean;
  /** approve_reject only: the form's single decision, whose buttons send the answer with this choice. */
  onDecide?: (answer: 'approve' | 'reject') => void;
}

/** Accessibility attributes of a control whose field may have a problem. */
export function problemAttributes(id: string, problem: string | undefined) {
  return problem ? { 'aria-invalid': true, 'aria-describedby': `${id}-problem` } : {};
}
