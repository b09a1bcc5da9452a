/**
 * FileRetention: one Restate virtual object (key `files`) that prunes the file store every
 * FILE_RETENTION_INTERVAL_SECONDS as a chain of delayed calls to itself, like CronTrigger: Restate
 * keeps the delayed call durably, so a restart of any process neither loses the chain nor starts a
 * second one. Every start calls `ensure` with its policy; a changed policy starts a new generation
 * (and a tick of an older one does nothing), no limit at all stops the chain.
 */
import * as restate from '@restatedev/restate-sdk';
import * as clients from '@restatedev/restate-sdk-clients';
import { retentionEnabled, type PruneReport, type RetentionPolicy } from './fileRetention';

export const fileRetentionName = 'FileRetention';
const objectKey = 'files';

interface Pending {
  generation: number;
  policy: RetentionPolicy;
}

const generationKey = 'generation';
const pendingKey = 'pending';
/** The last pruning's report and when it ran (ISO-8601), for whoever looks at the object's state. */
const lastKey = 'last';

export type PruneStore = (policy: RetentionPolicy, now: Date) => Promise<PruneReport>;

interface FileRetentionApi {
  tick: (ctx: restate.ObjectContext, tick: { generation: number }) => Promise<void>;
}

const self: restate.VirtualObjectDefinition<typeof fileRetentionName, FileRetentionApi> = { name: fileRetentionName };

const samePolicy = (a: RetentionPolicy, b: RetentionPolicy) =>
  a.maxAgeSeconds === b.maxAgeSeconds && a.maxTotalBytes === b.maxTotalBytes && a.includeUploads === b.includeUploads && a.intervalSeconds === b.intervalSeconds;

export function createFileRetentionObject(prune: PruneStore) {
  return restate.object({
    name: fileRetentionName,
    handlers: {
      /** Keeps the chain that applies this policy: left alone when it already runs, else (re)started or stopped. */
      ensure: async (ctx: restate.ObjectContext, policy: RetentionPolicy): Promise<{ running: boolean }> => {
        const pending = await ctx.get<Pending>(pendingKey);
        if (pending && samePolicy(pending.policy, policy)) return { running: true };
        const generation = ((await ctx.get<number>(generationKey)) ?? 0) + 1;
        ctx.set(generationKey, generation);
        if (!retentionEnabled(policy)) {
          ctx.clear(pendingKey);
          return { running: false };
        }
        ctx.set(pendingKey, { generation, policy } satisfies Pending);
        // The first pruning comes at once: a policy just made stricter applies without waiting a whole interval.
        ctx.objectSendClient(self, ctx.key).tick({ generation });
        return { running: true };
      },

      tick: async (ctx: restate.ObjectContext, tick: { generation: number }): Promise<void> => {
        const pending = await ctx.get<Pending>(pendingKey);
        if (!pending || pending.generation !== tick.generation) return;
        const now = new Date(await ctx.date.now());
        try {
          const report = await ctx.run('prune', () => prune(pending.policy, now), { maxRetryAttempts: 5 });
          ctx.set(lastKey, { at: now.toISOString(), ...report });
        } catch (error) {
          // A pruning that keeps failing (the store is down…) costs this round, never the chain.
          if (!(error instanceof restate.TerminalError)) throw error;
          ctx.set(lastKey, { at: now.toISOString(), error: error.message });
        }
        ctx.objectSendClient(self, ctx.key).tick({ generation: tick.generation }, restate.rpc.sendOpts({ delay: pending.policy.intervalSeconds * 1000 }));
      },
    },
  });
}

export type FileRetentionObject = ReturnType<typeof createFileRetentionObject>;

/** How a starting platform hands its policy to the FileRetention object, through Restate's ingress. */
export async function ensureFileRetention(ingressUrl: string, policy: RetentionPolicy): Promise<{ running: boolean }> {
  const ingress = clients.connect({ url: ingressUrl });
  return await ingress.objectClient<FileRetentionObject>({ name: fileRetentionName }, objectKey).ensure(policy);
}
