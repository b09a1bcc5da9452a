import { ChoiceList } from './ChoiceList';
import { FieldFrame } from './FieldFrame';
import type { FieldProps } from './fieldProps';

/** `multi_select_input`: any of the options the run produced. */
export function MultiSelectInputField(props: FieldProps) {
  const hint = props.field.required ? 'Options from this run; choose at least one.' : 'Options from this run.';
  return (
    <FieldFrame field={props.field} id={props.id} problem={props.problem} group hint={hint}>
      <ChoiceList {...props} multiple />
    </FieldFrame>
  );
}
