import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The platform's Prometheus metrics, served at /metrics. */
export class Metrics {
  readonly registry = new Registry();
  readonly operations = new Counter({
    name: 'weft_graphql_operations_total',
    help: 'GraphQL operations executed, by type and outcome (ok, error)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'weft_graphql_operation_duration_seconds',
    help: 'Time to execute a query or mutation (subscriptions: time to set up)',
    labelNames: ['type'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly activeSubscriptions = new Gauge({
    name: 'weft_graphql_active_subscriptions',
    help: 'Subscriptions open on this process (graphql-ws and SSE)',
    registers: [this.registry],
  });
  readonly eventsCommitted = new Counter({
    name: 'weft_events_published_total',
    help: 'Execution events committed by any process and announced to this one (NOTIFY)',
    registers: [this.registry],
  });
  /** Results written by the feeds' delivery loops since the last scrape (a plain count: one per subscriber and event). */
  private deliveredSinceScrape = 0;
  readonly eventsDelivered: Counter = new Counter({
    name: 'weft_events_delivered_total',
    help: 'Subscription results sent to clients of this process',
    registers: [this.registry],
    collect: () => {
      if (this.deliveredSinceScrape === 0) return;
      this.eventsDelivered.inc(this.deliveredSinceScrape);
      this.deliveredSinceScrape = 0;
    },
  });

  /** Counts results a delivery loop wrote (pushed subscriptions; iterated ones count in the plugin's onNext). */
  countDelivered(count: number): void {
    this.deliveredSinceScrape += count;
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'weft_' });
  }

  /** Counts operations, times them, and follows subscriptions from start to end. */
  plugin(): Plugin {
    return {
      onExecute: ({ args }) => {
        const type = operationType(args);
        const end = this.latency.startTimer({ type });
        return {
          onExecuteDone: ({ result }) => {
            end();
            const failed = 'errors' in result && Boolean(result.errors?.length);
            this.operations.inc({ type, outcome: failed ? 'error' : 'ok' });
          },
        };
      },
      onSubscribe: () => {
        const end = this.latency.startTimer({ type: 'subscription' });
        return {
          onSubscribeResult: ({ result }) => {
            end();
            if (!(Symbol.asyncIterator in result)) {
              this.operations.inc({ type: 'subscription', outcome: 'error' });
              return undefined;
            }
            this.operations.inc({ type: 'subscription', outcome: 'ok' });
            this.activeSubscriptions.inc();
            return {
              onNext: () => this.eventsDelivered.inc(),
              onEnd: () => this.activeSubscriptions.dec(),
            };
          },
        };
      },
    };
  }
}

function operationType(args: { document: Parameters<typeof getOperationAST>[0]; operationName?: string | null }): string {
  return getOperationAST(args.document, args.operationName)?.operation ?? 'unknown';
}
