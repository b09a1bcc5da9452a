import { describe, expect, it } from '@jest/globals';
import { isTransientDatabaseError, retryTransient, TransactionGate } from './transactions';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('TransactionGate', () => {
  it('never runs more than its slots at once, and admits the waiting in order', async () => {
    const gate = new TransactionGate(3);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        gate.run(`execution ${i}`, async () => {
          running += 1;
          most = Math.max(most, running);
          order.push(i);
          await tick();
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(gate.pending).toEqual({ running: 0, waiting: 0, keys: 0 });
  });

  it('runs the work of one key one after another, even after a failure, while other keys go on', async () => {
    const gate = new TransactionGate(4);
    const events: string[] = [];
    const work = (name: string, fail = false) => async () => {
      events.push(`${name} start`);
      await tick();
      events.push(`${name} end`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([
      gate.run('a', work('a1', true)),
      gate.run('a', work('a2')),
      gate.run('b', work('b1')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(events.indexOf('a2 start')).toBeGreaterThan(events.indexOf('a1 end'));
    expect(events.indexOf('b1 start')).toBeLessThan(events.indexOf('a1 end'));
  });
});

describe('retryTransient', () => {
  it('tries again after a transaction that could not start, and not after other errors', async () => {
    let calls = 0;
    const value = await retryTransient(async () => {
      calls += 1;
      if (calls < 3) throw Object.assign(new Error('Transaction API error: Unable to start a transaction in the given time.'), { code: 'P2028' });
      return 'written';
    }, { firstDelayMs: 1 });
    expect({ value, calls }).toEqual({ value: 'written', calls: 3 });

    let failing = 0;
    await expect(retryTransient(async () => {
      failing += 1;
      throw new Error('Unique constraint failed');
    }, { firstDelayMs: 1 })).rejects.toThrow('Unique constraint');
    expect(failing).toBe(1);
  });

  it('does not take a connection lost during a commit for a transaction that did not happen', () => {
    expect(isTransientDatabaseError(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe(true);
    expect(isTransientDatabaseError(new Error('Connection terminated unexpectedly'))).toBe(false);
  });
});
