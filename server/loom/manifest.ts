/**
 * The parsed form of a Loom page (a project's runner page): what the runner renders and
 * what a published page lets visitors set and see. Pure data, shared by the server and the SPA.
 */

export type Visibility = 'admin' | 'visitor' | 'both';

export interface LoomDiagnostic {
  severity: 'error' | 'warning';
  message: string;
  /** 1-based line in the Loom text as stored. */
  line: number;
  column: number;
  /** A stable identifier of the kind of problem, e.g. `unknown-node`. */
  code: string;
}

export const fieldVariants = [
  'text', 'textarea', 'password', 'email', 'url', 'number', 'slider', 'toggle', 'checkbox', 'radio', 'select', 'cards',
  'multiselect', 'multicards', 'tags', 'date', 'time', 'datetime', 'color', 'file',
] as const;
export type FieldVariant = (typeof fieldVariants)[number];

export const brickKinds = [
  'hero', 'navbar', 'navlink', 'logo', 'banner', 'text', 'heading', 'divider', 'image', 'video', 'embed', 'quote', 'stat',
  'stats', 'feature', 'feature-grid', 'faq', 'qa', 'testimonial', 'badge', 'spacer', 'section', 'columns', 'card', 'tabs',
  'tab', 'cta', 'footer',
] as const;
export type BrickKind = (typeof brickKinds)[number];

export const nestableBrickKinds: ReadonlySet<BrickKind> = new Set([
  'section', 'columns', 'card', 'tabs', 'tab', 'stats', 'feature-grid', 'faq', 'navbar',
]);

/** Size attributes shared by fields, outputs and bricks: kept as written, interpreted by `cssSize`. */
export interface SizeAttributes {
  height?: string;
  minHeight?: string;
  maxHeight?: string;
  width?: string;
}

export interface FieldItem extends SizeAttributes {
  kind: 'field';
  nodeId: string;
  fieldKey: string;
  label?: string;
  description?: string;
  visibility: Visibility;
  variant?: FieldVariant;
  /** From `options:` (or its aliases); they take precedence over the catalog field's. */
  options?: string[];
  chrome?: 'none' | 'subtle' | 'card';
  line: number;
}

export interface LiveItem extends SizeAttributes {
  kind: 'live';
  nodeId: string;
  label?: string;
  description?: string;
  visibility: Visibility;
  line: number;
}

export interface PhaseBlock {
  kind: 'phase';
  /** Undefined for the header-less phase a loose `field` becomes. */
  title?: string;
  description?: string;
  visibility: Visibility;
  items: FieldItem[];
  liveItems: LiveItem[];
  /** Outputs, bricks and nested phases of its body, rendered after the items. */
  children: Block[];
  line: number;
}

export interface OutputBlock extends SizeAttributes {
  kind: 'output';
  nodeId: string;
  portName: string;
  label?: string;
  description?: string;
  visibility: Visibility;
  /** As written; unknown values render as Markdown. */
  variant?: string;
  placeholder?: string;
  chrome?: 'none' | 'subtle' | 'card';
  line: number;
}

export interface BrickBlock {
  kind: 'brick';
  brick: BrickKind;
  /** Every attribute, as a string. */
  props: Record<string, string>;
  /** `content:` if given, else the positional words joined with single spaces. */
  content?: string;
  visibility: Visibility;
  /** Nestable kinds only. */
  children?: Block[];
  line: number;
}

export type Block = PhaseBlock | OutputBlock | LiveItem | BrickBlock;

export const skins = ['default', 'editorial', 'studio', 'brutalist', 'terminal', 'playful'] as const;
export const surfaces = ['plain', 'subtle', 'gradient', 'glass', 'dark', 'mesh'] as const;
export const layouts = ['narrow', 'centered', 'wide', 'ultrawide', 'full'] as const;
export const densities = ['compact', 'comfortable', 'spacious'] as const;
export const paddings = ['sm', 'md', 'lg', 'xl', '2xl'] as const;
export const modes = ['light', 'dark', 'auto'] as const;

export interface Theme {
  skin: (typeof skins)[number];
  primary?: string;
  accent?: string;
  background?: string;
  surface?: (typeof surfaces)[number];
  layout?: (typeof layouts)[number];
  contentWidth?: string;
  density?: (typeof densities)[number];
  padding?: (typeof paddings)[number];
  radius?: string;
  font?: string;
  mode?: (typeof modes)[number];
}

export interface LoomManifest {
  theme: Theme;
  /** The ordered tree the page renders. */
  blocks: Block[];
  /** Flat projections of the top-level blocks. */
  phases: PhaseBlock[];
  outputs: OutputBlock[];
  liveItems: LiveItem[];
}

export interface LoomParseResult {
  /** Null only when there is no Loom block or nothing renderable in it. */
  manifest: LoomManifest | null;
  diagnostics: LoomDiagnostic[];
}
