/** What the Memory nodes share: the instance behind their endpointUrl, and its refusals as node failures. */
import type { InfraInstance } from '../../db/generated/client';
import { InfraUnavailable, type InfraInstances } from '../../infra/instances';
import { NodeFailure, type NodeRunContext } from '../definition';
import { nodeService } from '../services';

export function stringInput(context: NodeRunContext, name: string): string {
  const value = context.inputs[name];
  if (typeof value !== 'string' || value === '') throw new NodeFailure(`${name} is required (a non-empty String)`);
  return value;
}

/** Runs `work` on the running instance behind input.endpointUrl. */
export async function onInstance<T>(context: NodeRunContext, work: (infra: InfraInstances, instance: InfraInstance) => Promise<T>): Promise<T> {
  const infra = nodeService('infra');
  try {
    const instance = await infra.byEndpoint(context.executionId, stringInput(context, 'endpointUrl'));
    return await work(infra, instance);
  } catch (error) {
    if (error instanceof InfraUnavailable) throw new NodeFailure(error.message);
    throw error;
  }
}
