import { describe, expect, it } from '@jest/globals';
import { graphqlPost } from './support/graphql';
import { sseSubscriber, webSocketSubscriber } from './support/subscriptions';
import { pictureLoom, pictureWeft, readingLoom, readingWeft, storeLoom, storeWeft, storyLoom, storyWeft } from './support/storyPage';
import { usePlatform } from './support/usePlatform';

const adminToken = 'runner-pages-admin-token-0123456789';
const maxRunBytes = 2_000;
const maxUploadBytes = 4_096;
/** A 1×1 PNG. */
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('runner pages over GraphQL', () => {
  const platform = usePlatform({ env: { AUTH: 'on', ADMIN_TOKEN: adminToken, PAGE_MAX_RUN_BYTES: String(maxRunBytes), PAGE_MAX_UPLOAD_BYTES: String(maxUploadBytes) } });
  const url = () => platform.current.graphqlUrl;
  const owner = (query: string, variables: Record<string, unknown> = {}) => graphqlPost(url(), query, variables, { authorization: `Bearer ${adminToken}` });
  const visitor = (query: string, variables: Record<string, unknown> = {}) => graphqlPost(url(), query, variables);

  async function createStoryProject(name: string, loom = storyLoom, code = storyWeft): Promise<string> {
    const created = await owner(`mutation ($name: String!, $code: String!) { createProject(name: $name, code: $code) { ... on Project { id } } }`, { name, code });
    const id = created.body.data!.createProject.id as string;
    const saved = await owner(`mutation ($id: ID!, $loom: String!) { saveLoomCode(projectId: $id, loomCode: $loom) { ... on Project { id loomCode } } }`, { id, loom });
    expect(saved.body.data!.saveLoomCode.loomCode).toBe(loom);
    return id;
  }

  async function publish(projectId: string, slug: string, runsPerMinute?: number, showLatestTriggerRun?: boolean) {
    const { body } = await owner(
      `mutation ($id: ID!, $slug: String!, $rpm: Int, $latest: Boolean) { publishPage(projectId: $id, slug: $slug, runsPerMinute: $rpm, showLatestTriggerRun: $latest) {
        __typename ... on PublishedPage { slug path state runsPerMinute showLatestTriggerRun version { id code } } ... on Problem { message } } }`,
      { id: projectId, slug, rpm: runsPerMinute, latest: showLatestTriggerRun },
    );
    return body.data!.publishPage;
  }

  const runPage = (slug: string, values: unknown) =>
    visitor(
      `mutation ($slug: String!, $values: JSON) { runPublishedPage(slug: $slug, values: $values) {
        __typename ... on PageRun { runId runToken status } ... on Problem { code message } ... on RateLimited { retryAfterSeconds } } }`,
      { slug, values },
    );

  async function answerOpenTask(executionId: string) {
    for (let attempt = 0; attempt < 600; attempt++) {
      const { body } = await owner(`query ($id: ID!) { execution(id: $id) { openTasks { id } } }`, { id: executionId });
      const [task] = body.data!.execution.openTasks as { id: string }[];
      if (task) {
        const answered = await owner(`mutation ($id: ID!) { answerHumanTask(id: $id, answer: { decision: "approve" }) { __typename } }`, { id: task.id });
        expect(answered.body.data!.answerHumanTask.__typename).toBe('HumanTask');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the form never opened');
  }

  it('exposes loomCode and the parsed page with its bindings and diagnostics by line', async () => {
    const id = await createStoryProject('page with a typo', `${storyLoom}output story txt\n`);
    const { body } = await owner(`query ($id: ID!) { project(id: $id) { loomCode runnerPage {
      mode ok manifest diagnostics { severity code line message } fields { nodeId fieldKey fieldType value sensitive options } outputs { nodeId portName sourceNodeId sourcePort }
    } } }`, { id });
    const page = body.data!.project.runnerPage;
    expect(page.mode).toBe('admin');
    expect(page.ok).toBe(false);
    expect(page.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'sensitive-field', line: 17 }),
      { severity: 'error', code: 'unknown-port', line: 19, message: 'output story txt: story (Template) has no output port "txt"; did you mean "text"?' },
    ]);
    expect(page.manifest.blocks.map((b: { kind: string; brick?: string }) => b.brick ?? b.kind)).toEqual(['hero', 'phase', 'columns', 'output', 'text', 'phase', 'cta', 'output']);
    expect(page.fields).toEqual(
      expect.arrayContaining([
        { nodeId: 'topic', fieldKey: 'value', fieldType: 'textarea', value: 'cats', sensitive: false, options: null },
        { nodeId: 'key', fieldKey: 'apiKey', fieldType: 'api_key', value: 'sk-very-secret', sensitive: true, options: null },
      ]),
    );
    expect(page.outputs).toContainEqual({ nodeId: 'approved', portName: 'value', sourceNodeId: 'approved', sourcePort: 'value' });

    const preview = await owner(`query ($id: ID!, $loom: String!) { checkLoom(projectId: $id, loomCode: $loom) { ok diagnostics { line code } } }`, { id, loom: 'text ok\nfield nobody value' });
    expect(preview.body.data!.checkLoom).toEqual({ ok: false, diagnostics: [{ line: 2, code: 'unknown-node' }] });
  });

  it('runs the builder runner with field values as overrides for that run only; the code is not changed', async () => {
    const id = await createStoryProject('runner run');
    const { body } = await owner(`mutation ($id: ID!, $values: JSON) { runRunnerPage(projectId: $id, values: $values) { __typename ... on Execution { id trigger } ... on Problem { message } } }`, {
      id,
      values: { topic: { value: 'owls' }, note: { value: 'changed note' } },
    });
    expect(body.data!.runRunnerPage).toMatchObject({ __typename: 'Execution', trigger: 'Manual' });
    const executionId = body.data!.runRunnerPage.id;
    await answerOpenTask(executionId);
    const runs = await waitForRun(executionId, 'completed');
    expect(runs.find((r) => r.nodeId === 'story')?.output).toEqual({ text: 'A warm story about owls' });
    expect(runs.find((r) => r.nodeId === 'internal')?.output).toEqual({ text: 'internal: changed note' });
    const after = await owner(`query ($id: ID!) { project(id: $id) { code } }`, { id });
    expect(after.body.data!.project.code).toBe(storyWeft);

    const refused = await owner(`mutation ($id: ID!) { runRunnerPage(projectId: $id, values: { story: { template: "x" } }) { __typename ... on Problem { message } } }`, { id });
    expect(refused.body.data!.runRunnerPage).toEqual({ __typename: 'InvalidInput', message: 'story template is not a field of this runner page' });

    // Saving the values as the new defaults is the explicit step that rewrites the code.
    const saved = await owner(`mutation ($id: ID!) { saveRunnerDefaults(projectId: $id, values: { topic: { value: "owls" } }) { __typename ... on Project { code diagnostics { severity } } } }`, { id });
    expect(saved.body.data!.saveRunnerDefaults.code).toBe(storyWeft.replace('value: "cats"', 'value: "owls"'));
  });

  async function waitForRun(executionId: string, status: string) {
    for (let attempt = 0; attempt < 600; attempt++) {
      const { body } = await owner(`query ($id: ID!) { execution(id: $id) { status nodeRuns { nodeId status output } } }`, { id: executionId });
      if (body.data!.execution.status === status) return body.data!.execution.nodeRuns as { nodeId: string; status: string; output: unknown }[];
      if (['failed', 'cancelled', 'completed'].includes(body.data!.execution.status)) throw new Error(`run ended ${body.data!.execution.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the run did not end');
  }

  it('publishes a pinned version under a slug that follows the slug rules', async () => {
    const id = await createStoryProject('pinned');
    for (const bad of ['ab', 'Has-Caps', '-lead', 'two--hyphens', 'admin', 'a'.repeat(64)]) {
      expect(await publish(id, bad)).toMatchObject({ __typename: 'InvalidInput' });
    }
    const page = await publish(id, 'pinned-story');
    expect(page).toMatchObject({ __typename: 'PublishedPage', slug: 'pinned-story', path: '/p/pinned-story', state: 'live', runsPerMinute: 10 });
    expect(page.version.code).toBe(storyWeft);
    await owner(`mutation ($id: ID!) { saveLoomCode(projectId: $id, loomCode: "text \\"Changed after publishing\\"") { __typename } }`, { id });
    const seen = await visitor(`query { publishedPage(slug: "pinned-story") { name available runner { manifest } } }`);
    expect(JSON.stringify(seen.body.data!.publishedPage.runner.manifest)).toContain('Story maker');
    expect(JSON.stringify(seen.body)).not.toContain('Changed after publishing');
    expect(await publish(await createStoryProject('other'), 'pinned-story')).toMatchObject({ __typename: 'InvalidInput' });
  });

  it('shows an anonymous visitor only the visible blocks, fields and values: no hidden config, credentials or code', async () => {
    await publish(await createStoryProject('visible'), 'visible-story');
    const { status, body } = await visitor(`query { publishedPage(slug: "visible-story") {
      slug name available runner { mode manifest diagnostics { message } fields { nodeId fieldKey value sensitive } outputs { nodeId portName } } } }`);
    expect(status).toBe(200);
    const page = body.data!.publishedPage;
    expect(page.runner.mode).toBe('visitor');
    expect(page.runner.fields).toEqual([
      { nodeId: 'topic', fieldKey: 'value', value: 'cats', sensitive: false },
      { nodeId: 'tone', fieldKey: 'value', value: 'warm', sensitive: false },
    ]);
    expect(page.runner.outputs).toEqual([{ nodeId: 'story', portName: 'text' }, { nodeId: 'approved', portName: 'value' }]);
    const text = JSON.stringify(body);
    for (const hidden of ['owner-only-note', 'Owner note', 'sk-very-secret', 'apiKey', 'Instructions for the owner only', 'Internal', 'internal: ', 'template']) {
      expect(text).not.toContain(hidden);
    }
    expect((await visitor(`query { publishedPage(slug: "no-such-page") { name } }`)).body.data!.publishedPage).toBeNull();
  });

  it('lets anonymous visitors use the public fields only: anything else needs a token, even in the same operation', async () => {
    expect((await visitor(`{ projects { totalCount } }`)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const mixed = await visitor(`{ publishedPage(slug: "visible-story") { name } projects { totalCount } }`);
    expect(mixed.status).toBe(401);
    const stale = await graphqlPost(url(), `{ publishedPage(slug: "visible-story") { name } }`, {}, { authorization: 'Bearer weft_revoked-or-mistyped' });
    expect(stale.body.data!.publishedPage.name).toBe('visible');
  });

  it('runs the page for a visitor: allow-listed values merged (inside bricks too), outputs live over SSE without a token, labelled Page', async () => {
    const started = await runPage('visible-story', { topic: { value: 'otters' }, tone: { value: 'eerie' } });
    expect(started.body.data!.runPublishedPage).toMatchObject({ __typename: 'PageRun', status: 'pending' });
    const { runId, runToken } = started.body.data!.runPublishedPage;
    // Anonymous WebSocket connections are closed (4403); a visitor follows the run over SSE, without a token.
    const anonymous = sseSubscriber(url());
    type Update = { publishedPageRun: { runId: string; status: string; outputs: { nodeId: string; portName: string; status: string; value: unknown; error: string | null }[] } };
    const updates = anonymous.subscribe<Update>(`subscription ($token: String!) { publishedPageRun(runToken: $token) { runId status outputs { nodeId portName status value error } } }`, { token: runToken });
    try {
      // The draft is shown while the run still waits for the owner's approval.
      const waiting = await updates.until((received) => received.some((u) => u.publishedPageRun.status === 'waiting_for_input'));
      const whileWaiting = waiting.find((u) => u.publishedPageRun.status === 'waiting_for_input')!.publishedPageRun;
      expect(whileWaiting.outputs).toEqual([
        { nodeId: 'story', portName: 'text', status: 'completed', value: 'A eerie story about otters', error: null },
        { nodeId: 'approved', portName: 'value', status: 'pending', value: null, error: null },
      ]);
      await answerOpenTask(runId);
      await updates.completed;
      const last = updates.received.at(-1)!.publishedPageRun;
      expect(last).toEqual({
        runId,
        status: 'completed',
        outputs: [
          { nodeId: 'story', portName: 'text', status: 'completed', value: 'A eerie story about otters', error: null },
          { nodeId: 'approved', portName: 'value', status: 'completed', value: 'A eerie story about otters', error: null },
        ],
      });
      expect(JSON.stringify(updates.received)).not.toContain('owner-only-note');
    } finally {
      await anonymous.close();
    }
    const listed = await owner(`{ executions(filter: { trigger: [Page] }) { edges { node { id trigger triggeredBy } } } }`);
    expect(listed.body.data!.executions.edges.map((e: { node: unknown }) => e.node)).toContainEqual({ id: runId, trigger: 'Page', triggeredBy: '/p/visible-story' });

    const forged = sseSubscriber(url());
    const refused = forged.subscribe(`subscription { publishedPageRun(runToken: "wpage_${runId}_forged") { status } }`);
    await expect(refused.completed).rejects.toThrow('This run token is not valid');
    await forged.close();
  });

  it('refuses a forged hidden field, a sensitive field, a value that does not fit and an oversized request; nothing runs', async () => {
    const before = await owner(`{ executions(filter: { trigger: [Page] }) { totalCount } }`);
    const cases: [unknown, string][] = [
      [{ note: { value: 'forged' } }, 'note value is not a field of this page that visitors may set'],
      [{ key: { apiKey: 'sk-stolen' } }, 'key apiKey is not a field of this page that visitors may set'],
      [{ story: { template: '{{t}}' } }, 'story template is not a field of this page that visitors may set'],
      [{ tone: { value: 'cheerful' } }, 'tone value takes one of warm, dry, eerie'],
      [{ topic: { value: 'x'.repeat(maxRunBytes) } }, `a page run takes at most ${maxRunBytes}`],
    ];
    for (const [values, message] of cases) {
      const { body } = await runPage('visible-story', values);
      expect(body.data!.runPublishedPage).toMatchObject({ __typename: 'InvalidInput', code: 'BAD_USER_INPUT' });
      expect(body.data!.runPublishedPage.message).toContain(message);
    }
    const after = await owner(`{ executions(filter: { trigger: [Page] }) { totalCount } }`);
    expect(after.body.data!.executions.totalCount).toBe(before.body.data!.executions.totalCount);
  });

  it('limits the runs a minute of each page on its own, and pauses, resumes and unpublishes', async () => {
    const id = await createStoryProject('limited');
    await publish(id, 'limited-story', 2);
    await publish(id, 'other-limited-story', 2);
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push((await runPage('limited-story', {})).body.data!.runPublishedPage);
    expect(outcomes.map((o) => o.__typename)).toEqual(['PageRun', 'PageRun', 'RateLimited']);
    expect(outcomes[2].retryAfterSeconds).toBeGreaterThan(0);
    expect((await runPage('other-limited-story', {})).body.data!.runPublishedPage.__typename).toBe('PageRun');

    const paused = await owner(`mutation { pausePage(slug: "other-limited-story") { ... on PublishedPage { state } } }`);
    expect(paused.body.data!.pausePage.state).toBe('paused');
    expect((await runPage('other-limited-story', {})).body.data!.runPublishedPage).toMatchObject({ __typename: 'PageUnavailable', message: 'This page is temporarily unavailable' });
    expect((await visitor(`{ publishedPage(slug: "other-limited-story") { available runner { manifest } } }`)).body.data!.publishedPage).toEqual({ available: false, runner: null });
    await owner(`mutation { pausePage(slug: "other-limited-story", paused: false) { __typename } }`);
    expect((await visitor(`{ publishedPage(slug: "other-limited-story") { available } }`)).body.data!.publishedPage.available).toBe(true);
    const removed = await owner(`mutation { unpublishPage(slug: "other-limited-story") { ... on PublishedPage { slug } } }`);
    expect(removed.body.data!.unpublishPage.slug).toBe('other-limited-story');
    expect((await visitor(`{ publishedPage(slug: "other-limited-story") { name } }`)).body.data!.publishedPage).toBeNull();
    expect((await runPage('other-limited-story', {})).body.data!.runPublishedPage.__typename).toBe('NotFound');
  });

  const uploadToPage = (slug: string, node: string, field: string, bytes: Buffer, type = 'image/png') =>
    fetch(`${platform.current.url}/page-files/${slug}?${new URLSearchParams({ node, field, filename: 'cat.png' })}`, {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Uint8Array(bytes),
    }).then(async (response) => ({ status: response.status, headers: response.headers, body: (await response.json()) as any }));

  it("takes a visitor's file for a visible file field only, within the page's size limit, and runs with it; a forged file value is refused", async () => {
    const id = await createStoryProject('picture', pictureLoom, pictureWeft);
    await publish(id, 'picture-frame', 20);
    const seen = await visitor(`{ publishedPage(slug: "picture-frame") { runner { fields { nodeId fieldKey fieldType accept } } } }`);
    expect(seen.body.data!.publishedPage.runner.fields).toEqual([{ nodeId: 'photo', fieldKey: 'media', fieldType: 'blob', accept: 'image/*' }]);
    expect(JSON.stringify(seen.body)).not.toContain('owner-notes');

    const uploaded = await uploadToPage('picture-frame', 'photo', 'media', png);
    expect(uploaded.status).toBe(201);
    const value = uploaded.body.value;
    expect(value).toMatchObject({ filename: 'cat.png', mime_type: 'image/png', size_bytes: png.length, file_id: expect.any(String), upload_token: expect.any(String) });
    // The visitor's link downloads their file.
    const download = await fetch(`${platform.current.url}${value.url}`);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(png);

    expect((await uploadToPage('picture-frame', 'spare', 'media', png)).status).toBe(403); // admin-only field
    expect((await uploadToPage('picture-frame', 'photo', 'label', png)).status).toBe(403); // not a file field of the page
    expect((await uploadToPage('no-such-frame', 'photo', 'media', png)).status).toBe(404);
    const tooLarge = await uploadToPage('picture-frame', 'photo', 'media', Buffer.alloc(maxUploadBytes + 1));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toContain(`at most ${maxUploadBytes} bytes`);
    // The visitor cannot list the files, theirs included.
    expect((await visitor(`{ files { id } }`)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    for (const forged of [{ url: 'http://169.254.169.254/latest' }, { ...value, file_id: '0190aaaa-0000-7000-8000-000000000001' }, { ...value, upload_token: 'made-up' }]) {
      const refused = await runPage('picture-frame', { photo: { media: forged } });
      expect(refused.body.data!.runPublishedPage).toMatchObject({ __typename: 'InvalidInput', message: expect.stringContaining("takes a file uploaded to this page's field") });
    }
    const started = await runPage('picture-frame', { photo: { media: value } });
    expect(started.body.data!.runPublishedPage.__typename).toBe('PageRun');
    const runs = await waitForRun(started.body.data!.runPublishedPage.runId, 'completed');
    const shown = runs.find((r) => r.nodeId === 'photo')?.output as { value: { url: string; mimeType: string; filename: string } };
    expect(shown.value).toMatchObject({ mimeType: 'image/png', filename: 'cat.png', url: expect.stringMatching(new RegExp(`^/files/${value.file_id}\\?expires=`)) });
    // The file is the owner's to see, with the page's project.
    const listed = await owner(`{ files { id filename project { id } } }`);
    expect(listed.body.data!.files).toContainEqual({ id: value.file_id, filename: 'cat.png', project: { id } });
  });

  it("counts a page's uploads and runs together against its limit a minute", async () => {
    const id = await createStoryProject('picture limits', pictureLoom, pictureWeft);
    await publish(id, 'limited-frame', 2);
    expect((await uploadToPage('limited-frame', 'photo', 'media', png)).status).toBe(201);
    expect((await runPage('limited-frame', {})).body.data!.runPublishedPage.__typename).toBe('PageRun');
    const third = await uploadToPage('limited-frame', 'photo', 'media', png);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await runPage('limited-frame', {})).body.data!.runPublishedPage.__typename).toBe('RateLimited');
  });

  it("shows every visitor the latest trigger-fired run's visible outputs, live, when published with that option", async () => {
    const id = await createStoryProject('readings', readingLoom, readingWeft);
    const activated = await owner(`mutation ($id: ID!) { activateTriggers(projectId: $id) { ... on Project { triggers { webhookPath } } ... on Problem { message } } }`, { id });
    const [{ webhookPath }] = activated.body.data!.activateTriggers.triggers as [{ webhookPath: string }];
    const post = (body: unknown) =>
      fetch(`${platform.current.url}${webhookPath}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'change-me' }, body: JSON.stringify(body) }).then(
        async (response) => (await response.json()) as { executionId: string },
      );
    const first = await post({ city: 'Oslo', degrees: -3 });
    await waitForRun(first.executionId, 'completed');
    expect((await publish(id, 'latest-reading', 10, true)).showLatestTriggerRun).toBe(true);
    await publish(id, 'own-reading-only', 10);
    expect((await visitor(`{ publishedPage(slug: "latest-reading") { showsLatestTriggerRun } }`)).body.data!.publishedPage.showsLatestTriggerRun).toBe(true);

    type Update = { publishedPageLatestRun: { runId: string; status: string; outputs: { nodeId: string; status: string; value: unknown }[] } };
    const query = `subscription ($slug: String!) { publishedPageLatestRun(slug: $slug) { runId status outputs { nodeId status value } } }`;
    const visitors = [sseSubscriber(url()), sseSubscriber(url())];
    const feeds = visitors.map((client) => client.subscribe<Update>(query, { slug: 'latest-reading' }));
    try {
      for (const feed of feeds) {
        const [now] = await feed.until((received) => received.length > 0);
        expect(now!.publishedPageLatestRun).toEqual({ runId: first.executionId, status: 'completed', outputs: [{ nodeId: 'line', status: 'completed', value: 'Oslo: -3 °C' }] });
      }
      // A visitor's own run is not broadcast; the next trigger-fired run is, to every visitor.
      expect((await runPage('latest-reading', {})).body.data!.runPublishedPage.__typename).toBe('PageRun');
      const second = await post({ city: 'Bergen', degrees: 5 });
      for (const feed of feeds) {
        const received = await feed.until((all) => all.some((u) => u.publishedPageLatestRun.runId === second.executionId && u.publishedPageLatestRun.status === 'completed'));
        expect(received.map((u) => u.publishedPageLatestRun.runId).every((runId) => runId === first.executionId || runId === second.executionId)).toBe(true);
        expect(received.at(-1)!.publishedPageLatestRun.outputs).toEqual([{ nodeId: 'line', status: 'completed', value: 'Bergen: 5 °C' }]);
      }
    } finally {
      await Promise.all(visitors.map((client) => client.close()));
    }
    const refusing = sseSubscriber(url());
    await expect(refusing.subscribe(query, { slug: 'own-reading-only' }).completed).rejects.toThrow('This page does not show trigger runs');
    await refusing.close();
  });

  it("pushes a live card's infrastructure state to the runner as it changes: started, written by a run, stopped", async () => {
    const id = await createStoryProject('visits', storeLoom, storeWeft);
    const page = await owner(`query ($id: ID!) { project(id: $id) { runnerPage { diagnostics { code } live { nodeId label } } } }`, { id });
    expect(page.body.data!.project.runnerPage).toEqual({ diagnostics: [], live: [{ nodeId: 'db', label: 'Store' }] });
    const socket = webSocketSubscriber(url(), { authorization: `Bearer ${adminToken}` });
    type Cards = { runnerLiveData: { nodeId: string; state: string; items: { label: string; data: unknown }[] }[] };
    const cards = socket.subscribe<Cards>(`subscription ($id: ID!) { runnerLiveData(projectId: $id) { nodeId state items { label data } } }`, { id });
    const item = (update: Cards, label: string) => update.runnerLiveData[0]?.items.find((i) => i.label === label)?.data;
    try {
      const [initial] = await cards.until((all) => all.length > 0);
      expect(initial!.runnerLiveData).toEqual([{ nodeId: 'db', state: 'not_started', items: [{ label: 'State', data: 'not started' }] }]);
      await owner(`mutation ($id: ID!) { startInfrastructure(projectId: $id) { __typename } }`, { id });
      const started = (await cards.until((all) => all.some((u) => u.runnerLiveData[0]?.state === 'running'))).at(-1)!;
      expect(item(started, 'Keys stored')).toBe(0);
      expect(item(started, 'Instance')).toMatch(/^wf-/);
      const run = await owner(`mutation ($id: ID!) { runRunnerPage(projectId: $id) { ... on Execution { id } } }`, { id });
      await waitForRun(run.body.data!.runRunnerPage.id, 'completed');
      await cards.until((all) => all.some((u) => item(u, 'Keys stored') === 1));
      await owner(`mutation ($id: ID!) { stopInfrastructure(projectId: $id) { __typename } }`, { id });
      const stopped = (await cards.until((all) => all.some((u) => u.runnerLiveData[0]?.state === 'stopped'))).at(-1)!;
      expect(item(stopped, 'State')).toBe('stopped');
    } finally {
      cards.stop();
      await socket.close();
    }
    // Visitors never get it: it is not a public field.
    const anonymous = sseSubscriber(url());
    await expect(anonymous.subscribe(`subscription ($id: ID!) { runnerLiveData(projectId: $id) { nodeId } }`, { id }).completed).rejects.toThrow();
    await anonymous.close();
  });
});
