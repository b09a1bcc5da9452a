import { FieldFrame } from './FieldFrame';
import type { FieldProps } from './fieldProps';
import { TextControl } from './TextControl';

/** `text_input`: one line of text. */
export function TextInputField(props: FieldProps) {
  return (
    <FieldFrame field={props.field} id={props.id} problem={props.problem}>
      <TextControl {...props} multiline={false} />
    </FieldFrame>
  );
}
