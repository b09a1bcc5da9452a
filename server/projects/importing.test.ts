import { describe, expect, it } from '@jest/globals';
import { parseProjectImport } from './importing';

describe('parseProjectImport', () => {
  it('reads the public JSON export shape, keeping loomCode', () => {
    const content = JSON.stringify({ name: 'Approval', description: 'asks a person', weftCode: 'a = Text', layoutCode: 'a @layout 1 2', loomCode: 'loom' });
    expect(parseProjectImport(content, 'approval.json')).toEqual({
      name: 'Approval', description: 'asks a person', code: 'a = Text', layout: 'a @layout 1 2', loomCode: 'loom',
    });
  });

  it('takes the name and description of Weft code from its header comments, else from the file name', () => {
    expect(parseProjectImport('# Project: hello\n# Description: adds two numbers\nx = Text', 'x.weft')).toMatchObject({
      name: 'hello', description: 'adds two numbers', layout: '', loomCode: null,
    });
    expect(parseProjectImport('x = Text', 'some/dir/greeter.weft')).toMatchObject({ name: 'greeter', description: '' });
  });

  it('says what is wrong with a file that is not an export', () => {
    expect(parseProjectImport('{ nope', 'p.json')).toEqual({ problem: expect.stringMatching(/^The file is not valid JSON \(/) });
    expect(parseProjectImport('{"name": "x"}', 'p.json')).toEqual({ problem: 'The export has no weftCode: is it a project export?' });
    expect(parseProjectImport('{"weftCode": 3, "name": 1}', 'p.json')).toEqual({ problem: 'In a project export, name, weftCode must be text' });
  });
});
