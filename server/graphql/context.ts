import type { PrismaClient } from '../db/generated/client';
import type { EventHub } from '../events/hub';
import type { ExecutionStarter } from '../executor/starter';
import type { Triggers } from '../triggers/triggers';
import type { VersionPolicy } from '../versions/history';
import type { PublishedPages } from '../pages/publishedPages';
import type { InfraChangeFeed } from '../loom/liveData';

/** What every resolver gets: the record, the live events, the way to start runs, and how much history to keep. */
export interface GraphQLContext {
  prisma: PrismaClient;
  events: EventHub;
  executions: ExecutionStarter;
  triggers: Triggers;
  versions: VersionPolicy;
  /** Published runner pages: limits, per-page rate limits and visitors' run tokens. */
  pages: PublishedPages;
  /** Infrastructure changes from every server process (runner pages' live cards); absent, cards follow runs only. */
  infraChanges?: InfraChangeFeed;
}
