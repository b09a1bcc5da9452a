/** Credential values of projects, kept sealed; set and cleared by admins, read only by Credential nodes as they run. */
import type { PrismaClient } from '../db/generated/client';
import { compileWeft } from '../weft';
import type { SecretSealer } from './sealing';

export const credentialType = 'Credential';

/** The Credential nodes of a program (empty when it does not compile). */
export function declaredCredentials(code: string, layout = ''): string[] {
  const { graph } = compileWeft(code, layout);
  return (graph?.executable.nodes ?? []).filter((node) => node.type === credentialType).map((node) => node.id);
}

export class ProjectCredentials {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sealer: SecretSealer,
  ) {}

  async set(projectId: string, nodeId: string, value: string): Promise<void> {
    const sealed = this.sealer.seal(value);
    await this.prisma.projectCredential.upsert({
      where: { projectId_nodeId: { projectId, nodeId } },
      create: { projectId, nodeId, sealed },
      update: { sealed },
    });
  }

  async clear(projectId: string, nodeId: string): Promise<void> {
    await this.prisma.projectCredential.deleteMany({ where: { projectId, nodeId } });
  }

  list(projectId: string) {
    return this.prisma.projectCredential.findMany({ where: { projectId }, select: { nodeId: true, updatedAt: true }, orderBy: { nodeId: 'asc' } });
  }

  /** The sealed value a Credential node of this execution's project outputs, if one is set. */
  async sealedFor(executionId: string, nodeId: string): Promise<string | undefined> {
    const execution = await this.prisma.execution.findUnique({ where: { id: executionId }, select: { projectId: true } });
    if (!execution) return undefined;
    const row = await this.prisma.projectCredential.findUnique({ where: { projectId_nodeId: { projectId: execution.projectId, nodeId } } });
    return row?.sealed;
  }
}
