import { describeValue, parseType, valueFits, type JsonValue } from '../../../../server/weft/types';

/** What was typed for one output port: nothing yet, a value that fits its type, or why not. */
export type PortValue = { state: 'empty' } | { state: 'ok'; value: JsonValue } | { state: 'invalid'; problem: string };

/** A port typed exactly String takes the text as it is; every other type is written as JSON. */
export function takesPlainText(type: string): boolean {
  const parsed = parseType(type);
  return parsed.ok && parsed.type.kind === 'primitive' && parsed.type.name === 'String';
}

/**
 * Reads what was typed for a port of this Weft type, with the same type check the server makes
 * (server/weft/types: infer the value's type, then compatibility), so a value refused on save is
 * already flagged while typing.
 */
export function readPortValue(text: string, type: string): PortValue {
  if (text.trim() === '') return { state: 'empty' };
  let value: JsonValue;
  if (takesPlainText(type)) value = text;
  else {
    try {
      value = JSON.parse(text) as JsonValue;
    } catch {
      return { state: 'invalid', problem: `Not JSON: write a ${type} as JSON, e.g. ${exampleOf(type)}` };
    }
  }
  const parsed = parseType(type);
  if (parsed.ok && value !== null && !valueFits(value, parsed.type)) {
    return { state: 'invalid', problem: `This is ${describeValue(value)}, which is not a ${type}` };
  }
  return { state: 'ok', value };
}

/** The text an input starts with for a stored value. */
export function textOfValue(value: unknown, type: string): string {
  if (value === undefined) return '';
  if (typeof value === 'string' && takesPlainText(type)) return value;
  return JSON.stringify(value);
}

/** A placeholder showing how a value of this type is written. */
export function exampleOf(type: string): string {
  const parsed = parseType(type);
  if (!parsed.ok) return 'a JSON value';
  const t = parsed.type;
  if (t.kind === 'primitive') {
    if (t.name === 'String') return '"text"';
    if (t.name === 'Number') return '42';
    if (t.name === 'Boolean') return 'true';
    return `a ${t.name} as JSON`;
  }
  if (t.kind === 'list') return '[ … ]';
  if (t.kind === 'dict' || t.kind === 'jsonDict') return '{ "key": … }';
  return 'a JSON value';
}
