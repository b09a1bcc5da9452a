import { endpointUrlOf, InfraUnavailable } from '../../infra/instances';
import { defineNode, NodeFailure } from '../definition';
import { nodeService } from '../services';

/**
 * An infrastructure node: the database is provisioned by startInfrastructure (not by a run) and lives
 * across runs; a run only reads where it is, and fails at once, saying how to start it, when it is not running.
 */
export const postgresDatabaseNode = defineNode('PostgresDatabase', {
  description: "A key-value store kept in the platform's PostgreSQL across runs; start it on the project page. Wire endpointUrl into Memory nodes.",
  category: 'Data',
  outputDescriptions: {
    instanceId: 'Which instance this is (wf-<project>-<node>)',
    endpointUrl: 'Where the Memory nodes find it (resolved inside the platform; no network address)',
  },
  async run({ nodeId, executionId }) {
    if (!executionId) throw new NodeFailure('A PostgresDatabase runs only inside an execution of a project');
    try {
      const instance = await nodeService('infra').forNode(executionId, nodeId);
      return { outputs: { instanceId: instance.instanceId, endpointUrl: endpointUrlOf(instance) } };
    } catch (error) {
      if (error instanceof InfraUnavailable) throw new NodeFailure(error.message);
      throw error;
    }
  },
});
