import net from 'node:net';
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

  it('executionEvents over SSE to an HTTP/1.0 client (as proxies that speak 1.0 forward it): the same frames, unchunked, the stream closed at the end', async () => {
    const projectId = await createProject(url(), 'http10', greeting);
    const executionId = await runProject(url(), projectId);
    await waitForStatus(url(), executionId, ['completed']);
    const { lastSeq } = await executionDetails(url(), executionId);
    const body = JSON.stringify({ query: executionEvents, variables: { id: executionId, after: 0 } });
    const { host, port } = new URL(url());
    const response = await new Promise<string>((resolve, reject) => {
      // Written, not ended: a proxy keeps its side open while it reads the answer.
      const socket = net.connect(Number(port), host.split(':')[0]!, () =>
        socket.write(`POST /graphql HTTP/1.0\r\nHost: ${host}\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`),
      );
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    const [head, ...rest] = response.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.[01] 200/);
    expect(head!.toLowerCase()).not.toContain('transfer-encoding: chunked');
    const frames = rest.join('\r\n\r\n').split('\n\n').filter((frame) => frame.startsWith('event:'));
    const seqs = frames.filter((frame) => frame.startsWith('event: next\n')).map((frame) => JSON.parse(frame.slice(frame.indexOf('data: ') + 6)).data.executionEvents.seq);
    expect(seqs).toEqual(Array.from({ length: lastSeq }, (_, index) => index + 1));
    expect(frames.at(-1)).toBe('event: complete\ndata:');
  }, 60_000);
});
