import { describe, expect, test } from '@jest/globals';
import type { BrickBlock, FieldItem, LoomManifest, OutputBlock, PhaseBlock } from './manifest';
import { parseLoom } from './parser';
import { inlineTripleBacktickValues, reflow } from './reflow';
import { splitTokens, tokenize } from './tokens';

function page(text: string): LoomManifest {
  const { manifest, diagnostics } = parseLoom(text);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(manifest).not.toBeNull();
  return manifest!;
}

const messages = (text: string) => parseLoom(text).diagnostics.map((d) => `${d.line}: ${d.severity}: ${d.message}`);
const brick = (block: unknown) => block as BrickBlock;
const phase = (block: unknown) => block as PhaseBlock;

describe('reflow', () => {
  test('braces open and close lines; commas break lines; quotes and backticks are untouched', () => {
    const lines = reflow('card { text "Hi, there {x}" }\na:1, b:2\nk:```x, {y}```').map((l) => l.text.trim()).filter(Boolean);
    // `b:2` and the value line are attribute-only lines, so they continue `a:1`.
    expect(lines).toEqual(['card {', 'text "Hi, there {x}"', '}', 'a:1 b:2 k:```x, {y}```']);
  });

  test('an attribute-only line continues the previous line, not one that opens or closes a block, and not a directive word', () => {
    const lines = reflow('hero\n  title:"Menu"\n  subtitle:"Week"\ncard {\n  title:"x"\n}\n  label:"after brace"\nfield a b\ntext:"not glued"')
      .map((l) => l.text.trim())
      .filter(Boolean);
    expect(lines).toEqual(['hero title:"Menu" subtitle:"Week"', 'card {', 'title:"x"', '}', 'label:"after brace"', 'field a b', 'text:"not glued"']);
  });

  test('runs of blank lines collapse into one; each line keeps its stored line number', () => {
    const lines = reflow('a\n\n\n\nb, c');
    expect(lines.map((l) => [l.text, l.line])).toEqual([['a', 1], ['', 2], ['b', 5], [' c', 5]]);
  });

  test('a comment is not split at its commas (the reference leaves a stray line)', () => {
    expect(messages('# Step one, then two\ntext "ok"')).toEqual([]);
  });

  test('triple-backtick values become quoted strings: on one line, and across lines kept raw without dedent', () => {
    const single = inlineTripleBacktickValues(reflow('text content:```Hello "you"```')).lines;
    expect(single[0]!.text).toBe('text content:"Hello \\"you\\""');
    const multi = inlineTripleBacktickValues(reflow('text content:```first\n  indented, with comma\n\n\nlast``` level:2\ndivider')).lines;
    expect(multi.map((l) => l.text)).toEqual(['text content:"first\\n  indented, with comma\\n\\nlast" level:2', 'divider']);
  });
});

describe('tokens and attributes', () => {
  test('quoted strings, bracket groups and key:"quoted value" tokens', () => {
    expect(tokenize('field a b [label:"Plan it" as:markdown] "two words" x:"y z"')).toEqual([
      'field', 'a', 'b', 'label:"Plan it"', 'as:markdown', '"two words"', 'x:"y z"',
    ]);
  });

  test('the key is before the first colon; quotes are unescaped; a later duplicate wins; a space after the colon empties it', () => {
    const { attributes, positional } = splitTokens(tokenize('action:"link:https://x.org/a" t:"a\\"b\\nc" t2:1 t2:2 label: "X"'));
    expect(attributes).toEqual({ action: 'link:https://x.org/a', t: 'a"b\nc', t2: '2', label: '' });
    expect(positional).toEqual(['X']);
  });
});

describe('directives', () => {
  test('theme: first line, several attributes per line, invalid enumerated values dropped', () => {
    const { theme } = page('theme {\n skin:"studio" primary:"#0ea5e9" accent:"#f97316"\n layout:"wide" density:"compact" surface:"mesh" padding:huge\n}\ntext "x"');
    expect(theme).toEqual({ skin: 'studio', primary: '#0ea5e9', accent: '#f97316', layout: 'wide', density: 'compact', surface: 'mesh' });
    expect(page('theme { skin:"neon" mode:"dark" radius:"lg" font:"Inter" contentWidth:"70rem" background:"#111" }\ntext "x"').theme).toEqual({
      skin: 'default', mode: 'dark', radius: 'lg', font: 'Inter', contentWidth: '70rem', background: '#111',
    });
  });

  test('a misplaced theme is applied with a warning (the reference discards it)', () => {
    const result = parseLoom('text "x"\ntheme { skin:"terminal" }');
    expect(result.manifest!.theme.skin).toBe('terminal');
    expect(result.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'misplaced-theme', line: 2 })]);
  });

  test('phase: title, positional description, items, live items and children rendered after', () => {
    const manifest = page(
      'phase "Your kitchen" "Tell us what you have" {\n  field pantry value as:textarea label:"Ingredients on hand"\n  live bot\n  output planner response as:markdown\n  field servings value as:slider\n}',
    );
    const p = phase(manifest.blocks[0]);
    expect(p).toMatchObject({ kind: 'phase', title: 'Your kitchen', description: 'Tell us what you have', visibility: 'both', line: 1 });
    expect(p.items.map((i) => [i.nodeId, i.fieldKey, i.variant])).toEqual([['pantry', 'value', 'textarea'], ['servings', 'value', 'slider']]);
    expect(p.items[0]!.label).toBe('Ingredients on hand');
    expect(p.liveItems.map((i) => i.nodeId)).toEqual(['bot']);
    expect(p.children).toEqual([expect.objectContaining({ kind: 'output', nodeId: 'planner', portName: 'response', variant: 'markdown', line: 4 })]);
    expect(manifest.phases).toEqual([p]);
  });

  test('phase: bare title with a colon, description with a colon only as an attribute, Untitled without a title', () => {
    expect(phase(page('phase Step:1 description:"a: b" visibility:admin {\nfield a b\n}').blocks[0])).toMatchObject({ title: 'Step:1', description: 'a: b', visibility: 'admin' });
    expect(phase(page('phase {\nfield a b\n}').blocks[0]).title).toBe('Untitled');
  });

  test('field: every attribute, options as a list or a JSON array, aliases of as and options', () => {
    const manifest = page(
      [
        'field diet value as:radio options:"any, vegetarian, vegan" label:"**Diet**" description:"Pick one" visibility:visitor chrome:card height:md width:50%',
        'field tone value type:select choices:"warm, dry"',
        'field n value kind:slider',
        'field x value type:bogus',
      ].join('\n'),
    );
    const fields = manifest.blocks.map((b) => phase(b).items[0]!);
    expect(fields[0]).toEqual({
      kind: 'field', nodeId: 'diet', fieldKey: 'value', variant: 'radio', options: ['any', 'vegetarian', 'vegan'], label: '**Diet**',
      description: 'Pick one', visibility: 'visitor', chrome: 'card', height: 'md', width: '50%', line: 1,
    } satisfies FieldItem);
    expect(fields[1]!.variant).toBe('select');
    expect(fields[2]!.variant).toBe('slider');
    expect(fields[3]!.variant).toBeUndefined();
    expect(page('field t value options:"[\\"a\\", \\"b\\"]"').blocks.map((b) => phase(b).items[0]!.options)).toEqual([['a', 'b']]);
  });

  test('a loose field is its own header-less phase; inside a phase it folds into the items', () => {
    const manifest = page('field a value\nfield b value');
    expect(manifest.blocks).toHaveLength(2);
    expect(manifest.blocks.every((b) => b.kind === 'phase' && b.title === undefined && b.items.length === 1)).toBe(true);
  });

  test('output: label, placeholder, sizes, chrome and an unknown as: kept as written', () => {
    const manifest = page('output planner response as:markdown label:"This week" height:lg placeholder:"Press Plan to start" minHeight:120 chrome:subtle\noutput a b as:sparkles');
    expect(manifest.outputs[0]).toEqual({
      kind: 'output', nodeId: 'planner', portName: 'response', variant: 'markdown', label: 'This week', height: 'lg',
      placeholder: 'Press Plan to start', minHeight: '120', chrome: 'subtle', visibility: 'both', line: 1,
    } satisfies OutputBlock);
    expect(manifest.outputs[1]!.variant).toBe('sparkles');
  });

  test('live: at top level and with attributes', () => {
    expect(page('live bridge label:"WhatsApp" visibility:admin').liveItems).toEqual([
      { kind: 'live', nodeId: 'bridge', label: 'WhatsApp', visibility: 'admin', line: 1 },
    ]);
  });

  test('every brick kind parses, with props, positional content and visibility', () => {
    const text = [
      'hero title:"Menu planner" subtitle:"Seven dinners" eyebrow:"New" size:lg align:left background:gradient',
      'navbar title:"Weft" sticky:"true" {', 'logo name:"Acme"', 'navlink href:"/docs" label:"Docs"', '}',
      'banner variant:warning text:"Careful"', 'text Hello world', 'heading Big title level:1', 'divider',
      'image src:"/a.png" alt:"A" fit:contain height:md', 'video src:"/v.mp4"', 'embed url:"https://example.org" title:"Ex"',
      'quote "Less is more" author:"Mies"', 'stats {', 'stat value:"42" label:"Answers"', '}',
      'feature-grid {', 'feature title:"Fast" icon:bolt Quick to run', '}', 'faq {', 'qa q:"Why?" a:"Because."', '}',
      'testimonial "Great tool" author:"Ann" role:"CTO" avatar:"/ann.png"', 'badge variant:success Ready', 'spacer size:lg',
      'section title:"More" padding:lg background:subtle {', 'text inside', '}', 'columns cols:3 ratio:"2:1" gap:md align:center responsive:keep {', 'card title:"One" shadow:glow elevated:"true" {', 'text a', '}', '}',
      'tabs {', 'tab label:"First" {', 'text one', '}', 'tab label:"Second" visibility:admin {', 'text two', '}', '}',
      'cta label:"Plan my week" size:lg action:run align:center', 'footer note:"Made with care"',
    ].join('\n');
    const manifest = page(text);
    const kinds = new Set<string>();
    const visit = (blocks: readonly unknown[]) => {
      for (const b of blocks as BrickBlock[]) {
        if (b.kind !== 'brick') continue;
        kinds.add(b.brick);
        if (b.children) visit(b.children);
      }
    };
    visit(manifest.blocks);
    expect(kinds.size).toBe(28);
    const byKind = (kind: string) => {
      let found: BrickBlock | undefined;
      const search = (blocks: readonly unknown[]) => {
        for (const b of blocks as BrickBlock[]) {
          if (b.kind === 'brick' && b.brick === kind && !found) found = b;
          if (b.kind === 'brick' && b.children) search(b.children);
        }
      };
      search(manifest.blocks);
      return found!;
    };
    expect(byKind('hero').props).toMatchObject({ title: 'Menu planner', subtitle: 'Seven dinners', size: 'lg', align: 'left' });
    expect(byKind('text').content).toBe('Hello world');
    expect(byKind('heading')).toMatchObject({ content: 'Big title', props: { level: '1' } });
    expect(byKind('quote')).toMatchObject({ content: 'Less is more', props: { author: 'Mies' } });
    expect(byKind('feature')).toMatchObject({ content: 'Quick to run', props: { title: 'Fast', icon: 'bolt' } });
    expect(byKind('badge').content).toBe('Ready');
    expect(byKind('columns').children!.map((c) => brick(c).brick)).toEqual(['card']);
    expect(byKind('tabs').children!.map((c) => brick(c).props.label)).toEqual(['First', 'Second']);
    expect(byKind('tab').children).toHaveLength(1);
    expect(byKind('cta').props).toEqual({ label: 'Plan my week', size: 'lg', action: 'run', align: 'center' });
    expect(brick(byKind('tabs').children![1]).visibility).toBe('admin');
  });

  test('a quoted positional with a colon is kept as content (the reference loses it); content: wins over positional words', () => {
    expect(brick(page('text "Note: read this"').blocks[0]).content).toBe('Note: read this');
    expect(brick(page('text ignored content:```Multi\nline```').blocks[0]).content).toBe('Multi\nline');
  });

  test('fields, outputs, phases and live inside nestable bricks', () => {
    const manifest = page('columns cols:2 ratio:"3:2" {\n card title:"Inputs" {\n  field pantry value as:textarea height:md\n  field diet value as:radio options:"any, vegan"\n }\n card title:"Plan" {\n  output planner response as:markdown\n  live bot\n }\n}\ncta label:"Plan my week" size:lg');
    const columns = brick(manifest.blocks[0]);
    const inputs = brick(columns.children![0]);
    expect(inputs.children!.map((c) => phase(c).items[0]!.fieldKey)).toEqual(['value', 'value']);
    const plan = brick(columns.children![1]);
    expect(plan.children!.map((c) => c.kind)).toEqual(['output', 'live']);
    expect(manifest.outputs).toEqual([]); // flat projections are of top-level blocks only
  });

  test('visibility: admin, visitor, both; unknown or unset means both', () => {
    const manifest = page('text a visibility:admin\ntext b visibility:visitor\ntext c visibility:both\ntext d visibility:nobody\ntext e');
    expect(manifest.blocks.map((b) => b.visibility)).toEqual(['admin', 'visitor', 'both', 'both', 'both']);
  });

  test('a ```loom fence: the last block is used, with its line numbers', () => {
    const result = parseLoom('intro\n```loom\ntext first\n```\n````loom\ntext second\nbogus line\n````');
    expect(brick(result.manifest!.blocks[0]).content).toBe('second');
    expect(result.diagnostics).toEqual([expect.objectContaining({ line: 7, message: 'Unexpected line: bogus line' })]);
  });
});

describe('diagnostics by line', () => {
  test('no block: an unclosed fence', () => {
    expect(parseLoom('```loom\ntext a\n')).toEqual({ manifest: null, diagnostics: [expect.objectContaining({ message: 'No ```loom block found in response' })] });
  });

  test('empty: nothing renderable', () => {
    expect(parseLoom('# only a comment\ntheme { skin:"studio" }')).toEqual({ manifest: null, diagnostics: [expect.objectContaining({ message: 'Loom block is empty', code: 'empty' })] });
  });

  test('Unexpected line, with the comma the reflow breaks at', () => {
    expect(messages('text ok\nhello there\nfield a b options:a,b')).toEqual(['2: error: Unexpected line: hello there', '3: error: Unexpected line: b']);
  });

  test('field, output and live without their arguments', () => {
    expect(messages('field onlyNode\noutput onlyNode\nlive label:"x"\nlive')).toEqual([
      '1: error: field requires nodeId and fieldKey: field onlyNode',
      '2: error: output requires nodeId and portName: output onlyNode',
      '3: error: live requires nodeId: live label:"x"',
      '4: error: Unexpected line: live',
      '1: error: Loom block is empty',
    ]);
  });

  test('unknown field variant: reported, the item kept without a variant', () => {
    const result = parseLoom('field a b as:wheel');
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      'field a b: unknown variant as:"wheel". Valid variants: text, textarea, password, email, url, number, slider, toggle, checkbox, radio, select, cards, multiselect, multicards, tags, date, time, datetime, color, file.',
    ]);
    expect(phase(result.manifest!.blocks[0]).items[0]!.variant).toBeUndefined();
  });

  test('a non-nestable brick with a body: reported and its body skipped', () => {
    const result = parseLoom('hero title:"x" {\n text skipped\n}\ntext kept');
    expect(result.diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual(['1: hero does not accept child blocks']);
    expect(result.manifest!.blocks.map((b) => brick(b).brick)).toEqual(['hero', 'text']);
  });

  test('a stray } at top level is a warning and the rest of the page is kept (the reference silently drops it)', () => {
    const result = parseLoom('text a\n}\ntext b');
    expect(result.diagnostics).toEqual([expect.objectContaining({ line: 2, severity: 'warning', code: 'stray-brace' })]);
    expect(result.manifest!.blocks).toHaveLength(2);
  });

  test('an unclosed block and an unclosed ``` value', () => {
    expect(messages('card {\n text a')).toEqual(['1: warning: card { is never closed with }']);
    expect(messages('text ok\ntext content:```never\nclosed')).toEqual(['2: error: This ``` value is never closed: everything after it is lost']);
  });

  test('stray words on a phase line are a warning', () => {
    expect(messages('phase Title Description extra {\nfield a b\n}')).toEqual(['1: warning: phase: "extra" ignored (attributes are key:value, with no space after the colon)']);
  });

  test('nothing a client sends throws', () => {
    for (const text of ['', '}', '{', '```', '"', '[', 'phase "', 'field "a', 'tabs {{{{', '\u0000\u0001', 'x'.repeat(10_000), '{}'.repeat(2000)]) {
      expect(() => parseLoom(text)).not.toThrow();
    }
  });
});
