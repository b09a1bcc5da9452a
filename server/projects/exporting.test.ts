import { describe, expect, it } from '@jest/globals';
import { exportProject, stripCredentials } from './exporting';
import { parseProjectImport } from './importing';

describe('stripCredentials', () => {
  it('removes the values of password and api_key fields, as the reference export does, and keeps everything else', () => {
    const code = [
      'llm = LlmConfig { model: "gpt-4o-mini", apiKey: "sk-secret-1" }',
      'hook = ApiPost -> (city: String) {',
      '  label: "Reading"',
      '  apiKey: "change-me"',
      '}',
      'note = Text { value: "apiKey: not a credential" }',
    ].join('\n');
    const stripped = stripCredentials(code);
    expect(stripped).not.toContain('sk-secret-1');
    expect(stripped).not.toContain('change-me');
    expect(stripped).toContain('apiKey: ""');
    expect(stripped).toContain('model: "gpt-4o-mini"');
    expect(stripped).toContain('value: "apiKey: not a credential"');
  });

  it('leaves code without credentials as it is', () => {
    const code = 'a = Text { value: "x" }\nb = Debug\nb.data = a.value';
    expect(stripCredentials(code)).toBe(code);
  });
});

describe('exportProject', () => {
  it('gives the reference export shape, which import reads back', () => {
    const exported = exportProject({ name: 'p', description: 'd', code: 'llm = LlmConfig { apiKey: "k" }', layout: 'llm @layout 1 2', loomCode: null });
    expect(exported).toEqual({ name: 'p', description: 'd', weftCode: 'llm = LlmConfig { apiKey: "" }', layoutCode: 'llm @layout 1 2', loomCode: '' });
    expect(parseProjectImport(JSON.stringify(exported), 'p.json')).toMatchObject({ name: 'p', description: 'd', layout: 'llm @layout 1 2' });
  });
});
