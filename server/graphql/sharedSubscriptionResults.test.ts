import { describe, expect, it } from '@jest/globals';
import type { ExecutionResult } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { useSharedSubscriptionResults } from './sharedSubscriptionResults';

/** A schema whose subscription hands every subscriber the same event objects, as the event hub does. */
function fixture(plugins: ReturnType<typeof useSharedSubscriptionResults>[]) {
  const listeners = new Set<(event: { n: number }) => void>();
  let resolverCalls = 0;
  const schema = createSchema({
    typeDefs: `
      type Query { ok: Boolean }
      type Event { n: Int!, scaled(by: Int!): Int! }
      type Subscription { events: Event! }`,
    resolvers: {
      Subscription: {
        events: {
          subscribe: async function* () {
            const queue: { n: number }[] = [];
            let wake: (() => void) | undefined;
            const listener = (event: { n: number }) => (queue.push(event), wake?.());
            listeners.add(listener);
            try {
              while (true) {
                if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
                yield queue.shift()!;
              }
            } finally {
              listeners.delete(listener);
            }
          },
          resolve: (event: { n: number }) => event,
        },
      },
      Event: {
        scaled: (event: { n: number }, args: { by: number }) => {
          resolverCalls++;
          return event.n * args.by;
        },
      },
    },
  });
  const yoga = createYoga({ schema, plugins });
  const subscribe = async (by: number) => {
    const { subscribe, parse, contextFactory } = yoga.getEnveloped({});
    const stream = (await subscribe({
      schema: yoga.getEnveloped({}).schema,
      document: parse(`subscription ($by: Int!) { events { n scaled(by: $by) } }`),
      variableValues: { by },
      contextValue: await contextFactory(),
    })) as AsyncGenerator<ExecutionResult>;
    return stream;
  };
  return {
    subscribe,
    emit: (event: { n: number }) => listeners.forEach((listener) => listener(event)),
    resolverCalls: () => resolverCalls,
    listening: () => listeners.size,
  };
}

async function untilListening(count: () => number, expected: number) {
  while (count() < expected) await new Promise((resolve) => setImmediate(resolve));
}

describe('shared subscription results', () => {
  it('executes a selection once per event for subscribers that asked the same thing, and apart for different variables', async () => {
    const shared = fixture([useSharedSubscriptionResults()]);
    const streams = await Promise.all([shared.subscribe(2), shared.subscribe(2), shared.subscribe(2), shared.subscribe(10)]);
    const firstResults = streams.map((stream) => stream.next());
    await untilListening(shared.listening, 4);
    shared.emit({ n: 3 });
    const results = await Promise.all(firstResults);
    expect(results.map((result) => (result.value as ExecutionResult).data)).toEqual([
      { events: { n: 3, scaled: 6 } },
      { events: { n: 3, scaled: 6 } },
      { events: { n: 3, scaled: 6 } },
      { events: { n: 3, scaled: 30 } },
    ]);
    expect(shared.resolverCalls()).toBe(2);
    await Promise.all(streams.map((stream) => stream.return(undefined)));
  });

  it('without it, every subscriber executes every event (the cost it removes)', async () => {
    const apart = fixture([]);
    const streams = await Promise.all([apart.subscribe(2), apart.subscribe(2), apart.subscribe(2)]);
    const firstResults = streams.map((stream) => stream.next());
    await untilListening(apart.listening, 3);
    apart.emit({ n: 1 });
    await Promise.all(firstResults);
    expect(apart.resolverCalls()).toBe(3);
    await Promise.all(streams.map((stream) => stream.return(undefined)));
  });
});
