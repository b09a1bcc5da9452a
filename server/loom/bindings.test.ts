import { describe, expect, test } from '@jest/globals';
import { parseLoom } from './parser';
import { allowlistOf, checkLoom, loomProgramOf, runnerPageOf } from './projectPage';

const weft = `topic = Text {
  label: "Topic"
  value: "cats"
}
count = Number { value: 3 }
key = LlmConfig {
  apiKey: "sk-secret"
  model: "small"
}
writer = Group(t: String) -> (story: String) {
  tpl = Template(t: String) { template: "About {{t}}" }
  tpl.t = self.t
  self.story = tpl.text
}
writer.t = topic.value
`;

const codes = (loom: string) => checkLoom(loom, weft).map((d) => `${d.line}: ${d.severity}: ${d.code}: ${d.message}`);

describe('bindings against the compiled Weft project', () => {
  test('good bindings give no diagnostic: catalog fields, node outputs, a group output and an inner node by its qualified id', () => {
    expect(codes('field topic value\nfield key model\noutput writer story\noutput writer.tpl text\noutput writer__out story')).toEqual([]);
  });

  test('an unknown node, with a suggestion when one is close', () => {
    expect(codes('field topci value\noutput nowhere value')).toEqual([
      '1: error: unknown-node: field topci value: no node "topci" in the Weft project; did you mean "topic"?',
      '2: error: unknown-node: output nowhere value: no node "nowhere" in the Weft project ("topic", "count", "key", "writer", "writer.tpl")',
    ]);
  });

  test('an unknown field: only catalog config fields can be exposed, not ports', () => {
    expect(codes('field topic vale\nfield writer.tpl template')).toEqual([
      '1: error: unknown-field: field topic vale: a Text node has no config field "vale"; did you mean "value"?',
      '2: error: unknown-field: field writer.tpl template: a Template node has no config field "template" (there are none)',
    ]);
  });

  test('an unknown output port', () => {
    expect(codes('output topic text\noutput writer storyy')).toEqual([
      '1: error: unknown-port: output topic text: topic (Text) has no output port "text" ("value")',
      '2: error: unknown-port: output writer storyy: writer (Group) has no output port "storyy"; did you mean "story"?',
    ]);
  });

  test('live on a node without live data, and a sensitive field not marked admin, are warnings', () => {
    expect(codes('live topic\nfield key apiKey\nfield key apiKey visibility:admin')).toEqual([
      '1: warning: no-live-data: live topic: a Text node is not infrastructure; the card will stay empty',
      '2: warning: sensitive-field: field key apiKey is a api_key field: it is shown to the owner only, never to visitors',
    ]);
  });

  test('bindings inside bricks and phases are checked too', () => {
    expect(codes('columns {\n card {\n  field topic nope\n }\n}\nphase P {\n output count nope\n}').map((c) => c.split(':')[0])).toEqual(['3', '7']);
  });

  test('Weft code without nodes: every binding says so', () => {
    expect(checkLoom('field topic value', '}}} not weft {{{').map((d) => d.message)).toEqual(['field topic value: no node "topic" in the Weft project (there are none)']);
  });
});

describe('modes and the visitor allow-list', () => {
  const loom = `phase Inputs {
  field topic value label:"Topic"
  field count value visibility:admin
  field key apiKey
}
columns {
  card title:"Inside a brick" {
    field key model
    output writer story
    output count value visibility:admin
  }
}
text "Owner notes" visibility:admin
text "Welcome" visibility:visitor`;

  test('the allow-list has every visitor-visible field and output, including inside bricks, and never a sensitive field', () => {
    expect(allowlistOf(loom, loomProgramOf(weft))).toEqual({ inputs: { topic: ['value'], key: ['model'] }, outputs: { writer: ['story'] } });
  });

  test('a visitor page leaves hidden blocks and values out; the admin page shows admin and both, with diagnostics', () => {
    const program = loomProgramOf(weft);
    const visitor = runnerPageOf(loom, program, 'visitor');
    const text = JSON.stringify(visitor);
    expect(text).not.toContain('Owner notes');
    expect(text).not.toContain('sk-secret');
    expect(text).not.toContain('apiKey');
    expect(text).toContain('Welcome');
    expect(visitor.fields.map((f) => [f.nodeId, f.fieldKey, f.value])).toEqual([['topic', 'value', 'cats'], ['key', 'model', 'small']]);
    expect(visitor.outputs).toEqual([{ nodeId: 'writer', portName: 'story', source: { nodeId: 'writer.tpl', port: 'text' } }]);
    const admin = runnerPageOf(loom, program, 'admin');
    expect(JSON.stringify(admin)).toContain('Owner notes');
    expect(JSON.stringify(admin)).not.toContain('Welcome');
    expect(admin.fields.find((f) => f.fieldKey === 'apiKey')).toMatchObject({ sensitive: true, fieldType: 'api_key', value: 'sk-secret' });
    expect(admin.diagnostics.map((d) => d.code)).toEqual(['sensitive-field']);
  });

  test('visitors get no blank block for a binding the project does not have', () => {
    const visitor = runnerPageOf('field topic value\nfield ghost value\noutput nowhere text\ncard {\n output topic value\n output topic nope\n}', loomProgramOf(weft), 'visitor');
    expect(JSON.stringify(visitor.manifest)).not.toMatch(/ghost|nowhere|nope/);
    expect(visitor.manifest!.blocks.map((b) => b.kind)).toEqual(['phase', 'brick']);
  });

  test('a phase with nothing visible is not rendered at all', () => {
    const manifest = runnerPageOf('phase Secret {\n field count value visibility:admin\n}\ntext x', loomProgramOf(weft), 'visitor').manifest!;
    expect(manifest.blocks.map((b) => b.kind)).toEqual(['brick']);
    expect(parseLoom('phase Secret {\n field count value visibility:admin\n}\ntext x').manifest!.blocks).toHaveLength(2);
  });
});
