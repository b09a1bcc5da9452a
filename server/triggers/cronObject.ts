/**
 * CronTrigger: one Restate virtual object per Cron trigger (key = trigger id) that keeps its
 * schedule as a chain of delayed calls to itself. Each tick starts a run, then sends the next
 * tick with a delay; Restate stores the delayed call durably, so a restart of any process
 * neither loses nor repeats it.
 *
 * A generation number in the object's state names the current schedule: activate and
 * deactivate move it on, and a tick of an older generation does nothing. So deactivating and
 * activating again (or activating twice) never leaves two chains of ticks.
 *
 * Ticks missed while everything was down are not replayed: the pending tick fires once when
 * Restate is back (its run says how late in `actualTime`), and the next one is the first time
 * after that moment that the expression names.
 */
import * as restate from '@restatedev/restate-sdk';
import * as clients from '@restatedev/restate-sdk-clients';
import { nextCronTime } from '../nodes/triggers/cron';

export const cronTriggerName = 'CronTrigger';

export interface CronSchedule {
  expression: string;
  timezone: string;
}

interface Tick {
  generation: number;
  /** ISO-8601: when this tick is due. */
  scheduledTime: string;
}

/** What a tick's run came to: `stopped` when the trigger is no longer active (the chain ends). */
export type FireOutcome = 'started' | 'failed' | 'stopped';

export type FireCronTrigger = (triggerId: string, scheduledTime: string, actualTime: string) => Promise<FireOutcome>;

const generationKey = 'generation';
/** The tick that is on its way, with the schedule it belongs to; absent when stopped. */
const pendingKey = 'pending';

type Pending = Tick & CronSchedule;

interface CronTriggerApi {
  tick: (ctx: restate.ObjectContext, tick: Tick) => Promise<void>;
}

const self: restate.VirtualObjectDefinition<typeof cronTriggerName, CronTriggerApi> = { name: cronTriggerName };

/** Attempts of a tick's start before it gives up on that tick (and keeps the schedule). */
const fireAttempts = 5;

export function createCronTriggerObject(fire: FireCronTrigger) {
  return restate.object({
    name: cronTriggerName,
    handlers: {
      /** Starts (or restarts, with a new expression) the schedule; a schedule already running is replaced. */
      activate: async (ctx: restate.ObjectContext, schedule: CronSchedule): Promise<{ nextTime: string }> => {
        const generation = ((await ctx.get<number>(generationKey)) ?? 0) + 1;
        ctx.set(generationKey, generation);
        const now = new Date(await ctx.date.now());
        return { nextTime: scheduleNext(ctx, generation, schedule, now, now) };
      },

      /** Stops the schedule: the tick on its way, if any, will find it superseded. */
      deactivate: async (ctx: restate.ObjectContext): Promise<void> => {
        ctx.set(generationKey, ((await ctx.get<number>(generationKey)) ?? 0) + 1);
        ctx.clear(pendingKey);
      },

      /** Activates unless this very schedule already has a tick on its way (run at every start). */
      ensure: async (ctx: restate.ObjectContext, schedule: CronSchedule): Promise<{ nextTime: string }> => {
        const pending = await ctx.get<Pending>(pendingKey);
        if (pending && pending.expression === schedule.expression && pending.timezone === schedule.timezone) {
          return { nextTime: pending.scheduledTime };
        }
        const generation = ((await ctx.get<number>(generationKey)) ?? 0) + 1;
        ctx.set(generationKey, generation);
        const now = new Date(await ctx.date.now());
        return { nextTime: scheduleNext(ctx, generation, schedule, now, now) };
      },

      tick: async (ctx: restate.ObjectContext, tick: Tick): Promise<void> => {
        const pending = await ctx.get<Pending>(pendingKey);
        if (!pending || pending.generation !== tick.generation || pending.scheduledTime !== tick.scheduledTime) return;
        const actualTime = new Date(await ctx.date.now());
        const outcome = await fireOnce(ctx, () => fire(ctx.key, tick.scheduledTime, actualTime.toISOString()));
        if (outcome === 'stopped') {
          ctx.clear(pendingKey);
          return;
        }
        const after = new Date(Math.max(actualTime.getTime(), Date.parse(tick.scheduledTime)));
        scheduleNext(ctx, tick.generation, pending, after, actualTime);
      },
    },
  });
}

/** A start that keeps failing (the database is down…) costs this tick, never the schedule. */
async function fireOnce(ctx: restate.ObjectContext, start: () => Promise<FireOutcome>): Promise<FireOutcome> {
  try {
    return await ctx.run('start run', start, { maxRetryAttempts: fireAttempts });
  } catch (error) {
    if (error instanceof restate.TerminalError) return 'failed';
    throw error;
  }
}

/** Sends the tick of the first time after `after`, delayed from `now`; returns that time. */
function scheduleNext(ctx: restate.ObjectContext, generation: number, schedule: CronSchedule, after: Date, now: Date): string {
  let next: Date;
  try {
    next = nextCronTime(schedule.expression, schedule.timezone, after);
  } catch (error) {
    throw new restate.TerminalError(`Cannot schedule "${schedule.expression}" in ${schedule.timezone}: ${(error as Error).message}`);
  }
  const scheduledTime = next.toISOString();
  const pending: Pending = { generation, scheduledTime, expression: schedule.expression, timezone: schedule.timezone };
  ctx.set(pendingKey, pending);
  const delay = Math.max(0, next.getTime() - now.getTime());
  ctx.objectSendClient(self, ctx.key).tick({ generation, scheduledTime }, restate.rpc.sendOpts({ delay }));
  return scheduledTime;
}

export type CronTriggerObject = ReturnType<typeof createCronTriggerObject>;

/** How the API reaches the CronTrigger objects, through Restate's ingress. */
export class CronSchedules {
  private readonly ingress: clients.Ingress;

  constructor(ingressUrl: string) {
    this.ingress = clients.connect({ url: ingressUrl });
  }

  async activate(triggerId: string, schedule: CronSchedule): Promise<{ nextTime: string }> {
    return await this.object(triggerId).activate(schedule);
  }

  async ensure(triggerId: string, schedule: CronSchedule): Promise<{ nextTime: string }> {
    return await this.object(triggerId).ensure(schedule);
  }

  async deactivate(triggerId: string): Promise<void> {
    await this.object(triggerId).deactivate();
  }

  private object(triggerId: string) {
    return this.ingress.objectClient<CronTriggerObject>({ name: cronTriggerName }, triggerId);
  }
}
