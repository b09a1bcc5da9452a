/**
 * RssTrigger: one Restate virtual object per Rss trigger (key = trigger id) that polls its feed
 * as a chain of delayed calls to itself, like CronTrigger. The ids of the entries it has seen
 * live in the object's durable state (the newest `seenLimit`), so a restart of any process
 * neither repeats an entry nor loses the schedule.
 *
 * As in the reference, the first poll happens one interval after activation and its successful
 * poll only records the entries already there; every later new entry starts one run. A generation
 * number names the current schedule: a poll of an older generation does nothing.
 */
import * as restate from '@restatedev/restate-sdk';
import * as clients from '@restatedev/restate-sdk-clients';
import type { FeedEntry } from '../nodes/triggers/rss';
import type { FireOutcome } from './cronObject';

export const rssTriggerName = 'RssTrigger';

export interface FeedSchedule {
  url: string;
  /** Seconds between polls, already raised to the platform's minimum. */
  intervalSecs: number;
}

/** What a poll found: the feed's entries, or why it could not be read. */
export type FeedRead = { entries: FeedEntry[] } | { problem: string };

export interface FeedPolling {
  /** Fetches and parses the feed (inside a journaled step). */
  read: (triggerId: string, url: string) => Promise<FeedRead>;
  /** Starts the run of one new entry; `stopped` when the trigger is no longer active. */
  fire: (triggerId: string, entry: FeedEntry) => Promise<FireOutcome>;
  /** Records how the poll went on the trigger (error state with the problem, or back to active). */
  report: (triggerId: string, problem: string | undefined) => Promise<FireOutcome>;
}

interface Poll {
  generation: number;
}

type Pending = Poll & FeedSchedule;

/** How many entry ids the object remembers: more than any feed lists at once. */
export const seenLimit = 1000;

const generationKey = 'generation';
const pendingKey = 'pending';
const seenKey = 'seen';
/** Set once a poll succeeded since activation: from then on, new entries start runs. */
const seededKey = 'seeded';

interface RssTriggerApi {
  poll: (ctx: restate.ObjectContext, poll: Poll) => Promise<void>;
}

const self: restate.VirtualObjectDefinition<typeof rssTriggerName, RssTriggerApi> = { name: rssTriggerName };

const stepAttempts = 5;

/** The ids to remember after a poll: the earlier ones then the new ones, the newest `limit` kept. */
export function rememberSeen(seen: readonly string[], added: readonly string[], limit = seenLimit): string[] {
  const all = [...seen, ...added];
  return all.length > limit ? all.slice(all.length - limit) : all;
}

/** The entries not seen yet, each once, in the feed's order. */
export function newEntries(entries: readonly FeedEntry[], seen: readonly string[]): FeedEntry[] {
  const known = new Set(seen);
  const fresh: FeedEntry[] = [];
  for (const entry of entries) {
    if (known.has(entry.entryId)) continue;
    known.add(entry.entryId);
    fresh.push(entry);
  }
  return fresh;
}

export function createRssTriggerObject(polling: FeedPolling) {
  const start = async (ctx: restate.ObjectContext, schedule: FeedSchedule, fresh: boolean) => {
    const generation = ((await ctx.get<number>(generationKey)) ?? 0) + 1;
    ctx.set(generationKey, generation);
    if (fresh) {
      ctx.clear(seenKey);
      ctx.clear(seededKey);
    }
    scheduleNext(ctx, { generation, ...schedule });
  };

  return restate.object({
    name: rssTriggerName,
    handlers: {
      /** Starts polling afresh: the first successful poll records the entries already there. */
      activate: async (ctx: restate.ObjectContext, schedule: FeedSchedule): Promise<void> => {
        await start(ctx, schedule, true);
      },

      deactivate: async (ctx: restate.ObjectContext): Promise<void> => {
        ctx.set(generationKey, ((await ctx.get<number>(generationKey)) ?? 0) + 1);
        ctx.clear(pendingKey);
      },

      /** At every start: polls unless this very schedule has a poll on its way; the seen entries stay. */
      ensure: async (ctx: restate.ObjectContext, schedule: FeedSchedule): Promise<void> => {
        const pending = await ctx.get<Pending>(pendingKey);
        if (pending && pending.url === schedule.url && pending.intervalSecs === schedule.intervalSecs) return;
        await start(ctx, schedule, false);
      },

      poll: async (ctx: restate.ObjectContext, poll: Poll): Promise<void> => {
        const pending = await ctx.get<Pending>(pendingKey);
        if (!pending || pending.generation !== poll.generation) return;
        const read = await step(ctx, 'read feed', () => polling.read(ctx.key, pending.url), { problem: 'the feed could not be read' });
        const problem = 'problem' in read ? read.problem : undefined;
        if ((await step(ctx, 'report', () => polling.report(ctx.key, problem), 'failed')) === 'stopped') {
          ctx.clear(pendingKey);
          return;
        }
        if ('entries' in read) {
          const seen = (await ctx.get<string[]>(seenKey)) ?? [];
          const fresh = newEntries(read.entries, seen);
          const seeded = (await ctx.get<boolean>(seededKey)) ?? false;
          const started: string[] = [];
          for (const entry of seeded ? fresh : []) {
            const outcome = await step(ctx, `start run for ${entry.entryId}`, () => polling.fire(ctx.key, entry), 'failed');
            if (outcome === 'stopped') {
              ctx.set(seenKey, rememberSeen(seen, started));
              ctx.clear(pendingKey);
              return;
            }
            // A start that keeps failing costs that entry (as a Cron tick), never the schedule.
            started.push(entry.entryId);
          }
          ctx.set(seenKey, rememberSeen(seen, seeded ? started : fresh.map((entry) => entry.entryId)));
          ctx.set(seededKey, true);
        }
        scheduleNext(ctx, pending);
      },
    },
  });
}

async function step<T>(ctx: restate.ObjectContext, name: string, action: () => Promise<T>, onGiveUp: T): Promise<T> {
  try {
    return await ctx.run(name, action, { maxRetryAttempts: stepAttempts });
  } catch (error) {
    if (error instanceof restate.TerminalError) return onGiveUp;
    throw error;
  }
}

function scheduleNext(ctx: restate.ObjectContext, pending: Pending): void {
  ctx.set(pendingKey, pending);
  ctx.objectSendClient(self, ctx.key).poll({ generation: pending.generation }, restate.rpc.sendOpts({ delay: pending.intervalSecs * 1000 }));
}

export type RssTriggerObject = ReturnType<typeof createRssTriggerObject>;

/** How the API reaches the RssTrigger objects, through Restate's ingress. */
export class FeedSchedules {
  private readonly ingress: clients.Ingress;

  constructor(ingressUrl: string) {
    this.ingress = clients.connect({ url: ingressUrl });
  }

  async activate(triggerId: string, schedule: FeedSchedule): Promise<void> {
    await this.object(triggerId).activate(schedule);
  }

  async ensure(triggerId: string, schedule: FeedSchedule): Promise<void> {
    await this.object(triggerId).ensure(schedule);
  }

  async deactivate(triggerId: string): Promise<void> {
    await this.object(triggerId).deactivate();
  }

  private object(triggerId: string) {
    return this.ingress.objectClient<RssTriggerObject>({ name: rssTriggerName }, triggerId);
  }
}
