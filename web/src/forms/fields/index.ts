import type { ComponentType } from 'react';
import type { FieldType } from '../formSchema';
import { ApproveRejectField } from './ApproveRejectField';
import { DisplayField } from './DisplayField';
import { DisplayImageField } from './DisplayImageField';
import { EditableTextareaField } from './EditableTextareaField';
import { EditableTextInputField } from './EditableTextInputField';
import type { FieldProps } from './fieldProps';
import { MultiSelectField } from './MultiSelectField';
import { MultiSelectInputField } from './MultiSelectInputField';
import { SelectField } from './SelectField';
import { SelectInputField } from './SelectInputField';
import { TextareaField } from './TextareaField';
import { TextInputField } from './TextInputField';

/** The component that shows each field type of WEFT.md. */
export const fieldComponents: Record<FieldType, ComponentType<FieldProps>> = {
  display: DisplayField,
  display_image: DisplayImageField,
  approve_reject: ApproveRejectField,
  select: SelectField,
  multi_select: MultiSelectField,
  select_input: SelectInputField,
  multi_select_input: MultiSelectInputField,
  text_input: TextInputField,
  textarea: TextareaField,
  editable_text_input: EditableTextInputField,
  editable_textarea: EditableTextareaField,
};
