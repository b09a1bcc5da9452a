import { FieldFrame } from './FieldFrame';
import type { FieldProps } from './fieldProps';

/**
 * `approve_reject`: the answer is "approve" or "reject", and one of them must be chosen.
 * When it is the form's only decision (`onDecide`), its two labels are the form's submit
 * buttons; otherwise they are two toggles, one pressed.
 */
export function ApproveRejectField({ field, id, value, onChange, problem, disabled, onDecide }: FieldProps) {
  const choice = (answer: 'approve' | 'reject', label: string) =>
    onDecide ? (
      <button
        type="button"
        className={`form-verdict form-verdict-${answer} form-verdict-submit`}
        data-decision={answer}
        onClick={() => onDecide(answer)}
        disabled={disabled}
      >
        {label}
      </button>
    ) : (
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
    <FieldFrame field={field} id={id} problem={problem} group hint={onDecide ? 'Your choice sends the answer.' : undefined}>
      <div className="form-verdicts" id={id}>
        {choice('approve', field.approveLabel)}
        {choice('reject', field.rejectLabel)}
      </div>
    </FieldFrame>
  );
}
