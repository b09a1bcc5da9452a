import { FieldFrame } from './FieldFrame';
import type { FieldProps } from './fieldProps';
import { ResetToOriginal } from './ResetToOriginal';
import { TextControl } from './TextControl';

/** `editable_textarea`: text pre-filled by the run (a draft, say), to edit or keep. */
export function EditableTextareaField(props: FieldProps) {
  return (
    <FieldFrame field={props.field} id={props.id} problem={props.problem} hint={<ResetToOriginal {...props} />}>
      <TextControl {...props} multiline />
    </FieldFrame>
  );
}
