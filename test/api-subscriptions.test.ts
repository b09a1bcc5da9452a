import { describe, expect, it } from '@jest/globals';
import { graphqlData } from './support/graphql';
import { createProject, executionDetails, readExample, runProject, waitForStatus } from './support/executions';
import { sseSubscriber, webSocketSubscriber } from './support/subscriptions';
import { usePlatform } from './support/usePlatform';

const greeting = 'greeting = Text { value: "hi" }';
const transports = [
  ['graphql-ws', webSocketSubscriber],
  ['SSE', sseSubscriber],
] as const;

type EventData = { executionEvents: { seq: number; kind: string; execution: { status: string } } };
const executionEvents = `subscription ($id: ID!, $after: Int) { executionEvents(executionId: $id, afterSeq: $after) { seq kind execution { status } } }`;

describe('subscriptions: filtered feeds, form events, completion', () => {
  const platform = usePlatform();
  const url = () => platform.current.graphqlUrl;

  describe.each(transports)('over %s', (_name, connect) => {
    it('executionEvents delivers every event, then completes after the one that ends the execution', async () => {
      const subscriber = connect(url());
      try {
        const projectId = await createProject(url(), 'complete', greeting);
        const executionId = await runProject(url(), projectId);
        const events = subscriber.subscribe<EventData>(executionEvents, { id: executionId, after: 0 });
        await events.completed;
        const seqs = events.received.map((event) => event.executionEvents.seq);
        expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index + 1));
        expect(events.received.at(-1)?.executionEvents.execution.status).toBe('completed');
        const { lastSeq } = await executionDetails(url(), executionId);
        expect(seqs.at(-1)).toBe(lastSeq);

        const replayed = subscriber.subscribe<EventData>(executionEvents, { id: executionId, after: 2 });
        await replayed.completed;
        expect(replayed.received.map((event) => event.executionEvents.seq)).toEqual(seqs.slice(2));
        const nothingLeft = subscriber.subscribe<EventData>(executionEvents, { id: executionId, after: lastSeq });
        await nothingLeft.completed;
        expect(nothingLeft.received).toEqual([]);
      } finally {
        await subscriber.close();
      }
    }, 60_000);

    it('executionEvents of an unknown execution is refused with NOT_FOUND', async () => {
      const subscriber = connect(url());
      try {
        const refused = subscriber.subscribe<EventData>(executionEvents, { id: '00000000-0000-7000-8000-000000000000' });
        await expect(refused.until(() => false, 10_000)).rejects.toThrow(/NOT_FOUND|does not exist/);
      } finally {
        await subscriber.close();
      }
    });

    it('executionsFeed gives only the executions its filter matches, as the change left them', async () => {
      const subscriber = connect(url());
      try {
        const watched = await createProject(url(), 'watched', greeting);
        const other = await createProject(url(), 'other', greeting);
        type Feed = { executionsFeed: { execution: { id: string; status: string; project: { id: string } } } };
        const feed = subscriber.subscribe<Feed>(
          `subscription ($filter: ExecutionFilter) { executionsFeed(filter: $filter) { seq execution { id status project { id } } } }`,
          { filter: { projectId: watched, status: ['completed'] } },
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        const ignored = await runProject(url(), other);
        const first = await runProject(url(), watched);
        await waitForStatus(url(), ignored, ['completed']);
        const second = await runProject(url(), watched);
        const received = await feed.until((events) => events.length >= 2, 30_000);
        await new Promise((resolve) => setTimeout(resolve, 300));
        feed.stop();
        expect(received.map((event) => event.executionsFeed.execution)).toEqual([
          { id: first, status: 'completed', project: { id: watched } },
          { id: second, status: 'completed', project: { id: watched } },
        ]);
      } finally {
        await subscriber.close();
      }
    }, 60_000);

    it('humanTaskEvents streams forms opening and closing, filtered by project and state', async () => {
      const subscriber = connect(url());
      try {
        const projectId = await createProject(url(), 'approval', await readExample('approval'));
        type TaskEvent = { humanTaskEvents: { id: string; state: string; answeredBy: string | null; execution: { id: string } } };
        const query = `subscription ($filter: HumanTaskFilter) { humanTaskEvents(filter: $filter) { id state answeredBy execution { id } } }`;
        const all = subscriber.subscribe<TaskEvent>(query, { filter: { projectId } });
        const closedOnly = subscriber.subscribe<TaskEvent>(query, { filter: { projectId, state: ['answered', 'skipped'] } });
        const elsewhere = subscriber.subscribe<TaskEvent>(query, { filter: { projectId: '00000000-0000-7000-8000-000000000000' } });
        await new Promise((resolve) => setTimeout(resolve, 300));
        const executionId = await runProject(url(), projectId);
        const [opened] = await all.until((events) => events.length >= 1, 30_000);
        expect(opened!.humanTaskEvents).toMatchObject({ state: 'open', answeredBy: null, execution: { id: executionId } });
        await graphqlData(url(), `mutation ($id: ID!, $answer: JSON!) { answerHumanTask(id: $id, answer: $answer, answeredBy: "sam") { ... on HumanTask { state } } }`, {
          id: opened!.humanTaskEvents.id,
          answer: { reply: 'Refund sent.', tone: 'warm', decision: 'approve' },
        });
        await all.until((events) => events.length >= 2, 30_000);
        await waitForStatus(url(), executionId, ['completed', 'failed']);
        expect(all.received.map((event) => [event.humanTaskEvents.id, event.humanTaskEvents.state, event.humanTaskEvents.answeredBy])).toEqual([
          [opened!.humanTaskEvents.id, 'open', null],
          [opened!.humanTaskEvents.id, 'answered', 'sam'],
        ]);
        expect(closedOnly.received.map((event) => event.humanTaskEvents.state)).toEqual(['answered']);
        expect(elsewhere.received).toEqual([]);
        const { execution } = await graphqlData(url(), `query ($id: ID!) { execution(id: $id) { openTasks { id } } }`, { id: executionId });
        expect(execution.openTasks).toEqual([]);
      } finally {
        await subscriber.close();
      }
    }, 60_000);
  });
});
