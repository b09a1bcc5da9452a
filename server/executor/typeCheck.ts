/**
 * The type checks of values at run time (NODES.md 1.7): inputs when a node is dispatched, outputs
 * when it has run, by inferring the value's type and asking whether it is compatible with the port's.
 * A type this runtime cannot read, or one left unresolved (a type variable, MustOverride), accepts
 * anything, as in the reference.
 */
import { formatType, includesNull, inferType, parseWeftType, valueFits, type JsonValue } from '../weft/types';

/** Does a value fit a port of this Weft type? True for a type that is unresolved or unreadable here. */
export function valueFitsPort(value: JsonValue, typeText: string): boolean {
  const type = parseWeftType(typeText);
  return !type || valueFits(value, type);
}

/** True when the type includes Null, so that a required port accepts a null without skipping. */
export function acceptsNull(typeText: string): boolean {
  return includesNull(parseWeftType(typeText));
}

/** The Weft type the reference infers for a value, for messages. */
export function inferredType(value: JsonValue): string {
  return formatType(inferType(value));
}

/** A short, readable form of a value for an error message. */
export function shortValue(value: JsonValue): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
