import type {
  ConfigEntry, Connection, NodeDecl, ObjectEntry, PortDecl, PortList, PortRef, Position, Program,
  RequireOneOf, Span, Statement, ValueNode,
} from './ast';
import { errorAt, type Diagnostic } from './diagnostics';
import { lex, type Token } from './lexer';

export interface ParseResult {
  program: Program;
  diagnostics: Diagnostic[];
}

class SyntaxProblem extends Error {
  constructor(readonly span: Span, message: string) {
    super(message);
  }
}

/** Deeper nesting than any real program needs; beyond it the parser stops rather than exhaust the stack. */
export const MAX_NESTING = 100;

const OPENERS = new Set(['{', '(', '[']);
const CLOSERS = new Set(['}', ')', ']']);

function describe(token: Token): string {
  if (token.kind === 'eof') return 'the end of the file';
  if (token.kind === 'string') return 'a string';
  return `"${token.text}"`;
}

/** Recursive descent over the token list; keeps going after a problem to report them all. */
class Parser {
  private index = 0;
  private depth = 0;
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly tokens: Token[]) {}

  parseProgram(): Program {
    const statements: Statement[] = [];
    while (!this.atEof()) {
      const before = this.index;
      if (this.isPunct('}')) {
        this.report(new SyntaxProblem(this.current.span, 'this "}" closes nothing'));
        this.index++;
        continue;
      }
      const statement = this.guarded(() => this.parseStatement());
      if (statement) statements.push(statement);
      if (this.index === before) this.index++;
    }
    return { statements };
  }

  // ── statements ──────────────────────────────────────────────────────────

  private parseStatement(): Statement {
    const first = this.expectIdent('a node declaration (id = Type) or a connection (target.input = source.output)');
    if (this.isPunct('.')) return this.parseConnection(first);
    if (this.isPunct(':')) {
      throw new SyntaxProblem(first.span, `"${first.text}: …" is a config entry; it belongs inside a node's { }`);
    }
    this.expectPunct('=', `"=" after "${first.text}"`);
    return this.parseNodeDecl(first);
  }

  private parseConnection(first: Token): Connection {
    const target = this.parsePathFrom(first);
    this.expectPunct('=', `"=" after ${target.path.join('.')}`);
    const sourceStart = this.expectIdent('the source of the connection (node.output)');
    const source = this.parsePathFrom(sourceStart);
    if (source.path.length < 2) {
      throw new SyntaxProblem(source.span, `expected source.output after "=", found "${source.path[0]}" alone`);
    }
    return { kind: 'connection', target, source, span: { start: target.span.start, end: source.span.end } };
  }

  private parsePathFrom(first: Token): PortRef {
    const path = [first.text];
    const pathSpans = [first.span];
    while (this.isPunct('.')) {
      this.index++;
      const part = this.expectIdent('a name after "."');
      path.push(part.text);
      pathSpans.push(part.span);
    }
    return { path, pathSpans, span: { start: first.span.start, end: pathSpans[pathSpans.length - 1]!.end } };
  }

  private parseNodeDecl(id: Token): NodeDecl {
    const type = this.expectIdent('a node type after "="');
    if (this.isPunct('.')) {
      throw new SyntaxProblem(type.span,
        `expected a node type after "=", found a path; to connect, write target.input = source.output`);
    }
    return this.nested(() => this.parseNodeAfterType(id, type));
  }

  private parseNodeAfterType(id: Token, type: Token): NodeDecl {
    const node: NodeDecl = {
      kind: 'node', id: id.text, idSpan: id.span, type: type.text, typeSpan: type.span,
      config: [], body: [], span: { start: id.span.start, end: type.span.end },
    };
    if (this.isPunct('(')) node.inputs = this.parsePortList();
    if (this.isPunct('->')) {
      this.index++;
      if (!this.isPunct('(')) throw new SyntaxProblem(this.current.span, `expected "(" after "->", found ${describe(this.current)}`);
      node.outputs = this.parsePortList();
    }
    if (this.isPunct('{')) this.parseBody(node);
    node.span = { start: id.span.start, end: this.previousEnd() };
    return node;
  }

  private parseBody(node: NodeDecl): void {
    const open = this.current;
    this.index++;
    while (!this.isPunct('}')) {
      if (this.atEof()) throw new SyntaxProblem(open.span, `this "{" of ${node.id} is never closed with "}"`);
      const before = this.index;
      this.guarded(() => this.parseBodyEntry(node));
      if (this.index === before) this.index++;
    }
    this.index++;
  }

  private parseBodyEntry(node: NodeDecl): void {
    if (this.current.kind === 'ident' && this.peek(1).kind === 'punct' && this.peek(1).text === ':') {
      const key = this.current;
      this.index += 2;
      node.config.push({ key: key.text, keySpan: key.span, value: this.parseValue() } satisfies ConfigEntry);
      return;
    }
    node.body.push(this.parseStatement());
  }

  // ── port lists ──────────────────────────────────────────────────────────

  private parsePortList(): PortList {
    const open = this.current;
    this.index++;
    const list: PortList = { ports: [], requireOneOf: [], span: open.span };
    while (!this.isPunct(')')) {
      if (this.atEof() || this.isPunct('{') || this.isPunct('}')) {
        throw new SyntaxProblem(open.span, 'this "(" is never closed with ")"');
      }
      if (this.isPunct(',')) {
        this.index++;
        continue;
      }
      const before = this.index;
      this.guardedInPortList(() => {
        if (this.isPunct('@')) list.requireOneOf.push(this.parseRequireOneOf());
        else list.ports.push(this.parsePort());
      });
      if (this.index === before) this.index++;
    }
    this.index++;
    list.span = { start: open.span.start, end: this.previousEnd() };
    return list;
  }

  private parsePort(): PortDecl {
    const name = this.expectIdent('a port name');
    this.expectPunct(':', `":" and a type after port "${name.text}"`);
    const { text, span } = this.parseTypeText();
    let optional = false;
    if (this.isPunct('?')) {
      optional = true;
      this.index++;
    }
    return {
      name: name.text, nameSpan: name.span, typeText: text, typeSpan: span, optional,
      span: { start: name.span.start, end: this.previousEnd() },
    };
  }

  /** Reads a type expression (`A`, `A[…]`, `A | B`) and returns it as text, to be understood by types.ts. */
  private parseTypeText(): { text: string; span: Span } {
    return this.nested(() => this.parseFlatTypeText());
  }

  private parseFlatTypeText(): { text: string; span: Span } {
    const start = this.current.span.start;
    let text = this.parseTypeTerm();
    while (this.isPunct('|')) {
      this.index++;
      text += ` | ${this.parseTypeTerm()}`;
    }
    return { text, span: { start, end: this.previousEnd() } };
  }

  private parseTypeTerm(): string {
    let text = this.expectIdent('a type name').text;
    if (!this.isPunct('[')) return text;
    this.index++;
    text += '[';
    let first = true;
    while (!this.isPunct(']')) {
      if (!first) {
        this.expectPunct(',', '"," or "]" in the type');
        text += ', ';
      }
      text += this.parseTypeText().text;
      first = false;
    }
    this.index++;
    return `${text}]`;
  }

  private parseRequireOneOf(): RequireOneOf {
    const at = this.current;
    this.index++;
    const name = this.expectIdent('"require_one_of" after "@"');
    if (name.text !== 'require_one_of') {
      throw new SyntaxProblem(name.span, `unknown annotation "@${name.text}"; the port list knows only @require_one_of`);
    }
    this.expectPunct('(', '"(" after @require_one_of');
    const ports: RequireOneOf['ports'] = [];
    while (!this.isPunct(')')) {
      if (ports.length > 0) this.expectPunct(',', '"," or ")"');
      const port = this.expectIdent('a port name');
      ports.push({ name: port.text, span: port.span });
    }
    this.index++;
    return { ports, span: { start: at.span.start, end: this.previousEnd() } };
  }

  // ── values ──────────────────────────────────────────────────────────────

  private parseValue(): ValueNode {
    return this.nested(() => this.parseFlatValue());
  }

  private nested<T>(parse: () => T): T {
    if (this.depth >= MAX_NESTING) throw new SyntaxProblem(this.current.span, `nested more than ${MAX_NESTING} levels deep`);
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private parseFlatValue(): ValueNode {
    const token = this.current;
    const span = token.span;
    if (token.kind === 'string') {
      this.index++;
      return { kind: 'string', value: token.value, span };
    }
    if (token.kind === 'number') {
      this.index++;
      return { kind: 'number', value: token.value, span };
    }
    if (token.kind === 'ident' && (token.text === 'true' || token.text === 'false')) {
      this.index++;
      return { kind: 'boolean', value: token.text === 'true', span };
    }
    if (token.kind === 'ident' && token.text === 'null') {
      this.index++;
      return { kind: 'null', span };
    }
    if (this.isPunct('[')) return this.parseArray();
    if (this.isPunct('{')) return this.parseObject();
    throw new SyntaxProblem(span,
      `expected a value (a string, number, true, false, null, [list] or {object}), found ${describe(token)}`);
  }

  private parseArray(): ValueNode {
    const open = this.current;
    this.index++;
    const items: ValueNode[] = [];
    while (!this.isPunct(']')) {
      if (this.atEof()) throw new SyntaxProblem(open.span, 'this "[" is never closed with "]"');
      if (this.isPunct(',')) {
        this.index++;
        continue;
      }
      items.push(this.parseValue());
    }
    this.index++;
    return { kind: 'array', items, span: { start: open.span.start, end: this.previousEnd() } };
  }

  private parseObject(): ValueNode {
    const open = this.current;
    this.index++;
    const entries: ObjectEntry[] = [];
    while (!this.isPunct('}')) {
      if (this.atEof()) throw new SyntaxProblem(open.span, 'this "{" is never closed with "}"');
      if (this.isPunct(',')) {
        this.index++;
        continue;
      }
      const key = this.current;
      if (key.kind !== 'string' && key.kind !== 'ident') {
        throw new SyntaxProblem(key.span, `expected a key in the object, found ${describe(key)}`);
      }
      this.index++;
      this.expectPunct(':', `":" after the key ${key.kind === 'string' ? key.text : `"${key.text}"`}`);
      entries.push({ key: key.kind === 'string' ? key.value : key.text, keySpan: key.span, value: this.parseValue() });
    }
    this.index++;
    return { kind: 'object', entries, span: { start: open.span.start, end: this.previousEnd() } };
  }

  // ── tokens and recovery ─────────────────────────────────────────────────

  private get current(): Token {
    return this.peek(0);
  }

  private peek(ahead: number): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  private atEof(): boolean {
    return this.current.kind === 'eof';
  }

  private isPunct(text: string): boolean {
    return this.current.kind === 'punct' && this.current.text === text;
  }

  private previousEnd(): Position {
    return (this.tokens[this.index - 1] ?? this.current).span.end;
  }

  private expectIdent(what: string): Token {
    const token = this.current;
    if (token.kind !== 'ident') throw new SyntaxProblem(token.span, `expected ${what}, found ${describe(token)}`);
    this.index++;
    return token;
  }

  private expectPunct(text: string, what: string): void {
    if (!this.isPunct(text)) throw new SyntaxProblem(this.current.span, `expected ${what}, found ${describe(this.current)}`);
    this.index++;
  }

  private report(problem: SyntaxProblem): void {
    this.diagnostics.push(errorAt(problem.span, 'syntax', problem.message));
  }

  private guarded<T>(parse: () => T): T | undefined {
    const start = this.index;
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof SyntaxProblem)) throw error;
      this.report(error);
      this.skipToNextLine(start);
      return undefined;
    }
  }

  private guardedInPortList(parse: () => void): void {
    try {
      parse();
    } catch (error) {
      if (!(error instanceof SyntaxProblem)) throw error;
      this.report(error);
      this.skipToNextPort();
    }
  }

  /** Skips to the "," or ")" that ends the broken entry, stepping over bracketed parts. */
  private skipToNextPort(): void {
    let depth = 0;
    while (!this.atEof() && !this.isPunct('{') && !this.isPunct('}')) {
      const token = this.current;
      if (depth === 0 && (this.isPunct(',') || this.isPunct(')'))) return;
      if (token.kind === 'punct' && (token.text === '(' || token.text === '[')) depth++;
      if (token.kind === 'punct' && (token.text === ')' || token.text === ']')) depth--;
      this.index++;
    }
  }

  /** Skips to the first token that starts a line outside any bracket opened meanwhile, or to a "}" closing the body. */
  private skipToNextLine(statementStart: number): void {
    let depth = 0;
    if (this.index === statementStart && !this.atEof()) this.index++;
    while (!this.atEof()) {
      const token = this.current;
      if (depth === 0 && token.newlineBefore) return;
      if (token.kind === 'punct' && CLOSERS.has(token.text)) {
        if (depth === 0 && token.text === '}') return;
        depth = Math.max(0, depth - 1);
      } else if (token.kind === 'punct' && OPENERS.has(token.text)) {
        depth++;
      }
      this.index++;
    }
  }
}

export function parse(tokens: Token[]): ParseResult {
  const parser = new Parser(tokens);
  const program = parser.parseProgram();
  return { program, diagnostics: parser.diagnostics };
}

/** Lexes and parses Weft source. */
export function parseWeft(source: string): ParseResult {
  const lexed = lex(source);
  const parsed = parse(lexed.tokens);
  return { program: parsed.program, diagnostics: [...lexed.diagnostics, ...parsed.diagnostics] };
}
