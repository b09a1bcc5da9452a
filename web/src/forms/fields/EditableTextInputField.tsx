import { FieldFrame } from './FieldFrame';
import type { FieldProps } from './fieldProps';
import { ResetToOriginal } from './ResetToOriginal';
import { TextControl } from './TextControl';

/** `editable_text_input`: one line pre-filled by the run, to correct or keep. */
export function EditableTextInputField(props: FieldProps) {
  return (
    <FieldFrame field={props.field} id={props.id} problem={props.problem} hint={<ResetToOriginal {...props} />}>
      <TextControl {...props} multiline={false} />
    </FieldFrame>
  );
}
