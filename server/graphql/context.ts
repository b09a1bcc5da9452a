import type { PrismaClient } from '../db/generated/client';
import type { EventHub } from '../events/hub';
import type { ExecutionStarter } from '../executor/starter';

/** What every resolver gets: the record, the live events, and the way to start runs. */
export interface GraphQLContext {
  prisma: PrismaClient;
  events: EventHub;
  executions: ExecutionStarter;
}
