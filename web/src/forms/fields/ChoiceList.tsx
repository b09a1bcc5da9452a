import type { FieldProps } from './fieldProps';

/** The options of a select field as radio buttons (one choice) or checkboxes (several). */
export function ChoiceList({ field, id, value, onChange, disabled, multiple }: FieldProps & { multiple: boolean }) {
  const chosen = Array.isArray(value) ? value : value === null ? [] : [value];
  function toggle(option: string, checked: boolean) {
    if (!multiple) return onChange(option);
    onChange(checked ? [...chosen, option] : chosen.filter((item) => item !== option));
  }
  if (field.options.length === 0) return <p className="muted" id={id}>There are no options to choose from.</p>;
  return (
    <div className="form-choices" id={id}>
      {field.options.map((option, index) => (
        <label key={option} className="form-choice">
          <input
            type={multiple ? 'checkbox' : 'radio'}
            name={id}
            id={index === 0 ? `${id}-first` : undefined}
            value={option}
            checked={chosen.includes(option)}
            onChange={(event) => toggle(option, event.target.checked)}
            disabled={disabled}
          />
          {option}
        </label>
      ))}
    </div>
  );
}
