import { ChoiceList } from './ChoiceList';
import { FieldFrame } from './FieldFrame';
import type { FieldProps } from './fieldProps';

/** `multi_select`: any of the options written in the program. */
export function MultiSelectField(props: FieldProps) {
  return (
    <FieldFrame field={props.field} id={props.id} problem={props.problem} group hint={props.field.required ? 'Choose at least one.' : undefined}>
      <ChoiceList {...props} multiple />
    </FieldFrame>
  );
}
