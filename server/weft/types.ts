/**
 * The Weft type language as the reference reads it (LANGUAGE.md §9): parsing, printing,
 * compatibility, type variables, inference from values, and lane modes.
 */

export type PrimitiveName = 'String' | 'Number' | 'Boolean' | 'Null' | 'Image' | 'Video' | 'Audio' | 'Document' | 'Empty';

export type WeftType =
  | { kind: 'primitive'; name: PrimitiveName }
  | { kind: 'list'; item: WeftType }
  | { kind: 'dict'; key: WeftType; value: WeftType }
  | { kind: 'jsonDict' }
  | { kind: 'union'; members: WeftType[] }
  | { kind: 'typeVar'; name: string }
  | { kind: 'mustOverride' };

export const PRIMITIVE_NAMES: readonly PrimitiveName[] = [
  'String', 'Number', 'Boolean', 'Null', 'Image', 'Video', 'Audio', 'Document', 'Empty',
];
const MEDIA_NAMES: readonly PrimitiveName[] = ['Image', 'Video', 'Audio', 'Document'];
/** Names a user may write in a port type (for suggestions). */
export const TYPE_NAMES: readonly string[] = [...PRIMITIVE_NAMES, 'Media', 'JsonDict', 'List', 'Dict', 'MustOverride'];

export const primitive = (name: PrimitiveName): WeftType => ({ kind: 'primitive', name });
export const listOf = (item: WeftType): WeftType => ({ kind: 'list', item });
export const dictOf = (value: WeftType, key: WeftType = primitive('String')): WeftType => ({ kind: 'dict', key, value });
export const NULL = primitive('Null');
export const EMPTY = primitive('Empty');
export const STRING = primitive('String');
export const JSON_DICT: WeftType = { kind: 'jsonDict' };
export const MUST_OVERRIDE: WeftType = { kind: 'mustOverride' };
export const typeVar = (name: string): WeftType => ({ kind: 'typeVar', name });

export function formatType(type: WeftType): string {
  switch (type.kind) {
    case 'primitive':
      return type.name;
    case 'list':
      return `List[${formatType(type.item)}]`;
    case 'dict':
      return `Dict[${formatType(type.key)}, ${formatType(type.value)}]`;
    case 'jsonDict':
      return 'JsonDict';
    case 'union':
      return type.members.map(formatType).join(' | ');
    case 'typeVar':
      return type.name;
    case 'mustOverride':
      return 'MustOverride';
  }
}

/** A union, flattened and without repeats (by printed form); a single member stands alone. */
export function unionOf(types: readonly WeftType[]): WeftType {
  const members: WeftType[] = [];
  const seen = new Set<string>();
  for (const t of types.flatMap((t) => (t.kind === 'union' ? t.members : [t]))) {
    const key = formatType(t);
    if (seen.has(key)) continue;
    seen.add(key);
    members.push(t);
  }
  return members.length === 1 ? members[0]! : { kind: 'union', members };
}

export const MEDIA: WeftType = { kind: 'union', members: MEDIA_NAMES.map(primitive) };

// ── parsing ─────────────────────────────────────────────────────────────────

/** T, T1…, T_Auto and the internal T__<word> forms. */
export function isTypeVarName(name: string): boolean {
  return name === 'T_Auto' || /^T(\d+)?$/.test(name) || /^T__[A-Za-z0-9_]+$/.test(name);
}

/** Splits at a delimiter outside square brackets. */
function splitOutsideBrackets(text: string, delimiter: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === delimiter && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function parseSingle(text: string): WeftType | null {
  const s = text.trim();
  if (s === 'Media') return MEDIA;
  if (s === 'JsonDict') return JSON_DICT;
  if (s === 'MustOverride') return MUST_OVERRIDE;
  const open = s.indexOf('[');
  if (open !== -1) {
    if (!s.endsWith(']')) return null;
    const name = s.slice(0, open).trim();
    const inner = s.slice(open + 1, -1);
    if (name === 'List') {
      const item = parseWeftType(inner);
      return item ? listOf(item) : null;
    }
    if (name === 'Dict') {
      const parts = splitOutsideBrackets(inner, ',');
      if (parts.length !== 2) return null;
      const key = parseWeftType(parts[0]!);
      const value = parseWeftType(parts[1]!);
      return key && value ? { kind: 'dict', key, value } : null;
    }
    return null;
  }
  if ((PRIMITIVE_NAMES as readonly string[]).includes(s)) return primitive(s as PrimitiveName);
  if (isTypeVarName(s)) return typeVar(s);
  return null;
}

const parsedTypes = new Map<string, WeftType | null>();

/** Parses a port type as the reference does; null when it is not a type (unknown names stay unparsed). */
export function parseWeftType(text: string): WeftType | null {
  const cached = parsedTypes.get(text);
  if (cached !== undefined) return cached;
  let result: WeftType | null;
  const trimmed = text.trim();
  if (!trimmed) result = null;
  else {
    const parts = splitOutsideBrackets(trimmed, '|');
    if (parts.length === 1) result = parseSingle(trimmed);
    else {
      const members: WeftType[] = [];
      result = null;
      let ok = true;
      for (const part of parts) {
        const member = parseSingle(part);
        if (!member) {
          ok = false;
          break;
        }
        members.push(member);
      }
      if (ok) result = unionOf(members);
    }
  }
  if (parsedTypes.size > 50_000) parsedTypes.clear();
  parsedTypes.set(text, result);
  return result;
}

export type TypeParseResult = { ok: true; type: WeftType } | { ok: false; message: string; offset: number };

/** Parses a type as written in a port list, e.g. `List[Dict[String, Number]] | Null`. */
export function parseType(text: string): TypeParseResult {
  const type = parseWeftType(text);
  if (type) return { ok: true, type };
  const name = /[A-Za-z_][A-Za-z0-9_]*/.exec(text);
  const unknown = name && !TYPE_NAMES.includes(name[0]) && !isTypeVarName(name[0]) ? name[0] : undefined;
  return {
    ok: false,
    message: unknown ? `unknown type "${unknown}"` : `"${text.trim()}" is not a Weft type`,
    offset: unknown ? name!.index : 0,
  };
}

/** Parses a type known to be valid (catalog definitions); throws otherwise. */
export function typeOf(text: string): WeftType {
  const type = parseWeftType(text);
  if (!type) throw new Error(`invalid type "${text}"`);
  return type;
}

// ── compatibility ───────────────────────────────────────────────────────────

const isStringKey = (t: WeftType): boolean => t.kind === 'primitive' && t.name === 'String';

/** Can a value of type `source` flow into a port of type `target`? (LANGUAGE.md §9.2, in that order.) */
export function isCompatible(source: WeftType, target: WeftType): boolean {
  if (source.kind === 'typeVar' || source.kind === 'mustOverride') return true;
  if (target.kind === 'typeVar' || target.kind === 'mustOverride') return true;
  if (source.kind === 'primitive' && source.name === 'Empty') return true;
  if (source.kind === 'primitive' && target.kind === 'primitive') return source.name === target.name;
  if (source.kind === 'list' && target.kind === 'list') return isCompatible(source.item, target.item);
  if (source.kind === 'jsonDict' && target.kind === 'jsonDict') return true;
  if (source.kind === 'jsonDict' && target.kind === 'dict') return isStringKey(target.key);
  if (source.kind === 'dict' && target.kind === 'jsonDict') return isStringKey(source.key);
  if (source.kind === 'dict' && target.kind === 'dict') {
    return isCompatible(source.key, target.key) && isCompatible(source.value, target.value);
  }
  if (source.kind === 'union' && target.kind === 'union') {
    return source.members.every((s) => target.members.some((t) => isCompatible(s, t)));
  }
  if (target.kind === 'union') return target.members.some((t) => isCompatible(source, t));
  if (source.kind === 'union') return source.members.every((s) => isCompatible(s, target));
  return false;
}

export const isAssignable = isCompatible;

/** Compatibility of two type texts; a text that is not a type is compatible with nothing. */
export function isTextCompatible(source: string, target: string): boolean {
  const s = parseWeftType(source);
  const t = parseWeftType(target);
  return !!s && !!t && isCompatible(s, t);
}

export function containsTypeVar(type: WeftType): boolean {
  switch (type.kind) {
    case 'typeVar':
      return true;
    case 'list':
      return containsTypeVar(type.item);
    case 'dict':
      return containsTypeVar(type.key) || containsTypeVar(type.value);
    case 'union':
      return type.members.some(containsTypeVar);
    default:
      return false;
  }
}

/** A bare type variable or MustOverride: nothing can be checked against it yet. */
export const isUnresolved = (type: WeftType | null): boolean =>
  !!type && (type.kind === 'typeVar' || type.kind === 'mustOverride');

export function substitute(type: WeftType, bindings: ReadonlyMap<string, WeftType>): WeftType {
  switch (type.kind) {
    case 'typeVar':
      return bindings.get(type.name) ?? type;
    case 'list':
      return listOf(substitute(type.item, bindings));
    case 'dict':
      return { kind: 'dict', key: substitute(type.key, bindings), value: substitute(type.value, bindings) };
    case 'union':
      return { kind: 'union', members: type.members.map((m) => substitute(m, bindings)) };
    default:
      return type;
  }
}

export function includesNull(type: WeftType | null): boolean {
  if (!type) return false;
  if (type.kind === 'primitive') return type.name === 'Null';
  return type.kind === 'union' && type.members.some((m) => m.kind === 'primitive' && m.name === 'Null');
}

/** The type without its top-level `Null` member; `Null` alone stays `Null`. */
export function withoutNull(type: WeftType): WeftType {
  if (type.kind !== 'union') return type;
  const members = type.members.filter((m) => !(m.kind === 'primitive' && m.name === 'Null'));
  if (members.length === 0) return type;
  return members.length === 1 ? members[0]! : { kind: 'union', members };
}

export function orNull(type: WeftType): WeftType {
  return unionOf([type, NULL]);
}

/** Media types, type variables and MustOverride are wired-only; everything else may be filled from config. */
export function isDefaultConfigurable(type: WeftType): boolean {
  switch (type.kind) {
    case 'primitive':
      return !MEDIA_NAMES.includes(type.name);
    case 'list':
      return isDefaultConfigurable(type.item);
    case 'dict':
      return isDefaultConfigurable(type.value);
    case 'union':
      return type.members.every(isDefaultConfigurable);
    case 'jsonDict':
      return true;
    default:
      return false;
  }
}

// ── JSON values ─────────────────────────────────────────────────────────────

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

function isPlainObject(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The type of a JSON value (LANGUAGE.md §9.4, NODES.md §1.7). */
export function inferType(value: unknown): WeftType {
  if (value === null || value === undefined) return NULL;
  if (typeof value === 'boolean') return primitive('Boolean');
  if (typeof value === 'number') return primitive('Number');
  if (typeof value === 'string') return STRING;
  if (Array.isArray(value)) return listOf(value.length === 0 ? EMPTY : unionOf(value.map(inferType)));
  if (isPlainObject(value)) {
    const mime = value.mimeType ?? value.mimetype;
    if (('url' in value || 'data' in value) && typeof mime === 'string') {
      if (mime.startsWith('image/')) return primitive('Image');
      if (mime.startsWith('video/')) return primitive('Video');
      if (mime.startsWith('audio/')) return primitive('Audio');
      return primitive('Document');
    }
    const values = Object.values(value);
    return dictOf(values.length === 0 ? EMPTY : unionOf(values.map(inferType)));
  }
  return STRING;
}

/** Does a value fit a port of this type, as the runtime checks it (infer, then compatibility)? */
export function valueFits(value: JsonValue, type: WeftType): boolean {
  return isCompatible(inferType(value), type);
}

/** A short description of a JSON value's shape, for messages. */
export function describeValue(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value === 'string' ? 'String' : typeof value === 'number' ? 'Number' : 'Boolean'}`;
}

// ── lanes ───────────────────────────────────────────────────────────────────

export type LaneMode =
  | { mode: 'single'; depth: 0 }
  | { mode: 'expand'; depth: number }
  | { mode: 'gather'; depth: number };

export const SINGLE: LaneMode = { mode: 'single', depth: 0 };

/** +depth for an expansion, -depth for a gather, 0 for a single value. */
export function laneDelta(lane: LaneMode): number {
  return lane.mode === 'expand' ? lane.depth : lane.mode === 'gather' ? -lane.depth : 0;
}

export function laneFromDelta(delta: number): LaneMode {
  if (delta > 0) return { mode: 'expand', depth: delta };
  if (delta < 0) return { mode: 'gather', depth: -delta };
  return SINGLE;
}

/** How many `List[…]` peeled off the source make it fit the target (0: none does). */
export function expandDepth(source: WeftType, target: WeftType): number {
  let depth = 0;
  for (let current = source; current.kind === 'list'; current = current.item) {
    depth++;
    if (isCompatible(current.item, target)) return depth;
  }
  return 0;
}

/** How many `List[…]` peeled off the target make the source fit (0: none does). */
export function gatherDepth(source: WeftType, target: WeftType): number {
  let depth = 0;
  for (let current = target; current.kind === 'list'; current = current.item) {
    depth++;
    if (isCompatible(source, current.item)) return depth;
  }
  return 0;
}

/**
 * How a value of type `source` connects to a port of type `target` when the port has no lane
 * mode of its own: directly, expanding, or gathering (LANGUAGE.md §10 step 2.5). Undefined when none fits.
 */
export function connectionLane(source: WeftType, target: WeftType): LaneMode | undefined {
  if (isCompatible(source, target)) return SINGLE;
  const expand = expandDepth(source, target);
  if (expand > 0) return { mode: 'expand', depth: expand };
  const gather = gatherDepth(source, target);
  if (gather > 0) return { mode: 'gather', depth: gather };
  return isCompatible(withoutNull(source), target) ? SINGLE : undefined;
}
