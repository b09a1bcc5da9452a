/**
 * The checks after types (LANGUAGE.md §9.5, §11): config values against their ports, required inputs and
 * @require_one_of groups, the infrastructure subgraph, and the catalog types' own structural validators.
 */
import type { Problems } from './build';
import type { Edge, NodeInstance } from './model';
import { catalogEntry, type NodePort } from './ports';
import { formatType, inferType, isCompatible, isDefaultConfigurable, parseWeftType, type JsonValue } from './types';

export function isConfigurable(port: NodePort): boolean {
  if (port.configurable !== undefined) return port.configurable;
  const parsed = parseWeftType(port.type);
  return !!parsed && isDefaultConfigurable(parsed);
}

const hasValue = (value: JsonValue | undefined): boolean => value !== undefined && value !== null && value !== '';

/** Inputs (`node\0port`) an edge feeds, as the program wrote them (groups not expanded). */
export function wiredInputs(edges: readonly Edge[]): Set<string> {
  return new Set(edges.map((e) => `${e.target}\u0000${e.targetHandle}`));
}

/** §9.5: a config value filling an unwired port must be allowed there and fit its type. */
export function checkConfigFilledPorts(nodes: readonly NodeInstance[], wired: Set<string>, problems: Problems): void {
  for (const node of nodes) {
    for (const port of node.inputs) {
      const value = node.config[port.name];
      if (!hasValue(value) || wired.has(`${node.id}\u0000${port.name}`)) continue;
      if (!isConfigurable(port)) {
        problems.error(node.line, node.column,
          `Node ${node.id}: input port '${port.name}' is wired-only and cannot be set from config. Wire an edge instead.`, 'wired-only');
        continue;
      }
      const type = parseWeftType(port.type);
      if (!type || type.kind === 'typeVar' || type.kind === 'mustOverride') continue;
      const inferred = inferType(value);
      if (!isCompatible(inferred, type)) {
        problems.error(node.line, node.column,
          `Node ${node.id}: config field '${port.name}' has type ${formatType(inferred)} but the port expects ${formatType(type)}`, 'config-type');
      }
    }
  }
}

/** §11: every required input is wired, or filled from config where the port allows it. */
export function checkRequiredPorts(nodes: readonly NodeInstance[], wired: Set<string>, problems: Problems): void {
  for (const node of nodes) {
    const isGroup = node.type === 'Group';
    const kind = isGroup ? 'Group' : 'Node';
    const satisfied = (port: NodePort | undefined, name: string): boolean =>
      wired.has(`${node.id}\u0000${name}`) || (!isGroup && !!port && isConfigurable(port) && hasValue(node.config[name]));
    for (const port of node.inputs) {
      if (!port.required || satisfied(port, port.name)) continue;
      const hint = isGroup
        ? ' (wire an edge into this group input)'
        : isConfigurable(port)
          ? ` (wire an edge or set a '${port.name}' config value)`
          : ' (wire an edge, this port cannot be filled by config)';
      problems.error(node.line, node.column, `${kind} ${node.id}: required input port '${port.name}' is not connected${hint}`, 'missing-input');
    }
    for (const group of node.oneOfRequired) {
      if (group.length === 0) continue;
      if (group.some((name) => satisfied(node.inputs.find((p) => p.name === name), name))) continue;
      problems.error(node.line, node.column, `${kind} ${node.id}: at least one of [${group.join(', ')}] must be connected`, 'require-one-of');
    }
  }
}

/** §11: nothing upstream of an infrastructure node may be a trigger. */
export function checkInfrastructure(nodes: readonly NodeInstance[], edges: readonly Edge[], byId: Map<string, NodeInstance>, problems: Problems): void {
  const sources = new Map<string, string[]>();
  for (const edge of edges) (sources.get(edge.target) ?? sources.set(edge.target, []).get(edge.target)!).push(edge.source);
  const upstream = new Set<string>();
  const stack = nodes.filter((n) => n.isInfrastructure).map((n) => n.id);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (upstream.has(id)) continue;
    upstream.add(id);
    stack.push(...(sources.get(id) ?? []));
  }
  for (const id of upstream) {
    const node = byId.get(id);
    if (!node?.isTrigger) continue;
    problems.error(node.line, node.column,
      `Trigger node "${node.label ?? node.id}" (${node.type}) cannot be in the infrastructure subgraph: infrastructure nodes and everything ` +
        'upstream of them are started once per project, before any trigger fires.', 'trigger-in-infrastructure');
  }
}

/** The catalog service whose `*Config` node a messaging or service node must be wired from. */
const SERVICE_CONFIG: Record<string, { configType: string; name: string }> = {
  Slack: { configType: 'SlackConfig', name: 'Slack Config' },
  Discord: { configType: 'DiscordConfig', name: 'Discord Config' },
  Telegram: { configType: 'TelegramConfig', name: 'Telegram Config' },
  X: { configType: 'XConfig', name: 'X Config' },
  Email: { configType: 'EmailConfig', name: 'Email Config' },
  Tavily: { configType: 'TavilyConfig', name: 'Tavily Config' },
  Apollo: { configType: 'ApolloConfig', name: 'Apollo Config' },
  ElevenLabs: { configType: 'ElevenLabsConfig', name: 'ElevenLabs Config' },
};

/** Services whose send/act nodes check their config, channel and content (the messaging families). */
const MESSAGING: ReadonlySet<string> = new Set(['Slack', 'Discord', 'Telegram', 'X', 'Email']);

const catalogInputs = (type: string): readonly { name: string; required: boolean }[] => catalogEntry(type)?.defaultInputs ?? [];

const ISO_639_3 = /^[a-z]{3}$/;

/**
 * The structural part of the catalog types' own validators (§11), reported as `<id>: <message>`.
 * "Connected" means an edge, or a non-empty config value on a configurable catalog input.
 */
export function checkNodeValidators(nodes: readonly NodeInstance[], edges: readonly Edge[], byId: Map<string, NodeInstance>, problems: Problems): void {
  const sourceOf = new Map<string, string>();
  for (const edge of edges) sourceOf.set(`${edge.target}\u0000${edge.targetHandle}`, edge.source);
  for (const node of nodes) {
    const report = (message: string): void => problems.error(node.line, node.column, `${node.id}: ${message}`, 'node-validator');
    const connected = (name: string): boolean => {
      if (sourceOf.has(`${node.id}\u0000${name}`)) return true;
      const port = node.inputs.find((p) => p.name === name && p.origin !== 'literal' && p.origin !== 'edge');
      return !!port && isConfigurable(port) && hasValue(node.config[name]);
    };
    const text = (key: string): string => (typeof node.config[key] === 'string' ? (node.config[key] as string).trim() : '');
    switch (node.type) {
      case 'Gate':
        if (!connected('pass')) report('Pass condition is required');
        if (!connected('value')) report('Value input is required');
        break;
      case 'Template':
        if (!connected('template')) report('Template is required');
        break;
      case 'Debug':
        if (!connected('data')) report('Data input is required');
        break;
      case 'Unpack':
        if (!connected('in')) report('Input is required');
        break;
      case 'LlmInference': {
        if (!connected('prompt')) report('Prompt is required');
        const source = sourceOf.get(`${node.id}\u0000config`);
        const sourceNode = source ? byId.get(source) : undefined;
        if (sourceNode && sourceNode.type !== 'LlmConfig' && sourceNode.type !== 'Group') report('Config must come from an LLM Config node');
        break;
      }
      case 'Http':
      case 'Rss':
        if (!text('url')) report('URL is required');
        break;
      case 'Cron':
        if (!text('cron')) report('Cron expression is required');
        break;
      case 'LlmConfig':
        if (!text('model')) report('Model is required');
        break;
      case 'ElevenLabsTranscribe': {
        const language = text('language');
        if (language && !ISO_639_3.test(language)) report(`Language must be an ISO-639-3 code (e.g. "eng"), not "${language}"`);
        break;
      }
      default:
        break;
    }
    const service = Object.keys(SERVICE_CONFIG).find((prefix) => node.type.startsWith(prefix) && !node.type.endsWith('Config'));
    if (service && node.inputs.some((p) => p.name === 'config')) {
      const { configType, name } = SERVICE_CONFIG[service]!;
      const source = sourceOf.get(`${node.id}\u0000config`);
      const sourceNode = source ? byId.get(source) : undefined;
      if (sourceNode && sourceNode.type !== configType && sourceNode.type !== 'Group') report(`${name} must come from a ${configType} node`);
      // LANGUAGE.md §11's examples: a messaging node needs its config, its channel and something to send.
      if (MESSAGING.has(service)) {
        const catalogConfig = catalogInputs(node.type).find((p) => p.name === 'config');
        if (catalogConfig?.required && !connected('config')) report(`${name} is required`);
        if (catalogInputs(node.type).some((p) => p.name === 'channelId' && p.required) && !connected('channelId')) report('Channel ID is required');
        if (node.type === 'SlackSend' || node.type === 'TelegramSend') {
          if (!connected('text') && !connected('media')) report('Either text or media is required');
        }
      }
    }
  }
}
