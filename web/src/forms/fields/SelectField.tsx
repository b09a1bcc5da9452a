import { ChoiceList } from './ChoiceList';
import { FieldFrame } from './FieldFrame';
import type { FieldProps } from './fieldProps';

/** `select`: one of the options written in the program. */
export function SelectField(props: FieldProps) {
  return (
    <FieldFrame field={props.field} id={props.id} problem={props.problem} group>
      <ChoiceList {...props} multiple={false} />
    </FieldFrame>
  );
}
