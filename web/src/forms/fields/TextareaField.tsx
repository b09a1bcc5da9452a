import { FieldFrame } from './FieldFrame';
import type { FieldProps } from './fieldProps';
import { TextControl } from './TextControl';

/** `textarea`: several lines of text. */
export function TextareaField(props: FieldProps) {
  return (
    <FieldFrame field={props.field} id={props.id} problem={props.problem}>
      <TextControl {...props} multiline />
    </FieldFrame>
  );
}
