/**
 * The interface of a node type, read from Weft's catalog.json (LANGUAGE.md §8): default ports, config
 * fields, features, and the ports a form-schema node derives from its `fields` (NODES.md §1.11).
 * Data-driven: every one of the 98 catalog types is known here, whether or not the runtime runs it.
 */
import { weftCatalogEntries, weftCatalogEntry, type WeftCatalogEntry } from '../nodes/weftCatalog';
import type { JsonValue } from './types';

export type CatalogLaneMode = 'Single' | 'Expand' | 'Gather';

/** Where a port of a node comes from. */
export type PortOrigin = 'catalog' | 'declared' | 'form' | 'literal' | 'edge';

export interface NodePort {
  name: string;
  /** Weft type text; it may be a type variable, MustOverride, or (as declared) not a type at all. */
  type: string;
  required: boolean;
  /** An explicit catalog flag; absent means "decided by the type" (§8.6). */
  configurable?: boolean;
  laneMode?: CatalogLaneMode;
  laneDepth?: number;
  /** Written in the program's signature or in(…)/out(…) lines. */
  declared: boolean;
  /** Declared without `?` (outputs too, though Weft never requires an output). */
  writtenRequired?: boolean;
  origin: PortOrigin;
}

/** Group is a catalog type; the compiler's internal Passthrough is not (a user's Passthrough is unknown). */
export function catalogEntry(type: string): WeftCatalogEntry | undefined {
  return weftCatalogEntry(type);
}

export function nodeTypeNames(): string[] {
  return weftCatalogEntries().map((e) => e.type);
}

export function defaultPorts(entry: WeftCatalogEntry): { inputs: NodePort[]; outputs: NodePort[] } {
  const port = (p: WeftCatalogEntry['defaultInputs'][number]): NodePort => {
    const made: NodePort = { name: p.name, type: p.portType, required: p.required, declared: false, origin: 'catalog' };
    if (p.configurable !== undefined) made.configurable = p.configurable;
    if (p.laneMode === 'Expand' || p.laneMode === 'Gather') made.laneMode = p.laneMode;
    return made;
  };
  return { inputs: entry.defaultInputs.map(port), outputs: entry.defaultOutputs.map(port) };
}

export interface FormFieldPorts {
  /** Type of the input `{key}`, for fields fed by the graph; `T_Auto` is the field's own type variable `T__{key}`. */
  input?: string;
  /** Type of the answer output `{key}`. */
  output?: string;
  /** Extra outputs with a suffix, e.g. `{key}_approved`. */
  suffixed?: { suffix: string; type: string }[];
}

export const FORM_FIELD_TYPES = [
  'display', 'display_image', 'approve_reject', 'select', 'multi_select', 'select_input',
  'multi_select_input', 'text_input', 'textarea', 'editable_text_input', 'editable_textarea',
] as const;

export type FormFieldType = (typeof FORM_FIELD_TYPES)[number];

/** NODES.md §1.11: the ports each form field type adds. */
export const FORM_FIELD_PORTS: Record<FormFieldType, FormFieldPorts> = {
  display: { input: 'T_Auto' },
  display_image: { input: 'Image' },
  approve_reject: { suffixed: [{ suffix: '_approved', type: 'Boolean' }, { suffix: '_rejected', type: 'Boolean' }] },
  select: { output: 'String' },
  multi_select: { output: 'List[String]' },
  select_input: { input: 'List[String]', output: 'String' },
  multi_select_input: { input: 'List[String]', output: 'List[String]' },
  text_input: { output: 'String' },
  textarea: { output: 'String' },
  editable_text_input: { input: 'String', output: 'String' },
  editable_textarea: { input: 'String', output: 'String' },
};

/** The type of a form field's input port `key`. */
export const formInputType = (spec: FormFieldPorts, key: string): string | undefined =>
  spec.input === 'T_Auto' ? `T__${key}` : spec.input;

const isObject = (v: unknown): v is Record<string, JsonValue> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The ports a HumanQuery/HumanTrigger `fields` list derives; an unknown fieldType adds none. */
export function formPorts(fields: JsonValue | undefined): { inputs: NodePort[]; outputs: NodePort[] } {
  const inputs: NodePort[] = [];
  const outputs: NodePort[] = [];
  if (!Array.isArray(fields)) return { inputs, outputs };
  for (const field of fields) {
    // A field without a key (or with an empty one) adds no ports, as the reference skips it.
    if (!isObject(field) || typeof field.fieldType !== 'string' || typeof field.key !== 'string' || field.key === '') continue;
    const spec = FORM_FIELD_PORTS[field.fieldType as FormFieldType] as FormFieldPorts | undefined;
    if (!spec) continue;
    const key = field.key;
    const inputType = formInputType(spec, key);
    if (inputType) inputs.push({ name: key, type: inputType, required: field.required !== false, declared: false, origin: 'form' });
    if (spec.output) outputs.push({ name: key, type: spec.output, required: false, declared: false, origin: 'form' });
    for (const { suffix, type } of spec.suffixed ?? []) {
      outputs.push({ name: `${key}${suffix}`, type, required: false, declared: false, origin: 'form' });
    }
  }
  return { inputs, outputs };
}

/**
 * Config fields this platform adds to catalog types (README, Differences from Weft). They are read like
 * catalog fields: never ports, never a fixed-signature error. ExecPython's and Http's `timeoutSeconds`,
 * LlmConfig's `baseUrl`, Cron's `timezone`.
 */
const EXTENSION_FIELDS: Record<string, readonly string[]> = {
  ExecPython: ['timeoutSeconds'],
  Http: ['timeoutSeconds'],
  LlmConfig: ['baseUrl'],
  Cron: ['timezone'],
};

/** The config field keys of a type: the catalog's and this platform's additions. */
export function fieldKeys(entry: WeftCatalogEntry): string[] {
  return [...entry.fields.map((f) => f.key), ...(EXTENSION_FIELDS[entry.type] ?? [])];
}

/** Metadata keys that are never ports and never an error (§3.9). */
export const RESERVED_CONFIG_KEYS: ReadonlySet<string> = new Set([
  'label', 'parentId', 'expanded', 'description', 'textareaHeights', 'width', 'height', 'fields',
]);
