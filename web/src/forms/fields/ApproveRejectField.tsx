import { FieldFrame } from './FieldFrame';
import type { FieldProps } from './fieldProps';

/** `approve_reject`: two buttons, one pressed; the answer is "approve" or "reject". */
export function ApproveRejectField({ field, id, value, onChange, problem, disabled }: FieldProps) {
  const choice = (answer: 'approve' | 'reject', label: string) => (
    <button
      type="button"
      className={`form-verdict form-verdict-${answer}`}
      aria-pressed={value === answer}
      onClick={() => onChange(value === answer ? null : answer)}
      disabled={disabled}
    >
      {label}
    </button>
  );
  return (
    <FieldFrame field={field} id={id} problem={problem} group>
      <div className="form-verdicts" id={id}>
        {choice('approve', field.approveLabel)}
        {choice('reject', field.rejectLabel)}
      </div>
    </FieldFrame>
  );
}
