import { describe, expect, it } from '@jest/globals';
import { connectionLane, formatType, isAssignable, parseType, typeOf, valueFits } from './types';

const fits = (source: string, target: string) => isAssignable(typeOf(source), typeOf(target));
const lane = (source: string, target: string) => connectionLane(typeOf(source), typeOf(target));

describe('the Weft type language', () => {
  it.each(['String', 'Number', 'Boolean', 'Null', 'JsonDict', 'List[String]', 'Dict[String, Number]', 'List[Dict[String, List[Number]]]', 'String | Number'])(
    'parses and prints %s',
    (text) => expect(formatType(typeOf(text))).toBe(text),
  );

  it('reads Media as the union of the four media types', () => {
    expect(formatType(typeOf('Media'))).toBe('Image | Audio | Video | Document');
  });

  it('flattens nested unions and drops repeats', () => {
    expect(formatType(typeOf('String | Number | String'))).toBe('String | Number');
  });

  it.each([
    ['Strin', 'unknown type "Strin"', 0],
    ['List[String', 'expected "]" to close List[…]', 11],
    ['Dict[Number, String]', 'Dict keys are always String', 5],
    ['Any', 'no Any type', 0],
    ['String Number', 'unexpected "Number"', 7],
  ])('rejects %s', (text, message, offset) => {
    expect(parseType(text)).toEqual({ ok: false, message: expect.stringContaining(message), offset });
  });

  it('assigns equal types, and members into their union', () => {
    expect(fits('String', 'String')).toBe(true);
    expect(fits('Image', 'Media')).toBe(true);
    expect(fits('String', 'String | Number')).toBe(true);
    expect(fits('String | Number', 'String')).toBe(false);
    expect(fits('String | Number', 'Number | String | Null')).toBe(true);
    expect(fits('Number', 'String')).toBe(false);
  });

  it('treats JsonDict as the escape hatch both ways', () => {
    expect(fits('List[Dict[String, Number]]', 'JsonDict')).toBe(true);
    expect(fits('JsonDict', 'String')).toBe(true);
    expect(fits('Dict[String, Number]', 'Dict[String, JsonDict]')).toBe(true);
  });

  it('checks lists and dicts by their items', () => {
    expect(fits('List[Image]', 'List[Media]')).toBe(true);
    expect(fits('List[String]', 'List[Number]')).toBe(false);
    expect(fits('Dict[String, Number]', 'Dict[String, String]')).toBe(false);
  });

  describe('lanes', () => {
    it('connects a fitting type directly', () => expect(lane('String', 'String')).toEqual({ mode: 'single', depth: 0 }));
    it('expands List[T] into a T port', () => expect(lane('List[Number]', 'Number')).toEqual({ mode: 'expand', depth: 1 }));
    it('expands nested lists into lanes within lanes', () =>
      expect(lane('List[List[Number]]', 'Number')).toEqual({ mode: 'expand', depth: 2 }));
    it('gathers T into a List[T] port', () => expect(lane('Number', 'List[Number]')).toEqual({ mode: 'gather', depth: 1 }));
    it('gathers into nested lists', () => expect(lane('Number', 'List[List[Number]]')).toEqual({ mode: 'gather', depth: 2 }));
    it('prefers a direct fit over expanding', () => expect(lane('List[Number]', 'JsonDict')).toEqual({ mode: 'single', depth: 0 }));
    it('lets a value that may be null into a port of its type (a null skips at run time)', () =>
      expect(lane('Number | Null', 'Number')).toEqual({ mode: 'single', depth: 0 }));
    it('expands a list of maybe-null items', () =>
      expect(lane('List[Number | Null]', 'Number')).toEqual({ mode: 'expand', depth: 1 }));
    it('gathers maybe-null lanes', () => expect(lane('Number', 'List[Number | Null]')).toEqual({ mode: 'gather', depth: 1 }));
    it('refuses what fits no way', () => expect(lane('List[String]', 'Number')).toBeUndefined());
  });

  it('checks literal config values against a type', () => {
    expect(valueFits(['a', 'b'], typeOf('List[String]'))).toBe(true);
    expect(valueFits(['a', 1], typeOf('List[String]'))).toBe(false);
    expect(valueFits({ a: 1 }, typeOf('Dict[String, Number]'))).toBe(true);
    expect(valueFits(null, typeOf('String | Null'))).toBe(true);
    expect(valueFits(3, typeOf('JsonDict'))).toBe(true);
  });
});
