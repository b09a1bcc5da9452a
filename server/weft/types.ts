/** The Weft type language: parsing, printing, assignability and lanes. */

export type PrimitiveName = 'String' | 'Number' | 'Boolean' | 'Null' | 'JsonDict' | 'Image' | 'Audio' | 'Video' | 'Document';

export type WeftType =
  | { kind: 'primitive'; name: PrimitiveName }
  | { kind: 'list'; item: WeftType }
  | { kind: 'dict'; value: WeftType }
  | { kind: 'union'; members: WeftType[] };

export const PRIMITIVE_NAMES: readonly PrimitiveName[] = [
  'String', 'Number', 'Boolean', 'Null', 'JsonDict', 'Image', 'Audio', 'Video', 'Document',
];
const MEDIA_NAMES: readonly PrimitiveName[] = ['Image', 'Audio', 'Video', 'Document'];
export const TYPE_NAMES: readonly string[] = [...PRIMITIVE_NAMES, 'Media', 'List', 'Dict'];

export const primitive = (name: PrimitiveName): WeftType => ({ kind: 'primitive', name });
export const listOf = (item: WeftType): WeftType => ({ kind: 'list', item });
export const dictOf = (value: WeftType): WeftType => ({ kind: 'dict', value });
export const NULL = primitive('Null');
export const JSON_DICT = primitive('JsonDict');

/** A union, flattened and without repeats; a single member stands alone. */
export function unionOf(types: WeftType[]): WeftType {
  const members: WeftType[] = [];
  for (const t of types.flatMap((t) => (t.kind === 'union' ? t.members : [t]))) {
    if (!members.some((m) => sameType(m, t))) members.push(t);
  }
  return members.length === 1 ? members[0]! : { kind: 'union', members };
}

export const MEDIA = unionOf(MEDIA_NAMES.map(primitive));

export function sameType(a: WeftType, b: WeftType): boolean {
  return formatType(a) === formatType(b);
}

export function formatType(type: WeftType): string {
  switch (type.kind) {
    case 'primitive':
      return type.name;
    case 'list':
      return `List[${formatType(type.item)}]`;
    case 'dict':
      return `Dict[String, ${formatType(type.value)}]`;
    case 'union':
      return type.members.map(formatType).join(' | ');
  }
}

// ── parsing ─────────────────────────────────────────────────────────────────

export type TypeParseResult = { ok: true; type: WeftType } | { ok: false; message: string; offset: number };

class TypeSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

function tokenizeType(text: string): { text: string; offset: number }[] {
  const tokens: { text: string; offset: number }[] = [];
  const pattern = /\s*([A-Za-z_][A-Za-z0-9_]*|[[\],|]|\S)/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    tokens.push({ text: match[1]!, offset: match.index + match[0].length - match[1]!.length });
  }
  return tokens;
}

/** Parses a type as written in a port list, e.g. `List[Dict[String, Number]] | Null`. */
export function parseType(text: string): TypeParseResult {
  const tokens = tokenizeType(text);
  let i = 0;
  const peek = (): string | undefined => tokens[i]?.text;
  const offset = (): number => tokens[i]?.offset ?? text.length;
  const expect = (t: string, context: string): void => {
    if (peek() !== t) throw new TypeSyntaxError(`expected "${t}" ${context}`, offset());
    i++;
  };

  const parseUnion = (): WeftType => {
    const members = [parseTerm()];
    while (peek() === '|') {
      i++;
      members.push(parseTerm());
    }
    return unionOf(members);
  };

  const parseTerm = (): WeftType => {
    const at = offset();
    const name = peek();
    if (name === undefined || !/^[A-Za-z_]/.test(name)) throw new TypeSyntaxError('expected a type name', at);
    i++;
    if (name === 'List') {
      expect('[', 'after List');
      const item = parseUnion();
      expect(']', 'to close List[…]');
      return listOf(item);
    }
    if (name === 'Dict') {
      expect('[', 'after Dict');
      const keyAt = offset();
      const key = parseUnion();
      if (!sameType(key, primitive('String'))) {
        throw new TypeSyntaxError(`Dict keys are always String, not ${formatType(key)}`, keyAt);
      }
      expect(',', 'between the key and value types of Dict[String, T]');
      const value = parseUnion();
      expect(']', 'to close Dict[String, …]');
      return dictOf(value);
    }
    if (name === 'Media') return MEDIA;
    if ((PRIMITIVE_NAMES as readonly string[]).includes(name)) return primitive(name as PrimitiveName);
    if (name === 'Any') throw new TypeSyntaxError('Weft has no Any type; use JsonDict for any JSON value', at);
    throw new TypeSyntaxError(`unknown type "${name}"`, at);
  };

  try {
    const type = parseUnion();
    if (i < tokens.length) throw new TypeSyntaxError(`unexpected "${peek()}" in the type`, offset());
    return { ok: true, type };
  } catch (error) {
    if (error instanceof TypeSyntaxError) return { ok: false, message: error.message, offset: error.offset };
    throw error;
  }
}

/** Parses a type known to be valid (catalog definitions); throws otherwise. */
export function typeOf(text: string): WeftType {
  const result = parseType(text);
  if (!result.ok) throw new Error(`invalid type "${text}": ${result.message}`);
  return result.type;
}

// ── assignability ───────────────────────────────────────────────────────────

const isJsonDict = (t: WeftType): boolean => t.kind === 'primitive' && t.name === 'JsonDict';

/**
 * Can a value of type `source` flow into a port of type `target`?
 * JsonDict is the escape hatch: it accepts any value and fits any port.
 */
export function isAssignable(source: WeftType, target: WeftType): boolean {
  if (isJsonDict(source) || isJsonDict(target)) return true;
  if (source.kind === 'union') return source.members.every((m) => isAssignable(m, target));
  if (target.kind === 'union') return target.members.some((m) => isAssignable(source, m));
  if (source.kind === 'primitive' && target.kind === 'primitive') return source.name === target.name;
  if (source.kind === 'list' && target.kind === 'list') return isAssignable(source.item, target.item);
  if (source.kind === 'dict' && target.kind === 'dict') return isAssignable(source.value, target.value);
  return false;
}

/** The type without its `Null` member; `Null` alone stays `Null`. */
export function withoutNull(type: WeftType): WeftType {
  if (type.kind !== 'union') return type;
  const members = type.members.filter((m) => !(m.kind === 'primitive' && m.name === 'Null'));
  return members.length === 0 ? NULL : unionOf(members);
}

export function orNull(type: WeftType): WeftType {
  return unionOf([type, NULL]);
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

/**
 * How a value of type `source` connects to a port of type `target`:
 * directly, expanding `List[T]` into lanes of `T` (nested lists give deeper lanes),
 * or gathering lanes of `T` into `List[T]`. Undefined when the types do not fit.
 * A source that may be null fits a port of its non-null type: at run time a null skips the node.
 */
export function connectionLane(source: WeftType, target: WeftType): LaneMode | undefined {
  const value = withoutNull(source);
  if (isAssignable(value, target)) return SINGLE;
  for (let depth = 1, item = value; item.kind === 'list'; depth++) {
    item = withoutNull(item.item);
    if (isAssignable(item, target)) return { mode: 'expand', depth };
  }
  for (let depth = 1, wanted = target; wanted.kind === 'list'; depth++) {
    wanted = wanted.item;
    if (isAssignable(value, wanted)) return { mode: 'gather', depth };
  }
  return undefined;
}

// ── JSON values ─────────────────────────────────────────────────────────────

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Does a literal JSON value (from config) fit a port of this type? Media values are JSON objects. */
export function valueFits(value: JsonValue, type: WeftType): boolean {
  switch (type.kind) {
    case 'union':
      return type.members.some((m) => valueFits(value, m));
    case 'list':
      return Array.isArray(value) && value.every((v) => valueFits(v, type.item));
    case 'dict':
      return isPlainObject(value) && Object.values(value).every((v) => valueFits(v, type.value));
    case 'primitive':
      return primitiveFits(value, type.name);
  }
}

function isPlainObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function primitiveFits(value: JsonValue, name: PrimitiveName): boolean {
  switch (name) {
    case 'String':
      return typeof value === 'string';
    case 'Number':
      return typeof value === 'number';
    case 'Boolean':
      return typeof value === 'boolean';
    case 'Null':
      return value === null;
    case 'JsonDict':
      return true;
    default:
      return isPlainObject(value) || typeof value === 'string';
  }
}

/** A short description of a JSON value's shape, for messages. */
export function describeValue(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value === 'string' ? 'String' : typeof value === 'number' ? 'Number' : 'Boolean'}`;
}
