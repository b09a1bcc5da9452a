import { exampleOf, readPortValue, takesPlainText } from './portValue';

interface PortValueInputProps {
  id: string;
  /** Shown as the input's label: the port's name. */
  name: string;
  type: string;
  text: string;
  onChange: (text: string) => void;
  optional?: boolean;
}

/** One output port's value: its name and type, the text typed, and at once whether it fits the type. */
export function PortValueInput({ id, name, type, text, onChange, optional }: PortValueInputProps) {
  const read = readPortValue(text, type);
  const plain = takesPlainText(type);
  return (
    <div className="port-value" data-port={name} data-state={read.state}>
      <label htmlFor={id}>
        <span className="mono">{name}</span> <span className="port-type mono">{type}</span>
        {optional === false && <span className="muted"> required</span>}
      </label>
      <input
        id={id}
        className={`form-text${plain ? '' : ' mono'}`}
        value={text}
        placeholder={plain ? 'text' : exampleOf(type)}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={read.state === 'invalid' ? true : undefined}
        aria-describedby={read.state === 'invalid' ? `${id}-problem` : undefined}
        spellCheck={plain}
      />
      {read.state === 'invalid' && <p className="form-problem" id={`${id}-problem`} role="alert">{read.problem}</p>}
    </div>
  );
}
