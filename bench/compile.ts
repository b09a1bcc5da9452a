/**
 * Compile time of a generated 5,000-node program (a benchmark, not a test):
 *   npx tsx bench/compile.ts [nodes]   (also part of `npm run bench`)
 * The program repeats a 10-node block: a list expanding into a group with two children,
 * a gather, a template, a Pack with @require_one_of, and a Debug; blocks are chained.
 */
import { compileWeft } from '../server/weft/compile';

export function generateProgram(nodeCount: number): string {
  const blocks = Math.ceil(nodeCount / 10);
  const lines: string[] = [];
  for (let b = 0; b < blocks; b++) {
    const seed = b === 0 ? 'Text { value: "start" }' : 'Template(prev: String) { template: "{{prev}}" }';
    lines.push(
      `seed${b} = ${seed}`,
      ...(b === 0 ? [] : [`seed${b}.prev = text${b - 1}.text`]),
      `items${b} = ExecPython(s: String) -> (items: List[Number]) { code: "return {'items': [1, 2, 3]}" }`,
      `items${b}.s = seed${b}.${b === 0 ? 'value' : 'text'}`,
      `rate${b} = Number { value: ${b} }`,
      `each${b} = Group(n: Number, rate: Number) -> (out: Number) {`,
      `  scale = ExecPython(n: Number, rate: Number) -> (out: Number) { code: "return {'out': n * rate}" }`,
      '  scale.n = self.n',
      '  scale.rate = self.rate',
      '  check = Debug',
      '  check.data = scale.out',
      '  self.out = scale.out',
      '}',
      `each${b}.n = items${b}.items`,
      `each${b}.rate = rate${b}.value`,
      `sum${b} = ExecPython(values: List[Number | Null]) -> (total: Number) { code: "return {'total': sum(values)}" }`,
      `sum${b}.values = each${b}.out`,
      `text${b} = Template(total: Number) { template: "total {{total}}" }`,
      `text${b}.total = sum${b}.total`,
      `pack${b} = Pack(a: String?, b: Number?, @require_one_of(a, b))`,
      `pack${b}.a = text${b}.text`,
      `show${b} = Debug`,
      `show${b}.data = pack${b}.out`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function measureCompile(nodeCount: number, repeats = 5) {
  const code = generateProgram(nodeCount);
  compileWeft(code);
  const runs: number[] = [];
  let nodes = 0;
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    const result = compileWeft(code);
    runs.push(performance.now() - started);
    if (result.diagnostics.length > 0) throw new Error(`generated program has diagnostics: ${result.diagnostics[0]!.message}`);
    nodes = result.graph!.nodes.length;
  }
  runs.sort((a, b) => a - b);
  return {
    nodes,
    lines: code.split('\n').length,
    diagnostics: 0,
    medianMs: Math.round(runs[Math.floor(repeats / 2)]!),
    bestMs: Math.round(runs[0]!),
  };
}

if (process.argv[1]?.endsWith('compile.ts')) console.log(JSON.stringify(measureCompile(Number(process.argv[2] ?? 5000))));
