/**
 * Weft's own catalog (catalog.json, copied from the reference): the interface of every node type the
 * language knows — default ports, config fields and features. The compiler reads ports from here;
 * the definitions in this folder add what a type does when it runs.
 */
import { readFileSync } from 'node:fs';

export interface WeftCatalogPort {
  name: string;
  /** Weft type text, e.g. `List[String]`, `T`, `MustOverride`. */
  portType: string;
  required: boolean;
  /** False: a config value never fills it (only an edge). Absent means true. */
  configurable?: boolean;
  laneMode?: string;
}

export interface WeftCatalogField {
  key: string;
  label?: string;
  /** text, textarea, number, checkbox, select, code, password, api_key, blob, form_builder */
  type: string;
  options?: string[];
  defaultValue?: unknown;
  min?: number;
  max?: number;
  provider?: string;
  accept?: string;
}

export interface WeftCatalogFeatures {
  canAddInputPorts?: boolean;
  canAddOutputPorts?: boolean;
  isTrigger?: boolean;
  triggerCategory?: 'Webhook' | 'Manual' | 'Polling' | 'Socket';
  /** Each group lists ports of which at least one must carry a value. */
  oneOfRequired?: string[][];
  isInfrastructure?: boolean;
  hasLiveData?: boolean;
  showDebugPreview?: boolean;
  hasFormSchema?: boolean;
}

export interface WeftCatalogEntry {
  type: string;
  label: string;
  category: string;
  /** Where the reference keeps it, e.g. `catalog/data/primitives/text`; its first folder is the family. */
  catalogPath: string;
  isBase?: boolean;
  fields: WeftCatalogField[];
  defaultInputs: WeftCatalogPort[];
  defaultOutputs: WeftCatalogPort[];
  features: WeftCatalogFeatures;
}

const entries: WeftCatalogEntry[] = (
  JSON.parse(readFileSync(new URL('./catalog.json', import.meta.url), 'utf8')) as Array<Partial<WeftCatalogEntry> & { type: string }>
).map((entry) => ({
  label: entry.type,
  category: 'Utility',
  catalogPath: '',
  ...entry,
  fields: entry.fields ?? [],
  defaultInputs: entry.defaultInputs ?? [],
  defaultOutputs: entry.defaultOutputs ?? [],
  features: entry.features ?? {},
}));

const byType: ReadonlyMap<string, WeftCatalogEntry> = new Map(entries.map((entry) => [entry.type, entry]));

export function weftCatalogEntry(type: string): WeftCatalogEntry | undefined {
  return byType.get(type);
}

export function weftCatalogEntries(): readonly WeftCatalogEntry[] {
  return entries;
}

/** The family folder of a type, as Weft's catalog groups them (`data`, `flow`, `communication`, …). */
export function weftFamily(entry: WeftCatalogEntry): string {
  return entry.catalogPath.split('/')[1] ?? 'other';
}
