/**
 * What a runner page's `live` cards show: the state of each infrastructure node of a project and
 * what it holds, pushed to the owner's runner whenever it changes (started, stopped or terminated,
 * by any server process; or a run of the project wrote to it). LOOM.md's reference polls a
 * sidecar every 3 s; here nothing polls.
 */
import type { InfraInstance, PrismaClient } from '../db/generated/client';
import type { Database } from '../db/database';
import type { EventHub } from '../events/hub';
import { declaredInfrastructure, infraChangesChannel } from '../infra/instances';

export interface LiveDataItem {
  /** LOOM.md's text, image and progress; and `time`, an ISO instant the page shows in the reader's time zone. */
  type: 'text' | 'image' | 'progress' | 'time';
  label: string;
  data: string | number;
}

export interface LiveCard {
  nodeId: string;
  nodeType: string;
  state: 'not_started' | 'running' | 'stopped';
  items: LiveDataItem[];
}

/** Every infrastructure change of every project, as announced on the database by whichever process made it. */
export class InfraChangeFeed {
  private readonly listeners = new Set<(projectId: string) => void>();
  private stopListening: (() => Promise<void>) | undefined;

  constructor(private readonly database: Database) {}

  async start(): Promise<void> {
    this.stopListening = await this.database.listen(infraChangesChannel, (projectId) => {
      for (const listener of this.listeners) listener(projectId);
    });
  }

  async stop(): Promise<void> {
    await this.stopListening?.();
  }

  on(listener: (projectId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const schemaPattern = /^infra_[0-9a-f]{32}$/;

async function keysStored(prisma: PrismaClient, instance: InfraInstance): Promise<number | undefined> {
  if (instance.state !== 'running' || !schemaPattern.test(instance.schemaName)) return undefined;
  try {
    const [row] = await prisma.$queryRawUnsafe<{ count: number }[]>(`SELECT count(*)::int AS "count" FROM "${instance.schemaName}".kv_store`);
    return row?.count;
  } catch {
    return undefined; // dropped meanwhile
  }
}

/** The cards of a project's infrastructure nodes (those in its code, and instances whose node left it). */
export async function liveCardsOf(prisma: PrismaClient, projectId: string): Promise<LiveCard[]> {
  const project = await prisma.project.findUnique({ where: { id: projectId }, select: { code: true, layout: true } });
  if (!project) return [];
  const instances = await prisma.infraInstance.findMany({ where: { projectId }, orderBy: { nodeId: 'asc' } });
  let declared: { nodeId: string; nodeType: string }[] = [];
  try {
    declared = declaredInfrastructure(project.code, project.layout);
  } catch {
    declared = [];
  }
  const nodes = [...declared, ...instances.filter((i) => !declared.some((d) => d.nodeId === i.nodeId)).map((i) => ({ nodeId: i.nodeId, nodeType: i.nodeType }))];
  const cards: LiveCard[] = [];
  for (const node of nodes) {
    const instance = instances.find((i) => i.nodeId === node.nodeId);
    const state = instance?.state ?? 'not_started';
    const items: LiveDataItem[] = [{ type: 'text', label: 'State', data: state === 'not_started' ? 'not started' : state }];
    if (instance) {
      items.push({ type: 'text', label: 'Instance', data: instance.instanceId });
      const keys = await keysStored(prisma, instance);
      if (keys !== undefined) items.push({ type: 'text', label: 'Keys stored', data: keys });
      if (instance.state === 'running' && instance.startedAt) items.push({ type: 'time', label: 'Running since', data: instance.startedAt.toISOString() });
      if (instance.state === 'stopped' && instance.stoppedAt) items.push({ type: 'time', label: 'Stopped at', data: instance.stoppedAt.toISOString() });
    }
    cards.push({ nodeId: node.nodeId, nodeType: node.nodeType, state, items });
  }
  return cards;
}

/**
 * The project's live cards now, then again each time they change: on an infrastructure change
 * of the project, or when one of its runs commits a node run (a Memory node may have written).
 */
export async function* liveCardUpdates(prisma: PrismaClient, events: EventHub, changes: InfraChangeFeed | undefined, projectId: string): AsyncGenerator<LiveCard[]> {
  const feed = events.allEvents();
  let wake: (() => void) | undefined;
  let dirty = true;
  const poke = () => {
    dirty = true;
    wake?.();
  };
  const stopChanges = changes?.on((changed) => {
    if (changed === projectId) poke();
  });
  let ended = false;
  const watchRuns = (async () => {
    for await (const event of feed) {
      if (event.execution.projectId === projectId && event.kind === 'nodeRun' && event.nodeRun.status === 'completed') poke();
    }
  })().finally(() => {
    ended = true;
    wake?.();
  });
  let last = '';
  try {
    while (!ended) {
      if (!dirty) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (ended) break;
      dirty = false;
      const cards = await liveCardsOf(prisma, projectId);
      const text = JSON.stringify(cards);
      if (text !== last) {
        last = text;
        yield cards;
      }
    }
  } finally {
    stopChanges?.();
    await feed.return?.();
    await watchRuns;
  }
}
