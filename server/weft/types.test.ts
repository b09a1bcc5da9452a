import { describe, expect, it } from '@jest/globals';
import { connectionLane, formatType, inferType, isAssignable, parseType, typeOf, valueFits } from './types';

const fits = (source: string, target: string) => isAssignable(typeOf(source), typeOf(target));
const lane = (source: string, target: string) => connectionLane(typeOf(source), typeOf(target));

describe('the Weft type language', () => {
  it.each(['String', 'Number', 'Boolean', 'Null', 'Empty', 'JsonDict', 'MustOverride', 'T', 'T2', 'T__key', 'List[String]', 'Dict[String, Number]',
    'Dict[Number, String]', 'List[Dict[String, List[Number]]]', 'String | Number'])('parses and prints %s', (text) => expect(formatType(typeOf(text))).toBe(text));

  it('reads Media as the union of the four media types', () => {
    expect(formatType(typeOf('Media'))).toBe('Image | Video | Audio | Document');
  });

  it('flattens nested unions and drops repeats', () => {
    expect(formatType(typeOf('String | Number | String'))).toBe('String | Number');
  });

  it.each([['Strin', 'unknown type "Strin"'], ['List[String', 'is not a Weft type'], ['Any', 'unknown type "Any"'], ['String Number', 'is not a Weft type']])(
    'rejects %s', (text, message) => {
      expect(parseType(text)).toEqual({ ok: false, message: expect.stringContaining(message), offset: expect.any(Number) });
    });

  it('assigns equal types, and members into their union', () => {
    expect(fits('String', 'String')).toBe(true);
    expect(fits('Image', 'Media')).toBe(true);
    expect(fits('String', 'String | Number')).toBe(true);
    expect(fits('String | Number', 'String')).toBe(false);
    expect(fits('String | Number', 'Number | String | Null')).toBe(true);
    expect(fits('Number', 'String')).toBe(false);
  });

  it('treats JsonDict as any dict with String keys, in both directions', () => {
    expect(fits('Dict[String, Number]', 'JsonDict')).toBe(true);
    expect(fits('JsonDict', 'Dict[String, Number]')).toBe(true);
    expect(fits('List[String]', 'JsonDict')).toBe(false);
    expect(fits('JsonDict', 'String')).toBe(false);
  });

  it('checks lists and dicts by their items; type variables and Empty fit anything', () => {
    expect(fits('List[Image]', 'List[Media]')).toBe(true);
    expect(fits('List[String]', 'List[Number]')).toBe(false);
    expect(fits('Dict[String, Number]', 'Dict[String, String]')).toBe(false);
    expect(fits('T', 'Number')).toBe(true);
    expect(fits('List[Empty]', 'List[Number]')).toBe(true);
  });

  describe('lanes', () => {
    it('connects a fitting type directly', () => expect(lane('String', 'String')).toEqual({ mode: 'single', depth: 0 }));
    it('expands List[T] into a T port', () => expect(lane('List[Number]', 'Number')).toEqual({ mode: 'expand', depth: 1 }));
    it('expands nested lists into lanes within lanes', () => expect(lane('List[List[Number]]', 'Number')).toEqual({ mode: 'expand', depth: 2 }));
    it('gathers T into a List[T] port', () => expect(lane('Number', 'List[Number]')).toEqual({ mode: 'gather', depth: 1 }));
    it('gathers into nested lists', () => expect(lane('Number', 'List[List[Number]]')).toEqual({ mode: 'gather', depth: 2 }));
    it('lets a value that may be null into a port of its type (a null skips at run time)', () =>
      expect(lane('Number | Null', 'Number')).toEqual({ mode: 'single', depth: 0 }));
    it('does not expand a list of maybe-null items into the non-null type', () => expect(lane('List[Number | Null]', 'Number')).toBeUndefined());
    it('gathers maybe-null lanes', () => expect(lane('Number', 'List[Number | Null]')).toEqual({ mode: 'gather', depth: 1 }));
    it('refuses what fits no way', () => expect(lane('List[String]', 'Number')).toBeUndefined());
  });

  it('infers types from values, media by MIME type', () => {
    expect(formatType(inferType([1, 'a']))).toBe('List[Number | String]');
    expect(formatType(inferType([]))).toBe('List[Empty]');
    expect(formatType(inferType({}))).toBe('Dict[String, Empty]');
    expect(formatType(inferType({ url: 'u', mimeType: 'image/png' }))).toBe('Image');
    expect(formatType(inferType({ data: 'x', mimetype: 'application/pdf' }))).toBe('Document');
  });

  it('checks values against a type as the runtime does', () => {
    expect(valueFits(['a', 'b'], typeOf('List[String]'))).toBe(true);
    expect(valueFits(['a', 1], typeOf('List[String]'))).toBe(false);
    expect(valueFits({ a: 1 }, typeOf('Dict[String, Number]'))).toBe(true);
    expect(valueFits({ a: null }, typeOf('Dict[String, String]'))).toBe(false);
    expect(valueFits(null, typeOf('String | Null'))).toBe(true);
    expect(valueFits({ a: 3 }, typeOf('JsonDict'))).toBe(true);
    expect(valueFits(3, typeOf('T'))).toBe(true);
  });
});
