import { describe, expect, it } from '@jest/globals';
import { feedCounts, FollowedExecution, followExecution } from './executionFeed';
import { useEmbeddedHub } from './embeddedHub.testing';
import { commitExecutionChange } from './record';
import type { ExecutionEvent } from './types';

/** A member that records what it is given; `results` counts how often a result was computed. */
function recorder(groupKey = 'same') {
  const seqs: number[] = [];
  const results: object[] = [];
  let computed = 0;
  let resolveEnd: (how: string) => void = () => undefined;
  const ended = new Promise<string>((resolve) => (resolveEnd = resolve));
  return {
    seqs,
    results,
    ended,
    computed: () => computed,
    member: {
      groupKey,
      resultFor: (event: ExecutionEvent) => {
        computed++;
        return { seq: event.seq };
      },
      deliver: (result: { seq: number }) => {
        seqs.push(result.seq);
        results.push(result);
      },
      complete: () => resolveEnd('complete'),
      fail: (error: unknown) => resolveEnd(`failed: ${String(error)}`),
    },
  };
}

const until = async (check: () => boolean) => {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 10_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('one feed per execution for all its subscribers', () => {
  const embedded = useEmbeddedHub('weft-feed-');
  const newExecution = () => embedded.newExecution();

  it('gives members that join during a burst, from different afterSeq, every event once in seq order, and ends them after the last', async () => {
    const executionId = await newExecution();
    const early = recorder();
    followExecution(embedded.hub, executionId, 0, early.member);
    const burst = Array.from({ length: 30 }, () => commitExecutionChange(embedded.database.prisma, executionId, { execution: { status: 'running' } }));
    const late = recorder();
    const fromFive = recorder();
    followExecution(embedded.hub, executionId, 0, late.member);
    followExecution(embedded.hub, executionId, 5, fromFive.member);
    await Promise.all(burst);
    await commitExecutionChange(embedded.database.prisma, executionId, { execution: { status: 'completed' } });
    expect(await early.ended).toBe('complete');
    expect(await late.ended).toBe('complete');
    expect(await fromFive.ended).toBe('complete');
    const all = Array.from({ length: 32 }, (_, index) => index + 1);
    expect(early.seqs).toEqual(all);
    expect(late.seqs).toEqual(all);
    expect(fromFive.seqs).toEqual(all.slice(5));
    expect(feedCounts(embedded.hub)).toEqual({ feeds: 0, members: 0, live: 0 });
  });

  it('computes a live event once for a group of members and hands them the same result; another group gets its own', async () => {
    const executionId = await newExecution();
    const members = Array.from({ length: 5 }, () => recorder('reader'));
    const admin = recorder('admin');
    for (const each of [...members, admin]) followExecution(embedded.hub, executionId, 1, each.member);
    // Every member has replayed what is stored (nothing after seq 1) and is live.
    await until(() => feedCounts(embedded.hub).live === 6);
    for (let i = 0; i < 3; i++) await commitExecutionChange(embedded.database.prisma, executionId, { execution: { status: 'running' } });
    await commitExecutionChange(embedded.database.prisma, executionId, { execution: { status: 'completed' } });
    await Promise.all([...members, admin].map((each) => each.ended));
    for (const each of [...members, admin]) expect(each.seqs).toEqual([2, 3, 4, 5]);
    for (let index = 0; index < 4; index++) {
      expect(new Set(members.map((each) => each.results[index])).size).toBe(1);
      expect(admin.results[index]).not.toBe(members[0]!.results[index]);
    }
    expect(members.reduce((sum, each) => sum + each.computed(), 0) + admin.computed()).toBe(8);
  });

  it('fills a gap from storage when an event was committed without its notification', async () => {
    const executionId = await newExecution();
    const member = recorder();
    followExecution(embedded.hub, executionId, 0, member.member);
    await commitExecutionChange(embedded.database.prisma, executionId, { execution: { status: 'running' } });
    await until(() => member.seqs.length === 2);
    const [stored] = await embedded.database.sql.query<{ payload: unknown }>(`SELECT payload FROM "ExecutionEvent" WHERE "executionId" = $1::uuid AND seq = 2`, [executionId]);
    // Seq 3 stored without NOTIFY (a lost notification); seq 4 committed as usual.
    await embedded.database.sql.query(
      `WITH bumped AS (UPDATE "Execution" SET "lastSeq" = "lastSeq" + 1 WHERE id = $1::uuid RETURNING "lastSeq")
       INSERT INTO "ExecutionEvent" ("executionId", seq, kind, payload) SELECT $1::uuid, "lastSeq", 'execution', $2::jsonb FROM bumped`,
      [executionId, JSON.stringify(stored!.payload)],
    );
    await commitExecutionChange(embedded.database.prisma, executionId, { execution: { status: 'completed' } });
    expect(await member.ended).toBe('complete');
    expect(member.seqs).toEqual([1, 2, 3, 4]);
  });

  it('ends a member at once when the execution had ended by its afterSeq, and stops delivering to a member that left', async () => {
    const executionId = await newExecution();
    await commitExecutionChange(embedded.database.prisma, executionId, { execution: { status: 'completed' } });
    const after = recorder();
    followExecution(embedded.hub, executionId, 2, after.member);
    expect(await after.ended).toBe('complete');
    expect(after.seqs).toEqual([]);

    const running = await newExecution();
    const leaving = recorder();
    const staying = recorder();
    const subscription = followExecution(embedded.hub, running, 1, leaving.member);
    followExecution(embedded.hub, running, 1, staying.member);
    await commitExecutionChange(embedded.database.prisma, running, { execution: { status: 'running' } });
    await until(() => leaving.seqs.length === 1 && staying.seqs.length === 1);
    subscription.stop();
    expect(feedCounts(embedded.hub).members).toBe(1);
    await commitExecutionChange(embedded.database.prisma, running, { execution: { status: 'completed' } });
    expect(await staying.ended).toBe('complete');
    expect(staying.seqs).toEqual([2, 3]);
    expect(leaving.seqs).toEqual([2]);
    expect(feedCounts(embedded.hub)).toEqual({ feeds: 0, members: 0, live: 0 });
  });

  it('keeps what is committed between opening a subscription and following it, opens nothing for an unknown execution, and closes a feed whose place is given up', async () => {
    const executionId = await newExecution();
    const opened = await FollowedExecution.open(embedded.hub, executionId, 0);
    expect(opened).toBeDefined();
    const delivered: number[] = [];
    const stopWatching = embedded.hub.liveEvents(executionId, (event) => delivered.push(event.seq), () => undefined);
    await commitExecutionChange(embedded.database.prisma, executionId, { execution: { status: 'running' } });
    // The hub has handed seq 2 to the feed before anyone follows it.
    await until(() => delivered.includes(2));
    stopWatching();
    const member = recorder();
    opened!.follow(member.member);
    await until(() => member.seqs.length === 2);
    await commitExecutionChange(embedded.database.prisma, executionId, { execution: { status: 'completed' } });
    expect(await member.ended).toBe('complete');
    expect(member.seqs).toEqual([1, 2, 3]);

    expect(await FollowedExecution.open(embedded.hub, '00000000-0000-7000-8000-000000000000', 0)).toBeUndefined();
    const given = await FollowedExecution.open(embedded.hub, await newExecution(), 0);
    expect(feedCounts(embedded.hub)).toEqual({ feeds: 1, members: 0, live: 0 });
    given!.release();
    expect(feedCounts(embedded.hub)).toEqual({ feeds: 0, members: 0, live: 0 });

    // Opened and then neither followed nor iterated (a transport that answered otherwise): the place is given up.
    const unclaimedId = await newExecution();
    const unclaimed = await FollowedExecution.open(embedded.hub, unclaimedId, 0, 100);
    expect(feedCounts(embedded.hub).feeds).toBe(1);
    await until(() => feedCounts(embedded.hub).feeds === 0);
    const late = recorder();
    unclaimed!.follow(late.member);
    await until(() => late.seqs.length === 1);
    expect(late.seqs).toEqual([1]);
    await commitExecutionChange(embedded.database.prisma, unclaimedId, { execution: { status: 'completed' } });
    expect(await late.ended).toBe('complete');
  });
});
