import { ChoiceList } from './ChoiceList';
import { FieldFrame } from './FieldFrame';
import type { FieldProps } from './fieldProps';

/** `select_input`: one of the options the run produced. */
export function SelectInputField(props: FieldProps) {
  return (
    <FieldFrame field={props.field} id={props.id} problem={props.problem} group hint="Options from this run.">
      <ChoiceList {...props} multiple={false} />
    </FieldFrame>
  );
}
