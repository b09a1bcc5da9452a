import { defineNode } from '../definition';

export const apiPostNode = defineNode('ApiPost', {
  description: "A webhook: a POST to the project's endpoint starts an execution; the declared outputs are the body's fields.",
  category: 'Triggers',
  outputDescriptions: { receivedAt: 'When the POST arrived (ISO-8601)' },
  /** As in the reference: in a run another trigger started, receivedAt is "" (the body's fields are null). */
  dormantOutputs: () => ({ receivedAt: '' }),
});
