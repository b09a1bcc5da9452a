/**
 * The Loom parser: stored Loom text → the page manifest plus diagnostics by line. It never
 * throws; the manifest is null only when there is no Loom block or nothing renderable in it.
 */
import {
  type Block, type BrickBlock, brickKinds, type BrickKind, densities, fieldVariants, type FieldItem, type FieldVariant, layouts,
  type LiveItem, type LoomDiagnostic, type LoomManifest, type LoomParseResult, modes, nestableBrickKinds, type OutputBlock,
  paddings, type PhaseBlock, type SizeAttributes, skins, surfaces, type Theme, type Visibility,
} from './manifest';
import { inlineTripleBacktickValues, reflow, type SourceLine } from './reflow';
import { splitTokens, tokenize, unquote, type SplitTokens } from './tokens';

interface LoomBlockText {
  text: string;
  /** Line of the stored text where the block's content starts. */
  firstLine: number;
}

/**
 * The Loom block of a text. Stored loomCode is the block itself; a text with fences
 * (three or more backticks followed by `loom`) uses its last block.
 */
export function loomBlockOf(text: string): LoomBlockText | undefined {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const opens = lines.flatMap((line, index) => {
    const match = /^\s*(`{3,})loom\s*$/.exec(line);
    return match ? [{ index, ticks: match[1]!.length }] : [];
  });
  if (opens.length === 0) return { text, firstLine: 1 };
  for (const open of [...opens].reverse()) {
    const close = lines.findIndex((line, index) => index > open.index && new RegExp(`^\\s*\`{${open.ticks},}\\s*$`).test(line));
    if (close > open.index) return { text: lines.slice(open.index + 1, close).join('\n'), firstLine: open.index + 2 };
  }
  return undefined;
}

const isVisibility = (value: string | undefined): value is Visibility => value === 'admin' || value === 'visitor' || value === 'both';
const visibilityOf = (attributes: Record<string, string>): Visibility => (isVisibility(attributes.visibility) ? attributes.visibility : 'both');
const isFieldVariant = (value: string | undefined): value is FieldVariant => (fieldVariants as readonly string[]).includes(value ?? '');
const isBrickKind = (word: string): word is BrickKind => (brickKinds as readonly string[]).includes(word);
const oneOf = <T extends string>(allowed: readonly T[], value: string | undefined): T | undefined =>
  (allowed as readonly string[]).includes(value ?? '') ? (value as T) : undefined;

function chromeOf(value: string | undefined): 'none' | 'subtle' | 'card' | undefined {
  return value === 'none' || value === 'subtle' || value === 'card' ? value : undefined;
}

function sizesOf(attributes: Record<string, string>): SizeAttributes {
  const sizes: SizeAttributes = {};
  for (const key of ['height', 'minHeight', 'maxHeight', 'width'] as const) if (attributes[key] !== undefined) sizes[key] = attributes[key];
  return sizes;
}

/** `"a, b, c"` or a JSON array of strings (inside quotes). */
export function parseOptions(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.map((option) => (typeof option === 'string' ? option : JSON.stringify(option)));
    } catch {
      // not JSON: read as a comma-separated list
    }
  }
  return trimmed.split(',').map((option) => option.trim()).filter((option) => option !== '');
}

function withOptional<T extends object>(target: T, values: Partial<T>): T {
  for (const [key, value] of Object.entries(values)) if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  return target;
}

class Parser {
  readonly diagnostics: LoomDiagnostic[] = [];
  private index = 0;

  constructor(private readonly lines: SourceLine[]) {}

  error(line: SourceLine, code: string, message: string): void {
    this.diagnostics.push({ severity: 'error', message, line: line.line, column: 1, code });
  }

  warn(line: SourceLine, code: string, message: string): void {
    this.diagnostics.push({ severity: 'warning', message, line: line.line, column: 1, code });
  }

  parsePage(): { theme: Theme; blocks: Block[] } {
    let theme: Theme = { skin: 'default' };
    const first = this.nextSignificant();
    if (first !== undefined && this.wordOf(this.lines[first]!) === 'theme') {
      this.index = first;
      theme = this.parseTheme();
    }
    const blocks = this.parseBlocks('top', (misplacedTheme) => {
      theme = misplacedTheme;
    });
    return { theme, blocks };
  }

  private nextSignificant(): number | undefined {
    for (let i = this.index; i < this.lines.length; i++) {
      const text = this.lines[i]!.text.trim();
      if (text !== '' && !text.startsWith('#')) return i;
    }
    return undefined;
  }

  private wordOf(line: SourceLine): string {
    return headerOf(line.text.trim()).text.split(/[ \t]/, 1)[0] ?? '';
  }

  /** `theme { … }` (or attributes on the `theme` line itself); consumes through its `}`. */
  private parseTheme(): Theme {
    const start = this.lines[this.index++]!;
    const header = headerOf(start.text.trim());
    const attributes: Record<string, string> = { ...splitTokens(tokenize(header.text.slice('theme'.length))).attributes };
    if (header.opens) {
      let closed = false;
      while (this.index < this.lines.length) {
        const line = this.lines[this.index++]!;
        const text = line.text.trim();
        if (text === '}') {
          closed = true;
          break;
        }
        if (text === '' || text.startsWith('#')) continue;
        const split = splitTokens(tokenize(text));
        if (split.positional.length > 0) this.error(line, 'unexpected-line', `Unexpected line: ${text}`);
        Object.assign(attributes, split.attributes);
      }
      if (!closed) this.warn(start, 'unclosed-block', 'theme { is never closed with }');
    }
    return withOptional<Theme>(
      { skin: oneOf(skins, attributes.skin) ?? 'default' },
      {
        primary: attributes.primary,
        accent: attributes.accent,
        background: attributes.background,
        surface: oneOf(surfaces, attributes.surface),
        layout: oneOf(layouts, attributes.layout),
        contentWidth: attributes.contentWidth,
        density: oneOf(densities, attributes.density),
        padding: oneOf(paddings, attributes.padding),
        radius: attributes.radius,
        font: attributes.font,
        mode: oneOf(modes, attributes.mode),
      },
    );
  }

  /** Items up to the `}` that closes this list (consumed) or the end of the text. */
  parseBlocks(context: 'top' | 'nested', onMisplacedTheme?: (theme: Theme) => void, opener?: SourceLine, openerName?: string): Block[] {
    const blocks: Block[] = [];
    while (this.index < this.lines.length) {
      const line = this.lines[this.index]!;
      const text = line.text.trim();
      if (text === '' || text.startsWith('#')) {
        this.index++;
        continue;
      }
      if (text === '}') {
        this.index++;
        if (context === 'nested') return blocks;
        // The reference ends the whole page here, silently; an extra brace loses nothing here.
        this.warn(line, 'stray-brace', 'This } closes nothing; it is ignored');
        continue;
      }
      const header = headerOf(text);
      const word = header.text.split(/[ \t]/, 1)[0] ?? '';
      const rest = header.text.slice(word.length);
      if (word === 'theme') {
        const theme = this.parseTheme();
        if (onMisplacedTheme) {
          this.warn(line, 'misplaced-theme', 'theme should be the first line of the page; it is applied anyway');
          onMisplacedTheme(theme);
        } else this.warn(line, 'misplaced-theme', 'theme belongs on the first line of the page; a theme inside a block is ignored');
        continue;
      }
      this.index++;
      const block = this.parseDirective(line, word, rest, header.opens);
      if (block) blocks.push(block);
    }
    if (context === 'nested' && opener) this.warn(opener, 'unclosed-block', `${openerName} { is never closed with }`);
    return blocks;
  }

  private parseDirective(line: SourceLine, word: string, rest: string, opens: boolean): Block | undefined {
    const tokens = tokenize(rest);
    switch (word) {
      case 'phase':
        return this.parsePhase(line, tokens, opens);
      case 'field':
        return this.refuseBody(line, 'field', opens, this.looseField(line, tokens));
      case 'output':
        return this.refuseBody(line, 'output', opens, this.parseOutput(line, tokens));
      case 'live':
        if (tokens.length === 0) {
          this.error(line, 'unexpected-line', `Unexpected line: ${line.text.trim()}`);
          return undefined;
        }
        return this.refuseBody(line, 'live', opens, this.parseLive(line, tokens));
      default:
        if (isBrickKind(word)) return this.parseBrick(line, word, tokens, opens);
        this.error(line, 'unexpected-line', `Unexpected line: ${line.text.trim()}`);
        if (opens) this.skipBody();
        return undefined;
    }
  }

  private refuseBody<T>(line: SourceLine, kind: string, opens: boolean, block: T): T {
    if (opens) {
      this.error(line, 'no-child-blocks', `${kind} does not accept child blocks`);
      this.skipBody();
    }
    return block;
  }

  /** Skips a refused `{ … }` body up to its closing brace. */
  private skipBody(): void {
    let depth = 1;
    while (this.index < this.lines.length && depth > 0) {
      const text = this.lines[this.index++]!.text.trim();
      if (text === '}') depth--;
      else if (text.endsWith('{')) depth++;
    }
  }

  private parsePhase(line: SourceLine, tokens: string[], opens: boolean): PhaseBlock {
    const phaseAttribute = (token: string) => /^(description|visibility):/.test(token);
    const [titleToken, descriptionToken] = tokens;
    let title = 'Untitled';
    let consumed = 0;
    if (titleToken !== undefined && !phaseAttribute(titleToken)) {
      title = unquote(titleToken);
      consumed = 1;
      if (descriptionToken !== undefined && (descriptionToken.startsWith('"') || !descriptionToken.includes(':'))) consumed = 2;
    }
    const split = splitTokens(tokens.slice(consumed));
    const description = consumed === 2 ? unquote(descriptionToken!) : split.attributes.description;
    this.ignoredPositional(line, split, 'phase');
    const phase: PhaseBlock = withOptional<PhaseBlock>(
      { kind: 'phase', title, visibility: visibilityOf(split.attributes), items: [], liveItems: [], children: [], line: line.line },
      { description },
    );
    if (!opens) return phase;
    for (const child of this.parseBlocks('nested', undefined, line, 'phase')) {
      if (child.kind === 'phase' && child.title === undefined && child.items.length === 1 && child.children.length === 0) {
        phase.items.push(child.items[0]!);
      } else if (child.kind === 'live') phase.liveItems.push(child);
      else phase.children.push(child);
    }
    return phase;
  }

  private ignoredPositional(line: SourceLine, split: SplitTokens, kind: string): void {
    if (split.positional.length > 0) {
      this.warn(line, 'ignored-words', `${kind}: ${split.positional.map((word) => JSON.stringify(word)).join(', ')} ignored (attributes are key:value, with no space after the colon)`);
    }
  }

  /** A field outside a phase becomes its own header-less phase. */
  private looseField(line: SourceLine, tokens: string[]): PhaseBlock | undefined {
    const field = this.parseField(line, tokens);
    if (!field) return undefined;
    return { kind: 'phase', visibility: 'both', items: [field], liveItems: [], children: [], line: line.line };
  }

  private parseField(line: SourceLine, tokens: string[]): FieldItem | undefined {
    const split = splitTokens(tokens);
    const [nodeId, fieldKey] = split.positional;
    if (nodeId === undefined || fieldKey === undefined) {
      this.error(line, 'field-arguments', `field requires nodeId and fieldKey: ${line.text.trim()}`);
      return undefined;
    }
    const a = split.attributes;
    let variant: FieldVariant | undefined;
    if (a.as !== undefined) {
      if (isFieldVariant(a.as)) variant = a.as;
      else {
        this.error(line, 'unknown-variant', `field ${nodeId} ${fieldKey}: unknown variant as:"${a.as}". Valid variants: ${fieldVariants.join(', ')}.`);
      }
    } else variant = [a.type, a.kind].find(isFieldVariant);
    const options = a.options ?? a.option ?? a.choices ?? a.values;
    return withOptional<FieldItem>(
      { kind: 'field', nodeId, fieldKey, visibility: visibilityOf(a), line: line.line },
      {
        label: a.label,
        description: a.description,
        variant,
        options: options === undefined ? undefined : parseOptions(options),
        chrome: chromeOf(a.chrome),
        ...sizesOf(a),
      },
    );
  }

  private parseOutput(line: SourceLine, tokens: string[]): OutputBlock | undefined {
    const split = splitTokens(tokens);
    const [nodeId, portName] = split.positional;
    if (nodeId === undefined || portName === undefined) {
      this.error(line, 'output-arguments', `output requires nodeId and portName: ${line.text.trim()}`);
      return undefined;
    }
    const a = split.attributes;
    return withOptional<OutputBlock>(
      { kind: 'output', nodeId, portName, visibility: visibilityOf(a), line: line.line },
      {
        label: a.label,
        description: a.description,
        variant: a.as ?? a.type ?? a.kind,
        placeholder: a.placeholder,
        chrome: chromeOf(a.chrome),
        ...sizesOf(a),
      },
    );
  }

  private parseLive(line: SourceLine, tokens: string[]): LiveItem | undefined {
    const split = splitTokens(tokens);
    const [nodeId] = split.positional;
    if (nodeId === undefined) {
      this.error(line, 'live-arguments', `live requires nodeId: ${line.text.trim()}`);
      return undefined;
    }
    const a = split.attributes;
    return withOptional<LiveItem>(
      { kind: 'live', nodeId, visibility: visibilityOf(a), line: line.line },
      { label: a.label, description: a.description, ...sizesOf(a) },
    );
  }

  private parseBrick(line: SourceLine, brick: BrickKind, tokens: string[], opens: boolean): BrickBlock {
    const split = splitTokens(tokens);
    const positional = split.positional.join(' ');
    const block: BrickBlock = withOptional<BrickBlock>(
      { kind: 'brick', brick, props: split.attributes, visibility: visibilityOf(split.attributes), line: line.line },
      { content: split.attributes.content ?? (positional === '' ? undefined : positional) },
    );
    if (nestableBrickKinds.has(brick)) block.children = opens ? this.parseBlocks('nested', undefined, line, brick) : [];
    else if (opens) {
      this.error(line, 'no-child-blocks', `${brick} does not accept child blocks`);
      this.skipBody();
    }
    return block;
  }
}

/** `card title:"x" {` → the header and whether it opens a block. */
function headerOf(text: string): { text: string; opens: boolean } {
  return text.endsWith('{') ? { text: text.slice(0, -1).trimEnd(), opens: true } : { text, opens: false };
}

/** Parses stored Loom text (the block itself, or a text holding ```loom fences). */
export function parseLoom(text: string): LoomParseResult {
  const block = loomBlockOf(text);
  if (!block) {
    return { manifest: null, diagnostics: [{ severity: 'error', message: 'No ```loom block found in response', line: 1, column: 1, code: 'no-block' }] };
  }
  const values = inlineTripleBacktickValues(reflow(block.text, block.firstLine));
  const parser = new Parser(values.lines);
  for (const line of values.unclosed) parser.error(line, 'unclosed-value', 'This ``` value is never closed: everything after it is lost');
  const { theme, blocks } = parser.parsePage();
  const diagnostics = parser.diagnostics.sort((a, b) => a.line - b.line);
  if (blocks.length === 0) {
    const line = block.firstLine;
    return { manifest: null, diagnostics: [...diagnostics, { severity: 'error', message: 'Loom block is empty', line, column: 1, code: 'empty' }] };
  }
  const manifest: LoomManifest = {
    theme,
    blocks,
    phases: blocks.filter((b): b is PhaseBlock => b.kind === 'phase'),
    outputs: blocks.filter((b): b is OutputBlock => b.kind === 'output'),
    liveItems: blocks.filter((b): b is LiveItem => b.kind === 'live'),
  };
  return { manifest, diagnostics };
}
