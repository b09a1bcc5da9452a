/**
 * What nodes reach of the platform itself (infrastructure instances, later files): provided once by
 * server/platform.ts when the process starts. Nodes that need it fail clearly when run without it.
 */
import { NodeFailure } from './definition';
import type { ProjectCredentials } from '../credentials/store';
import type { SecretSealer } from '../credentials/sealing';
import type { Files } from '../files/files';
import type { InfraInstances } from '../infra/instances';

export interface NodeServices {
  infra: InfraInstances;
  sealer: SecretSealer;
  credentials: ProjectCredentials;
  files: Files;
}

let provided: Partial<NodeServices> = {};

export function provideNodeServices(services: Partial<NodeServices>): void {
  provided = { ...provided, ...services };
}

export function nodeService<K extends keyof NodeServices>(name: K): NodeServices[K] {
  const service = provided[name];
  if (!service) throw new NodeFailure(`This node needs the platform's ${name} service, which this process does not provide`);
  return service;
}

export function optionalNodeService<K extends keyof NodeServices>(name: K): NodeServices[K] | undefined {
  return provided[name];
}
