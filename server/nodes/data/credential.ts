import { defineNode } from '../definition';
import { nodeService } from '../services';

/**
 * Outputs its secret as a String — sealed: what is recorded, journaled and streamed is a
 * `[[secret:v1:…]]` token; a node downstream gets the plain value only while it runs (see
 * server/credentials/sealing.ts). The value set with setCredential wins; a `value` written in the
 * code (as Weft allows) is used otherwise.
 */
export const credentialNode = defineNode('Credential', {
  description: 'A secret (an API key, a password): set it on the project page or with setCredential; it is stored encrypted and shown redacted everywhere.',
  category: 'Data',
  async run({ nodeId, executionId, config }) {
    const stored = executionId ? await nodeService('credentials').sealedFor(executionId, nodeId) : undefined;
    if (stored) return { outputs: { value: stored } };
    const written = typeof config.value === 'string' ? config.value : '';
    return { outputs: { value: written ? nodeService('sealer').seal(written) : '' } };
  },
});
