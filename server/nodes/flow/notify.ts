import { defineNode, NodeFailure } from '../definition';

/**
 * "Send URL" (NODES.md 2.4): outputs sent: true and, as the reference's extra key, the action a person
 * is asked to open: `{actionId: "<execution>-<node>-action", actionUrl}`, kept in the node run's details
 * (extra keys are not routed to edges); the executor opens an Action task from it (server/executor/runNode.ts).
 */
export const notifyNode = defineNode('Notify', {
  description: 'Sends a person a link to open (shown with the node run): outputs sent.',
  category: 'Flow',
  async run({ inputs, executionId, nodeId }) {
    const url = typeof inputs.url === 'string' ? inputs.url.trim() : '';
    if (!url) throw new NodeFailure('url is empty: Notify needs the link to send');
    const action = { actionId: `${executionId ?? 'local'}-${nodeId}-action`, actionUrl: url };
    return { outputs: { sent: true }, details: { __notify_action__: action } };
  },
});
