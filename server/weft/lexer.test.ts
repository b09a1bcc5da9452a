import { describe, expect, it } from '@jest/globals';
import { dedentBlock, lex } from './lexer';

const kinds = (source: string) => lex(source).tokens.map((t) => (t.kind === 'punct' ? t.text : t.kind));

describe('lexer', () => {
  it('skips # comments to the end of the line, but not inside strings', () => {
    const { tokens } = lex('a = Text # a note\n{ value: "not # a comment" }');
    expect(tokens.map((t) => t.text)).toEqual(['a', '=', 'Text', '{', 'value', ':', '"not # a comment"', '}', '']);
  });

  it('decodes \\n \\t \\r \\" \\\\ escapes in quoted strings', () => {
    const token = lex('"line\\none\\ttab\\rret \\"q\\" back\\\\slash"').tokens[0]!;
    expect(token.kind === 'string' && token.value).toBe('line\none\ttab\rret "q" back\\slash');
  });

  it('reports an unknown escape where it is', () => {
    expect(lex('x: "a\\qb"').diagnostics).toEqual([expect.objectContaining({ code: 'invalid-escape', line: 1, column: 6 })]);
  });

  it('keeps a triple-backtick block verbatim, without its fence lines and common indentation', () => {
    const source = 'code: ```\n    if x:\n        return 1\n\n    return 2\n    ```';
    const token = lex(source).tokens[2]!;
    expect(token.kind === 'string' && token.value).toBe('if x:\n    return 1\n\nreturn 2');
  });

  it('keeps escapes and quotes inside a block as they are', () => {
    expect(dedentBlock('\n  say "hi\\n"\n')).toBe('say "hi\\n"');
  });

  it('reads numbers, negative and decimal and with exponents, and tells -> apart', () => {
    const values = lex('1 -2.5 3e2 ->').tokens.map((t) => (t.kind === 'number' ? t.value : t.text));
    expect(values).toEqual([1, -2.5, 300, '->', '']);
  });

  it('gives every token its line and column, 1-based', () => {
    const { tokens } = lex('a = Text\n  b.x = a.value');
    expect(tokens.map((t) => [t.text, t.span.start.line, t.span.start.column]).slice(3, 6)).toEqual([
      ['b', 2, 3], ['.', 2, 4], ['x', 2, 5],
    ]);
  });

  it('marks the tokens that start a line', () => {
    expect(lex('a = Text\nb = Text').tokens.filter((t) => t.newlineBefore).map((t) => t.text)).toEqual(['a', 'b', '']);
  });

  it('lexes the punctuation of port lists and types', () => {
    expect(kinds('(a: List[String]?, @require_one_of(a))')).toEqual([
      '(', 'ident', ':', 'ident', '[', 'ident', ']', '?', ',', '@', 'ident', '(', 'ident', ')', ')', 'eof',
    ]);
  });
});
