/**
 * Infrastructure nodes (`isInfrastructure` in Weft's catalog: PostgresDatabase) as long-lived
 * resources of a project. Each instance is a PostgreSQL schema of the platform's own database
 * (PGlite or the server alike) holding Weft's `kv_store` table; its row in InfraInstance says
 * whether it runs. The Memory nodes reach it here, inside the platform, never over the network.
 */
import { randomUUID } from 'node:crypto';
import type { InfraInstance, PrismaClient } from '../db/generated/client';
import { compileWeft } from '../weft';
import { weftCatalogEntry } from '../nodes/weftCatalog';
import type { JsonValue } from '../weft/types';

/** What the Memory nodes receive on `endpointUrl`: opaque, resolved in-process, no address behind it. */
const endpointScheme = 'weftworks-infra:';
export const endpointUrlOf = (instance: Pick<InfraInstance, 'id'>) => `${endpointScheme}//${instance.id}/action`;

export function instanceRowIdOf(endpointUrl: string): string | undefined {
  const match = /^weftworks-infra:\/\/([0-9a-f-]{36})\/action$/.exec(endpointUrl.trim());
  return match?.[1];
}

const alphanumerics = (text: string, count: number) => text.replace(/[^a-zA-Z0-9]/g, '').slice(0, count).toLowerCase();

/**
 * Weft's instance id, `wf-<12 of the project id>-<12 of the node id>`. The project part is the end of
 * our UUIDv7 (its random part): the start is a timestamp that projects made in one millisecond share.
 */
export function weftInstanceId(projectId: string, nodeId: string): string {
  return `wf-${projectId.replace(/-/g, '').slice(-12).toLowerCase()}-${alphanumerics(nodeId, 12)}`;
}

const schemaNameOf = (rowId: string) => `infra_${rowId.replace(/-/g, '')}`;
const quoted = (schemaName: string) => {
  if (!/^infra_[0-9a-f]{32}$/.test(schemaName)) throw new Error(`Not an infrastructure schema: ${schemaName}`);
  return `"${schemaName}"`;
};

/** NOTIFY channel: a project's infrastructure was started, stopped or terminated (payload: the project id). */
export const infraChangesChannel = 'weft_infra_changes';

export const isInfrastructureType = (type: string) => weftCatalogEntry(type)?.features.isInfrastructure === true;

export interface DeclaredInfrastructure {
  nodeId: string;
  nodeType: string;
}

/** The infrastructure nodes of a program (empty when it does not compile). */
export function declaredInfrastructure(code: string, layout = ''): DeclaredInfrastructure[] {
  const { graph } = compileWeft(code, layout);
  return (graph?.executable.nodes ?? []).filter((node) => isInfrastructureType(node.type)).map((node) => ({ nodeId: node.id, nodeType: node.type }));
}

/** Why a call on an instance is refused, in words that say what to do. */
export class InfraUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InfraUnavailable';
  }
}

const howToStart = (projectId: string) =>
  `start it with the Start button under Infrastructure on the project page, or the GraphQL mutation startInfrastructure(projectId: "${projectId}")`;

export class InfraInstances {
  constructor(private readonly prisma: PrismaClient) {}

  list(projectId: string): Promise<InfraInstance[]> {
    return this.prisma.infraInstance.findMany({ where: { projectId }, orderBy: { nodeId: 'asc' } });
  }

  /** Provisions (or starts again, keeping its data) every infrastructure node of the project's current code, or only `nodeId`. */
  async start(projectId: string, nodeId?: string): Promise<InfraInstance[]> {
    const project = await this.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    const declared = declaredInfrastructure(project.code, project.layout).filter((d) => !nodeId || d.nodeId === nodeId);
    if (nodeId && declared.length === 0) throw new InfraUnavailable(`The project's code has no infrastructure node "${nodeId}"`);
    const started: InfraInstance[] = [];
    for (const { nodeId: id, nodeType } of declared) {
      const existing = await this.prisma.infraInstance.findUnique({ where: { projectId_nodeId: { projectId, nodeId: id } } });
      const rowId = existing?.id ?? randomUUID();
      await this.provision(schemaNameOf(rowId));
      const running = { state: 'running' as const, startedAt: new Date(), stoppedAt: null };
      started.push(
        existing
          ? await this.prisma.infraInstance.update({ where: { id: rowId }, data: running })
          : await this.prisma.infraInstance.create({
              data: { id: rowId, projectId, nodeId: id, nodeType, instanceId: weftInstanceId(projectId, id), schemaName: schemaNameOf(rowId), ...running },
            }),
      );
    }
    await this.announce(projectId);
    return started;
  }

  /** Stops instances: their data is kept, calls on them are refused until started again. */
  async stop(projectId: string, nodeId?: string): Promise<void> {
    await this.prisma.infraInstance.updateMany({ where: { projectId, nodeId, state: 'running' }, data: { state: 'stopped', stoppedAt: new Date() } });
    await this.announce(projectId);
  }

  /** Drops instances and their data; starting again gives empty ones. */
  async terminate(projectId: string, nodeId?: string): Promise<void> {
    const rows = await this.prisma.infraInstance.findMany({ where: { projectId, nodeId } });
    for (const row of rows) {
      await this.prisma.$executeRawUnsafe(`DROP SCHEMA IF EXISTS ${quoted(row.schemaName)} CASCADE`);
      await this.prisma.infraInstance.delete({ where: { id: row.id } });
    }
    await this.announce(projectId);
  }

  /** Tells every server process (runner pages' live cards) that the project's infrastructure changed. */
  private async announce(projectId: string): Promise<void> {
    await this.prisma.$executeRaw`SELECT pg_notify(${infraChangesChannel}, ${projectId})`;
  }

  /** The running instance an infrastructure node of this execution's project stands for. */
  async forNode(executionId: string, nodeId: string): Promise<InfraInstance> {
    const { projectId } = await this.prisma.execution.findUniqueOrThrow({ where: { id: executionId }, select: { projectId: true } });
    const row = await this.prisma.infraInstance.findUnique({ where: { projectId_nodeId: { projectId, nodeId } } });
    if (!row) throw new InfraUnavailable(`The infrastructure node "${nodeId}" has not been started: ${howToStart(projectId)}`);
    if (row.state !== 'running') throw new InfraUnavailable(`The infrastructure node "${nodeId}" is stopped (its data is kept): ${howToStart(projectId)}`);
    return row;
  }

  /** The running instance behind an endpointUrl, which must belong to the project of the execution using it. */
  async byEndpoint(executionId: string | undefined, endpointUrl: string): Promise<InfraInstance> {
    const rowId = instanceRowIdOf(endpointUrl);
    if (!rowId) throw new InfraUnavailable(`"${endpointUrl}" is not the endpointUrl of a PostgresDatabase of this platform; wire the database's endpointUrl output here`);
    const row = await this.prisma.infraInstance.findUnique({ where: { id: rowId } });
    const execution = executionId
      ? await this.prisma.execution.findUnique({ where: { id: executionId }, select: { projectId: true } })
      : undefined;
    if (!row || (execution && row.projectId !== execution.projectId)) {
      throw new InfraUnavailable(`No infrastructure instance of this project answers at ${endpointUrl}: it was terminated, or belongs to another project`);
    }
    if (row.state !== 'running') throw new InfraUnavailable(`The infrastructure node "${row.nodeId}" is stopped (its data is kept): ${howToStart(row.projectId)}`);
    return row;
  }

  // Weft's sidecar actions on kv_store (NODES.md 2.10), as SQL on the instance's schema.

  async kvSet(instance: InfraInstance, key: string, value: JsonValue): Promise<void> {
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO ${quoted(instance.schemaName)}.kv_store (key, value) VALUES ($1, $2::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      key,
      JSON.stringify(value),
    );
  }

  /** Keys matching a PostgreSQL POSIX regular expression (`~`: case-sensitive, unanchored), ordered by key. */
  async kvQuery(instance: InfraInstance, pattern: string): Promise<{ key: string; value: JsonValue }[]> {
    return this.withPattern(pattern, () =>
      this.prisma.$queryRawUnsafe<{ key: string; value: JsonValue }[]>(
        `SELECT key, value FROM ${quoted(instance.schemaName)}.kv_store WHERE key ~ $1 ORDER BY key`,
        pattern,
      ),
    );
  }

  async kvDeletePattern(instance: InfraInstance, pattern: string): Promise<string[]> {
    const rows = await this.withPattern(pattern, () =>
      this.prisma.$queryRawUnsafe<{ key: string }[]>(`DELETE FROM ${quoted(instance.schemaName)}.kv_store WHERE key ~ $1 RETURNING key`, pattern),
    );
    return rows.map((row) => row.key).sort();
  }

  private async withPattern<T>(pattern: string, query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      const message = (error as Error).message;
      if (/regular expression/i.test(message)) throw new InfraUnavailable(`The pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${message}`);
      throw error;
    }
  }

  private async provision(schemaName: string): Promise<void> {
    await this.prisma.$executeRawUnsafe(`CREATE SCHEMA IF NOT EXISTS ${quoted(schemaName)}`);
    await this.prisma.$executeRawUnsafe(
      `CREATE TABLE IF NOT EXISTS ${quoted(schemaName)}.kv_store (
         key TEXT PRIMARY KEY, value JSONB, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), updated_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
  }
}
