import { describe, expect, it } from '@jest/globals';
import type { GraphIR, IRNode } from '../weft/ir';
import { redactCode, redactConfig, redactedMarker } from './redaction';

const node = (id: string, type: string, line: number, endLine: number) =>
  ({ id, type, code: { line, column: 1, endLine, endColumn: 1 } }) as unknown as IRNode;
const graphOf = (...nodes: IRNode[]) => ({ nodes, edges: [] }) as unknown as GraphIR;

describe('redactCode', () => {
  const code = [
    'hook = ApiPost -> (city: String) {', //  1
    '  apiKey: "k-1\\"quoted"', //           2
    '}', //                                  3
    'note = Text { value: "apiKey: visible" }', // 4
    'secret = Credential {', //              5
    '  value: ```', //                       6
    'line one', //                           7
    'line two', //                           8
    '  ```', //                              9
    '}', //                                  10
    'slack = SlackConfig { botToken: "xoxb-1", appToken: \'xapp-2\' }', // 11
  ].join('\n');
  const graph = graphOf(node('hook', 'ApiPost', 1, 3), node('note', 'Text', 4, 4), node('secret', 'Credential', 5, 10), node('slack', 'SlackConfig', 11, 11));

  it('replaces each secret field value of a node, keeping every line', () => {
    const redacted = redactCode(code, graph);
    expect(redacted.split('\n')).toHaveLength(code.split('\n').length);
    expect(redacted).toContain(`  apiKey: "${redactedMarker}"`);
    expect(redacted).toContain(`botToken: "${redactedMarker}", appToken: '${redactedMarker}' }`);
    expect(redacted).not.toMatch(/k-1|line one|line two|xoxb|xapp/);
    expect(redacted.split('\n')[5]).toBe(`  value: \`\`\`${redactedMarker}`);
  });

  it('leaves fields of the same name on other node types alone', () => {
    expect(redactCode(code, graph)).toContain('note = Text { value: "apiKey: visible" }');
  });

  it('without a graph, hides every key that is a secret of any type', () => {
    const redacted = redactCode(code, undefined);
    expect(redacted).not.toMatch(/k-1|xoxb|line one/);
    expect(redacted.split('\n')).toHaveLength(code.split('\n').length);
  });
});

describe('redactConfig', () => {
  it('shows a set secret as "(set)" and keeps the rest', () => {
    expect(redactConfig('LlmConfig', { apiKey: 'sk-1', model: 'm' })).toEqual({ apiKey: '(set)', model: 'm' });
    expect(redactConfig('LlmConfig', { model: 'm' })).toEqual({ model: 'm' });
    expect(redactConfig('Text', { value: 'v' })).toEqual({ value: 'v' });
  });
});
