import type { OutputState } from '../../../../server/loom/runOutputs';

/** A field binding as the API gives it (RunnerField). */
export interface RunnerFieldView {
  nodeId: string;
  fieldKey: string;
  fieldType: string;
  label: string;
  options?: readonly string[] | null;
  min?: number | null;
  max?: number | null;
  accept?: string | null;
  value?: unknown;
  sensitive: boolean;
}

export interface RunnerOutputView {
  nodeId: string;
  portName: string;
  sourceNodeId?: string | null;
  sourcePort?: string | null;
}

export type FieldValues = Record<string, Record<string, unknown>>;

/** An open HumanQuery form of the run, to link to from the page. */
export interface WaitingForm {
  nodeId: string;
  title: string;
  href: string;
}

/** Uploads a file for a file field; resolves to the field's value `{url, filename, mime_type, size_bytes, file_id, …}`. */
export type UploadFile = (nodeId: string, fieldKey: string, file: File) => Promise<unknown>;

/** One line of a `live` card (RunnerLiveCard). */
export interface LiveCardView {
  nodeId: string;
  state: string;
  items: readonly { type: string; label: string; data: unknown }[];
}

export const bindingKey = (nodeId: string, key: string) => `${nodeId}\u0000${key}`;

export type { OutputState };
