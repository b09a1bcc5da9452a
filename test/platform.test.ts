import { describe, expect, it } from '@jest/globals';
import { graphqlData, graphqlRequest } from './support/graphql';
import { usePlatform } from './support/usePlatform';
import { sseSubscriber, webSocketSubscriber } from './support/subscriptions';

const helloCode = `greeting = Text { label: "Greeting", value: "hello" }`;

const executionEventsSubscription = `
  subscription Events($executionId: ID!, $afterSeq: Int) {
    executionEvents(executionId: $executionId, afterSeq: $afterSeq) {
      seq kind
      execution { id status }
      nodeRun { nodeId status output }
    }
  }`;

type EventData = {
  executionEvents: {
    seq: number;
    kind: string;
    execution: { id: string; status: string };
    nodeRun: { nodeId: string; status: string; output: unknown } | null;
  };
};

const finished = (events: EventData[]) => events.some((e) => ['completed', 'failed'].includes(e.executionEvents.execution.status));

describe('the platform, started as `npm start` starts it', () => {
  const platform = usePlatform();


  it('reports the database and Restate as reachable on /health', async () => {
    const response = await fetch(`${platform.current.url}/health`);
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report).toMatchObject({
      status: 'ok',
      database: { ok: true, kind: platform.database.url ? 'server' : 'embedded' },
      restate: { ok: true },
    });
  });

  it('serves GraphiQL to a browser at /graphql', async () => {
    const response = await fetch(platform.current.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    // The page loads GraphiQL's bundle from this server (no CDN); the bundle it names is served.
    const page = await response.text();
    const bundlePath = /<script src="(\/graphiql\/[^"]+\/graphiql\.js)"><\/script>/.exec(page)?.[1];
    expect(bundlePath).toBeDefined();
    const bundle = await fetch(`${platform.current.url}${bundlePath}`);
    expect(bundle.status).toBe(200);
    expect(await bundle.text()).toContain('GraphiQL');
  });

  it('serves the SPA at / and at its client-side routes', async () => {
    for (const route of ['/', '/executions']) {
      const response = await fetch(`${platform.current.url}${route}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<div id="root">');
    }
  });

  it('creates a project and finds it again by id and in the list', async () => {
    const { createProject } = await graphqlData(platform.current.graphqlUrl, `
      mutation { createProject(name: "Greeter", code: ${JSON.stringify(helloCode)}) { ... on Project { id name code } } }`);
    expect(createProject).toMatchObject({ name: 'Greeter', code: helloCode });

    const { project, projects } = await graphqlData(platform.current.graphqlUrl, `
      query ($id: ID!) { project(id: $id) { id name } projects(first: 10) { totalCount edges { node { id } } } }`, { id: createProject.id });
    expect(project).toEqual({ id: createProject.id, name: 'Greeter' });
    expect(projects.edges.map((edge: { node: { id: string } }) => edge.node.id)).toContain(createProject.id);
  });

  it('answers an unknown id with null and a malformed id with a clear error', async () => {
    const unknown = await graphqlData(platform.current.graphqlUrl, `{ project(id: "00000000-0000-7000-8000-000000000000") { id } }`);
    expect(unknown.project).toBeNull();
    const malformed = await graphqlRequest(platform.current.graphqlUrl, `{ execution(id: "not-an-id") { id } }`);
    expect(malformed.errors?.[0]?.message).toBe('"not-an-id" is not a valid execution id (expected a UUID)');
    const runUnknown = await graphqlRequest(platform.current.graphqlUrl, `mutation { runProject(projectId: "00000000-0000-7000-8000-000000000000") { ... on NotFound { message what id } } }`);
    expect(runUnknown.data?.runProject).toEqual({
      message: 'Project 00000000-0000-7000-8000-000000000000 does not exist', what: 'Project', id: '00000000-0000-7000-8000-000000000000',
    });
  });

  it('runs a project on Restate and streams its events over graphql-ws and SSE, in order', async () => {
    const { createProject } = await graphqlData(platform.current.graphqlUrl, `
      mutation { createProject(name: "Streamed", code: ${JSON.stringify(helloCode)}) { ... on Project { id } } }`);
    const webSocket = webSocketSubscriber(platform.current.graphqlUrl);
    const sse = sseSubscriber(platform.current.graphqlUrl);
    const feed = webSocket.subscribe<{ executionsFeed: { seq: number; execution: { id: string; status: string } } }>(
      `subscription { executionsFeed { seq execution { id status project { name } } } }`,
    );
    try {
      // Give the feed subscription time to be registered before the run starts.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const { runProject } = await graphqlData(platform.current.graphqlUrl, `
        mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id status } } }`, { id: createProject.id });
      expect(runProject.status).toBe('pending');

      const overWebSocket = webSocket.subscribe<EventData>(executionEventsSubscription, { executionId: runProject.id, afterSeq: 0 });
      const overSse = sse.subscribe<EventData>(executionEventsSubscription, { executionId: runProject.id, afterSeq: 0 });
      const [wsEvents, sseEvents] = await Promise.all([overWebSocket.until(finished), overSse.until(finished)]);
      overWebSocket.stop();
      overSse.stop();

      for (const events of [wsEvents, sseEvents]) {
        const seqs = events.map((e) => e.executionEvents.seq);
        expect(seqs).toEqual(seqs.map((_, index) => index + 1));
        expect(events.map((e) => e.executionEvents.execution.status)).toEqual(
          expect.arrayContaining(['pending', 'running', 'completed']),
        );
        const nodeRuns = events.flatMap((e) => (e.executionEvents.nodeRun ? [e.executionEvents.nodeRun] : []));
        // A Text node is pure: it runs in the workflow itself and is recorded once, completed.
        expect(nodeRuns.map((run) => run.status)).toEqual(['completed']);
        expect(nodeRuns.at(-1)).toEqual({ nodeId: 'greeting', status: 'completed', output: { value: 'hello' } });
      }
      expect(sseEvents).toEqual(wsEvents);

      const feedEvents = await feed.until((events) =>
        events.some((e) => e.executionsFeed.execution.id === runProject.id && e.executionsFeed.execution.status === 'completed'),
      );
      const ours = feedEvents.filter((e) => e.executionsFeed.execution.id === runProject.id).map((e) => e.executionsFeed.seq);
      expect(ours).toEqual([...ours].sort((a, b) => a - b));

      const { execution } = await graphqlData(platform.current.graphqlUrl, `
        query ($id: ID!) { execution(id: $id) { status completedAt lastSeq project { id } nodeRuns { nodeId status output } } }`, { id: runProject.id });
      expect(execution).toMatchObject({
        status: 'completed',
        lastSeq: wsEvents.length,
        project: { id: createProject.id },
        nodeRuns: [{ nodeId: 'greeting', status: 'completed', output: { value: 'hello' } }],
      });
      expect(execution.completedAt).not.toBeNull();
    } finally {
      feed.stop();
      await webSocket.close();
      await sse.close();
    }
  });

  it('replays only what came after afterSeq to a subscriber that reconnects', async () => {
    const { executions } = await graphqlData(platform.current.graphqlUrl, `{ executions(first: 1) { edges { node { id lastSeq status } } } }`);
    const last = executions.edges[0].node;
    expect(last.status).toBe('completed');
    const webSocket = webSocketSubscriber(platform.current.graphqlUrl);
    try {
      const resumed = webSocket.subscribe<EventData>(executionEventsSubscription, { executionId: last.id, afterSeq: last.lastSeq - 2 });
      const events = await resumed.until((received) => received.length >= 2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(resumed.received.map((e) => e.executionEvents.seq)).toEqual([last.lastSeq - 1, last.lastSeq]);
      expect(events.at(-1)?.executionEvents.execution.status).toBe('completed');
      resumed.stop();
    } finally {
      await webSocket.close();
    }
  });
});
