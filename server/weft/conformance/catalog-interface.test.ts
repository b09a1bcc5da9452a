/**
 * LANGUAGE.md §8.1, §8.3–§8.6 against catalog.json: for every one of the catalog's node types, a minimal
 * program using it compiles to a node with the catalog's default ports (name, type, required, configurable,
 * lane mode), its features, and its config fields (accepted as fields, never turned into ports); a new
 * port or an unknown config key is accepted or refused as the type's features say.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { compile, node, program } from './support';

interface CatalogPort { name: string; portType: string; required: boolean; configurable?: boolean; laneMode?: string }
interface CatalogField { key: string; type: string; options?: string[] }
interface CatalogEntry {
  type: string;
  fields: CatalogField[];
  defaultInputs: CatalogPort[];
  defaultOutputs: CatalogPort[];
  features?: Record<string, unknown> & { oneOfRequired?: string[][] };
}

/** The fixture is the repository's copy of Weft's catalog.json (server/nodes/catalog.json). */
const catalog = JSON.parse(readFileSync(new URL('../../nodes/catalog.json', import.meta.url), 'utf8')) as CatalogEntry[];
const nodeTypes = catalog.filter((e) => e.type !== 'Group');

/** §8.6, written out here: media types (anywhere inside), type variables and MustOverride are wired-only. */
function configurableByType(type: string): boolean {
  if (type.trim() === 'MustOverride') return false;
  if (/\b(Image|Video|Audio|Document|Media)\b/.test(type)) return false;
  return !/(^|[^A-Za-z0-9_])T(\d+|_Auto|__\w+)?($|[^A-Za-z0-9_])/.test(type);
}

const lane = (mode: string | undefined): { mode: string; depth: number } =>
  mode === 'Expand' ? { mode: 'expand', depth: 1 } : mode === 'Gather' ? { mode: 'gather', depth: 1 } : { mode: 'single', depth: 0 };

/** A value a user would write for a field of this kind. */
function sampleValue(field: CatalogField): string {
  switch (field.type) {
    case 'number':
      return '3';
    case 'checkbox':
      return 'true';
    case 'select':
      return JSON.stringify(field.options?.[0] ?? 'x');
    case 'form_builder':
      return '[]';
    default:
      return '"x"';
  }
}

describe('catalog interface: every node type compiles to its catalog.json interface', () => {
  it('the fixture holds the 98 node types of Weft\'s catalog', () => {
    expect(catalog).toHaveLength(98);
  });

  it.each(nodeTypes.map((e) => [e.type, e] as const))('%s: default ports with type, required, configurable and lane mode', (type, entry) => {
    const { graph, errors } = compile(`n = ${type}`);
    expect(errors.map((e) => e.message)).not.toContainEqual(expect.stringContaining('Unknown node type'));
    const n = node(graph, 'n');
    expect(n.inputs.map((p) => ({ name: p.name, type: p.type, required: !p.optional, configurable: p.configurable, lane: p.lane }))).toEqual(
      entry.defaultInputs.map((p) => ({
        name: p.name, type: p.portType, required: p.required, configurable: p.configurable ?? configurableByType(p.portType), lane: lane(p.laneMode),
      })),
    );
    expect(n.outputs.map((p) => ({ name: p.name, type: p.type, required: !p.optional, ...(p.lane ? { lane: p.lane } : {}) }))).toEqual(
      entry.defaultOutputs.map((p) => ({ name: p.name, type: p.portType, required: false, ...(p.laneMode ? { lane: lane(p.laneMode) } : {}) })),
    );
  });

  it.each(nodeTypes.map((e) => [e.type, e] as const))('%s: features as the catalog states them', (type, entry) => {
    const { graph } = compile(`n = ${type}`);
    const n = node(graph, 'n');
    const features = entry.features ?? {};
    expect(n.features).toEqual(features);
    expect(n.isTrigger).toBe(features.isTrigger === true);
    expect(n.isInfrastructure).toBe(features.isInfrastructure === true);
    expect(n.requireOneOf).toEqual(features.oneOfRequired ?? []);
  });

  it.each(nodeTypes.filter((e) => e.fields.length > 0).map((e) => [e.type, e] as const))('%s: every config field is read as a field, never as a port', (type, entry) => {
    const inputNames = entry.defaultInputs.map((p) => p.name);
    const fields = entry.fields.filter((f) => !inputNames.includes(f.key) && f.key !== 'fields');
    const { graph, errors } = compile(program(`n = ${type} {`, ...fields.map((f) => `  ${f.key}: ${sampleValue(f)}`), '}'));
    for (const field of fields) {
      expect(errors.map((e) => e.message)).not.toContainEqual(expect.stringContaining(`'${field.key}'`));
    }
    expect(node(graph, 'n').inputs.map((p) => p.name)).toEqual(inputNames);
  });

  it.each(nodeTypes.map((e) => [e.type, e] as const))('%s: a declared new input or output port is accepted only where the catalog allows it', (type, entry) => {
    const features = entry.features ?? {};
    const inputs = compile(`n = ${type}(zz_extra: String?)`);
    const refusedInput = `Node n (${type}): cannot add input port "zz_extra", node does not support custom input ports`;
    if (features.canAddInputPorts) {
      expect(inputs.errors.map((e) => e.message)).not.toContain(refusedInput);
      expect(node(inputs.graph, 'n').inputs.find((p) => p.name === 'zz_extra')).toMatchObject({ type: 'String', optional: true, origin: 'declared' });
    } else {
      expect(inputs.errors.map((e) => [e.line, e.message])).toContainEqual([1, refusedInput]);
    }
    const outputs = compile(`n = ${type} -> (zz_out: Number)`);
    const refusedOutput = `Node n (${type}): cannot add output port "zz_out", node does not support custom output ports`;
    if (features.canAddOutputPorts) {
      expect(outputs.errors.map((e) => e.message)).not.toContain(refusedOutput);
      expect(node(outputs.graph, 'n').outputs.find((p) => p.name === 'zz_out')).toMatchObject({ type: 'Number', optional: true });
    } else {
      expect(outputs.errors.map((e) => [e.line, e.message])).toContainEqual([1, refusedOutput]);
    }
  });

  it.each(nodeTypes.map((e) => [e.type, e] as const))('%s: an unknown config key is an optional port or the fixed-signature error', (type, entry) => {
    const features = entry.features ?? {};
    const { graph, errors } = compile(program(`n = ${type} {`, '  zz_note: "hello"', '}'));
    const refused = `Node n (${type}): cannot add custom input port 'zz_note' because this node type has a fixed port signature. ` +
      'Remove the assignment or use a node type that supports custom input ports.';
    if (features.canAddInputPorts || features.hasFormSchema) {
      expect(errors.map((e) => e.message)).not.toContainEqual(expect.stringContaining("'zz_note'"));
      expect(node(graph, 'n').inputs.find((p) => p.name === 'zz_note')).toMatchObject({ type: 'String', optional: true, origin: 'literal' });
    } else {
      // The reference's message, at the declaration's line; ours may add a "did you mean" (README, Differences from Weft).
      expect(errors.map((e) => [e.line, e.message.startsWith(refused)])).toContainEqual([1, true]);
      expect(node(graph, 'n').inputs.map((p) => p.name)).toEqual(entry.defaultInputs.map((p) => p.name));
    }
  });

  it('Group: a catalog type that adds ports both ways, with only its @require_one_of as features', () => {
    const group = catalog.find((e) => e.type === 'Group')!;
    expect(group.features).toMatchObject({ canAddInputPorts: true, canAddOutputPorts: true });
    const { graph } = compile(program('g = Group(a: String?, b: String?, @require_one_of(a, b)) -> (o: String?) {', '}'));
    expect(node(graph, 'g').features).toEqual({ oneOfRequired: [['a', 'b']] });
  });

  it('@require_one_of groups are merged with the catalog\'s on the node\'s features', () => {
    const { graph } = compile(program('p = ExecPython(a: String?, b: String?) -> (o: String) {', '  @require_one_of(a, b)', '  code: "x"', '}'));
    expect(node(graph, 'p').features).toEqual({ canAddInputPorts: true, canAddOutputPorts: true, oneOfRequired: [['a', 'b']] });
  });
});
