import { describe, expect, test } from '@jest/globals';
import { compileWeft } from '../weft';
import { withDefaults } from './defaults';

const configOf = (code: string, id: string) => compileWeft(code, '', { partial: true }).graph!.nodes.find((n) => n.id === id)!.config;

describe('saving field values as the code defaults', () => {
  const code = `# Project: defaults
topic = Text {
  label: "Topic"
  value: "cats"
}
count = Number { value: 3 }
prompt = Text {
  value: \`\`\`
first line
second line
  \`\`\`
}
bare = Text
`;

  test('replaces, adds and removes entries; multi-line strings become ``` blocks; the rest of the code is kept', () => {
    const result = withDefaults(code, {
      topic: { value: 'owls' },
      count: { value: 7 },
      prompt: { value: 'one\ntwo\nthree' },
      bare: { value: 'now set' },
    });
    if ('problem' in result) throw new Error(result.problem);
    expect(configOf(result.code, 'topic')).toEqual({ value: 'owls' });
    expect(configOf(result.code, 'count')).toEqual({ value: 7 });
    expect(configOf(result.code, 'prompt')).toEqual({ value: 'one\ntwo\nthree' });
    expect(configOf(result.code, 'bare')).toEqual({ value: 'now set' });
    expect(result.code.startsWith('# Project: defaults\ntopic = Text {\n  label: "Topic"\n  value: "owls"\n}')).toBe(true);
    const removed = withDefaults(code, { prompt: { value: null } });
    if ('problem' in removed) throw new Error(removed.problem);
    expect(configOf(removed.code, 'prompt')).toEqual({});
    expect(removed.code).not.toContain('second line');
  });

  test('refuses what it cannot write safely, and unknown nodes', () => {
    expect(withDefaults(code, { ghost: { value: 1 } })).toEqual({ problem: 'No node "ghost" in the code' });
  });
});
