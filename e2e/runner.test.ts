import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { openDesktopPage, screenshotWidthsAndThemes, screenshotsFolder } from '../test/support/browser';
import { createProject, waitForStatus } from '../test/support/executions';
import { graphqlData } from '../test/support/graphql';
import { storyLoom, storyWeft } from '../test/support/storyPage';

/** A picture field, a store with a live card, and the picture shown back. */
const deskWeft = `photo = Image {}
db = PostgresDatabase
one = Number { value: 1 }
save = MemoryStore { key: "visits" }
save.endpointUrl = db.endpointUrl
save.value = one.value
`;
const deskLoom = `hero title:"Photo desk" subtitle:"Frame a picture"
phase "Your picture" {
  field photo media label:"Picture"
}
live db label:"Visit store" visibility:admin
output photo value as:image label:"Framed"
cta label:"Frame it"
`;
/** A 16×16 PNG, a blue square. */
const bluePng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGOQS7lDEmIY1TCqYfhqAABUaV4QwoaE+QAAAABJRU5ErkJggg==',
  'base64',
);
import { usePlatform } from '../test/support/usePlatform';

const screenshots = screenshotsFolder('runner');

/** The story page with tabs added, and the theme keys set. */
const tabbedLoom = `theme {
  skin:"default" primary:"#0ea5e9" accent:"#f97316" layout:"wide" density:"comfortable" surface:"mesh"
}
${storyLoom.replace('cta label:"Write it"', `tabs {
  tab label:"About" {
    text "Stories are written by a **template**, then approved by a person."
  }
  tab label:"Tips" {
    text "Pick an eerie tone for a ghost story."
  }
}
cta label:"Write it"`)}`;

const failingWeft = `broken = ExecPython -> (value: Number) {
  code: \`\`\`
return {"value": 1 / 0}
  \`\`\`
}
`;
const failingLoom = `hero title:"Divide"
output broken value label:"Quotient"
cta label:"Divide"`;

async function saveLoom(graphqlUrl: string, projectId: string, loomCode: string) {
  await graphqlData(graphqlUrl, `mutation ($id: ID!, $loom: String!) { saveLoomCode(projectId: $id, loomCode: $loom) { __typename } }`, { id: projectId, loom: loomCode });
}

async function answerOpenForm(graphqlUrl: string, executionId: string) {
  const { execution } = await graphqlData(graphqlUrl, `query ($id: ID!) { execution(id: $id) { openTasks { id } } }`, { id: executionId });
  const [task] = execution.openTasks as { id: string }[];
  await graphqlData(graphqlUrl, `mutation ($id: ID!) { answerHumanTask(id: $id, answer: { decision: "approve" }) { __typename } }`, { id: task!.id });
}

const shoot = (page: Page, name: string) => screenshotWidthsAndThemes(page, screenshots, name, { fullPage: true });

const outputBlock = (page: Page, binding: string) => page.locator(`[data-output="${binding}"]`);

describe('runner pages in Chromium', () => {
  const platform = usePlatform();
  const url = () => platform.current.graphqlUrl;
  let browser: Browser;
  let page: Page;
  let projectId = '';
  let deskId = '';

  beforeAll(async () => void ({ browser, page } = await openDesktopPage(screenshots)), 60_000);
  afterAll(() => browser?.close());

  it('switches the project page to its runner: hero, phases with fields, columns, cards, tabs, CTA and output blocks', async () => {
    projectId = await createProject(url(), 'Story maker', storyWeft);
    await saveLoom(url(), projectId, tabbedLoom);
    await page.goto(`${platform.current.url}/projects/${projectId}`);
    await page.getByRole('link', { name: 'Runner' }).click();
    await page.getByRole('heading', { name: 'Story maker', level: 1 }).first().waitFor();
    expect(new URL(page.url()).searchParams.get('view')).toBe('runner');
    await expect(page.locator('.loom-page').getAttribute('class')).resolves.toContain('surface-mesh');
    await expect(page.getByRole('heading', { name: 'Your topic' }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Topic').inputValue()).resolves.toBe('cats');
    // Admin mode shows the admin-only field, the hidden output and the API key field.
    await expect(page.getByLabel('Owner note').inputValue()).resolves.toBe('owner-only-note');
    const preview = page.locator('.loom-page');
    await expect(preview.getByText('Instructions for the owner only').isVisible()).resolves.toBe(true);
    await expect(page.locator('.loom-columns > .loom-column').count()).resolves.toBe(2);
    await expect(page.getByRole('radio', { name: 'warm' }).getAttribute('aria-checked')).resolves.toBe('true');
    await expect(preview.getByText('Stories are written by a').isVisible()).resolves.toBe(true);
    await page.getByRole('tab', { name: 'Tips' }).click();
    await preview.getByText('Pick an eerie tone').waitFor();
    await expect(preview.getByText('Stories are written by a').count()).resolves.toBe(0);
    await expect(outputBlock(page, 'story.text').getByText('Your result will appear here after running.').isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Write it' }).isEnabled()).resolves.toBe(true);
    await page.getByRole('link', { name: 'Visitor preview' }).click();
    await preview.getByText('Owner note').waitFor({ state: 'detached' });
    await expect(preview.getByText('Instructions for the owner only').count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Admin', exact: true }).click();
    await page.getByLabel('Owner note').waitFor();
    await shoot(page, 'runner');
  });

  it('runs with the values set on the page; each output fills in as its node commits, while the run still waits for a form', async () => {
    await page.getByRole('radio', { name: 'eerie' }).click();
    await page.getByLabel('Topic').fill('lighthouses');
    await page.getByLabel('Topic').blur();
    await page.getByRole('button', { name: 'Write it' }).click();
    const draft = outputBlock(page, 'story.text');
    await draft.getByText('A eerie story about lighthouses').waitFor();
    // The run waits on the approval form: the approved block links to it, the CTA says the run is going.
    const approved = outputBlock(page, 'approved.value');
    await approved.getByRole('link', { name: 'Publish it?' }).waitFor();
    await expect(page.getByRole('button', { name: 'Running…' }).isDisabled()).resolves.toBe(true);
    await expect(approved.getByRole('link', { name: 'Publish it?' }).getAttribute('href')).resolves.toMatch(/^\/tasks\//);
    await page.screenshot({ path: path.join(screenshots, 'runner-waiting.png'), fullPage: true });
    const executionId = new URL(page.url()).searchParams.get('executionId')!;
    await answerOpenForm(url(), executionId);
    await approved.getByText('A eerie story about lighthouses').waitFor();
    await page.getByRole('button', { name: 'Write it' }).waitFor();
    const { code } = (await graphqlData(url(), `query ($id: ID!) { project(id: $id) { code } }`, { id: projectId })).project;
    expect(code).toBe(storyWeft); // the values were for that run only
    // Saving them as the defaults is a step of its own, and rewrites the code.
    await page.getByRole('button', { name: 'Save as defaults' }).click();
    await page.getByText('Saved as the defaults in the code.').waitFor();
    const saved = (await graphqlData(url(), `query ($id: ID!) { project(id: $id) { code } }`, { id: projectId })).project.code as string;
    expect(saved).toContain('value: "lighthouses"');
    expect(saved).toContain('value: "eerie"');
  });

  it('edits the Loom beside the page: the preview follows and unknown bindings are listed by line', async () => {
    const editor = page.getByRole('textbox', { name: 'Loom code' });
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\noutput nowhere value\ntext "Added in the editor"');
    await page.locator('.loom-page').getByText('Added in the editor').waitFor();
    await page.getByRole('button', { name: /output nowhere value: no node "nowhere"/ }).waitFor();
    await page.getByRole('button', { name: 'Save page' }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
  });

  it("shows a failed node's error in its output block", async () => {
    const failing = await createProject(url(), 'Divider', failingWeft);
    await saveLoom(url(), failing, failingLoom);
    await page.goto(`${platform.current.url}/projects/${failing}?view=runner`);
    await page.getByRole('button', { name: 'Divide' }).click();
    const block = outputBlock(page, 'broken.value');
    await block.getByRole('alert').waitFor();
    await expect(block.getByRole('alert').textContent()).resolves.toMatch(/Failed[\s\S]*ZeroDivisionError/);
    await page.screenshot({ path: path.join(screenshots, 'runner-failed.png'), fullPage: true });
  });

  it('opens the published page as an anonymous visitor: hidden fields absent from the DOM and every response; a run fills its outputs live', async () => {
    const published = await graphqlData(url(), `mutation ($id: ID!) { publishPage(projectId: $id, slug: "story-maker") { __typename ... on PublishedPage { path } } }`, { id: projectId });
    expect(published.publishPage.path).toBe('/p/story-maker');
    const visitor = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Every /graphql body as the page itself reads it: Chromium does not always keep a finished SSE stream's body for Playwright.
    await visitor.addInitScript(() => {
      const original = window.fetch.bind(window);
      const bodies: string[] = [];
      (window as unknown as { graphqlBodies: string[] }).graphqlBodies = bodies;
      window.fetch = async (...args: Parameters<typeof fetch>) => {
        const response = await original(...args);
        const target = args[0] instanceof Request ? args[0].url : String(args[0]);
        if (!target.includes('/graphql') || !response.body) return response;
        const [forPage, forTest] = response.body.tee();
        const index = bodies.push('') - 1;
        void (async () => {
          const reader = forTest.getReader();
          const decoder = new TextDecoder();
          for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) bodies[index] += decoder.decode(chunk.value, { stream: true });
        })();
        return new Response(forPage, { status: response.status, statusText: response.statusText, headers: response.headers });
      };
    });
    const visitorPage = await visitor.newPage();
    // Bodies as they end, as Playwright sees them (an SSE stream's body is complete only when its run has ended).
    const responses: Promise<string>[] = [];
    const sockets: string[] = [];
    visitorPage.on('websocket', (socket) => sockets.push(socket.url()));
    visitorPage.on('response', (response) => {
      if (response.url().includes('/graphql')) responses.push(response.text().catch((error: Error) => `unreadable: ${error.message}`));
    });
    try {
      await visitorPage.goto(`${platform.current.url}/p/story-maker`);
      await visitorPage.getByRole('heading', { name: 'Story maker' }).waitFor();
      await visitorPage.getByLabel('Topic').waitFor();
      const html = await visitorPage.content();
      for (const hidden of ['Owner note', 'owner-only-note', 'Instructions for the owner only', 'Internal', 'sk-very-secret', 'apiKey']) {
        expect(html).not.toContain(hidden);
      }
      await visitorPage.getByRole('radio', { name: 'dry' }).click();
      await visitorPage.getByRole('button', { name: 'Write it' }).click();
      await outputBlock(visitorPage, 'story.text').getByText('A dry story about lighthouses').waitFor();
      await expect(visitorPage.getByRole('button', { name: 'Running…' }).isDisabled()).resolves.toBe(true);
      await shoot(visitorPage, 'published');
      const { executions } = await graphqlData(url(), `{ executions(filter: { trigger: [Page] }, first: 1) { edges { node { id } } } }`);
      await answerOpenForm(url(), executions.edges[0].node.id);
      await outputBlock(visitorPage, 'approved.value').getByText('A dry story about lighthouses').waitFor();
      await waitForStatus(url(), executions.edges[0].node.id, ['completed']);
      const readByPage = await visitorPage.evaluate(() => (window as unknown as { graphqlBodies: string[] }).graphqlBodies);
      const seen = [...(await Promise.all(responses)), ...readByPage].join('\n');
      expect(readByPage.some((body) => body.includes('publishedPageRun'))).toBe(true); // the run's SSE stream is among them
      expect(seen).toContain('A dry story about lighthouses');
      for (const hidden of ['Owner note', 'owner-only-note', 'Instructions for the owner only', 'sk-very-secret', 'apiKey', 'internal: ']) {
        expect(seen).not.toContain(hidden);
      }
      expect(sockets).toEqual([]); // a visitor opens no WebSocket and sends no token
      // A forged hidden field, sent from the visitor's own page, is refused and starts nothing.
      const forged = await visitorPage.evaluate(async () => {
        const response = await fetch('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'mutation { runPublishedPage(slug: "story-maker", values: { note: { value: "forged" } }) { __typename ... on Problem { message } } }' }),
        });
        return ((await response.json()) as { data: { runPublishedPage: unknown } }).data.runPublishedPage;
      });
      expect(forged).toEqual({ __typename: 'InvalidInput', message: 'note value is not a field of this page that visitors may set' });
      await visitorPage.goto(`${platform.current.url}/p/no-such-page`);
      await visitorPage.getByRole('heading', { name: 'Page not found' }).waitFor();
    } finally {
      await visitor.close();
    }
  });

  it('shows a live card of the infrastructure, pushed as it starts and as a run writes to it; a picture field uploads its file and the run shows it', async () => {
    const desk = await createProject(url(), 'Photo desk', deskWeft);
    deskId = desk;
    await saveLoom(url(), desk, deskLoom);
    await page.goto(`${platform.current.url}/projects/${desk}?view=runner`);
    const card = page.locator('[data-live="db"]');
    await card.getByText('Start infrastructure to see live data').waitFor();
    await expect(card.getByText('not started').isVisible()).resolves.toBe(true);
    await graphqlData(url(), `mutation ($id: ID!) { startInfrastructure(projectId: $id) { __typename } }`, { id: desk });
    // Pushed: the page is not reloaded and does not ask again.
    await card.getByText('Keys stored').waitFor();
    await expect(card.locator('.loom-live-item', { hasText: 'Keys stored' }).locator('dd').textContent()).resolves.toBe('0');

    await page.getByLabel('Picture').setInputFiles({ name: 'blue.png', mimeType: 'image/png', buffer: bluePng });
    await page.locator('.loom-file-name', { hasText: 'blue.png' }).waitFor();
    await page.getByRole('button', { name: 'Frame it' }).click();
    const framed = outputBlock(page, 'photo.value').locator('img.loom-media');
    await framed.waitFor();
    await expect(framed.evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth))).resolves.toBe(16);
    await card.locator('.loom-live-item', { hasText: 'Keys stored' }).locator('dd').getByText('1', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Frame it' }).waitFor(); // the run has ended
    await shoot(page, 'runner-live');
  });

  it('lets an anonymous visitor upload to a visible picture field and run with it; the live card is the owner\'s only', async () => {
    const desk = deskId;
    await graphqlData(url(), `mutation ($id: ID!) { publishPage(projectId: $id, slug: "photo-desk") { __typename } }`, { id: desk });
    const visitor = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const visitorPage = await visitor.newPage();
    try {
      await visitorPage.goto(`${platform.current.url}/p/photo-desk`);
      await visitorPage.getByRole('heading', { name: 'Photo desk' }).waitFor();
      await expect(visitorPage.locator('[data-live]').count()).resolves.toBe(0);
      await visitorPage.getByLabel('Picture').setInputFiles({ name: 'visitor.png', mimeType: 'image/png', buffer: bluePng });
      await visitorPage.locator('.loom-file-name', { hasText: 'visitor.png' }).waitFor();
      await visitorPage.getByRole('button', { name: 'Frame it' }).click();
      const framed = outputBlock(visitorPage, 'photo.value').locator('img.loom-media');
      await framed.waitFor();
      await expect(framed.evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth))).resolves.toBe(16);
      await visitorPage.getByRole('button', { name: 'Frame it' }).waitFor(); // the run has ended
      await shoot(visitorPage, 'published-upload');
    } finally {
      await visitor.close();
    }
  });

  it("tells a visitor when the page has used up its runs this minute", async () => {
    const limited = await createProject(url(), 'Divider limited', failingWeft);
    await saveLoom(url(), limited, failingLoom);
    await graphqlData(url(), `mutation ($id: ID!) { publishPage(projectId: $id, slug: "one-a-minute", runsPerMinute: 1) { __typename } }`, { id: limited });
    const visitor = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const visitorPage = await visitor.newPage();
    try {
      await visitorPage.goto(`${platform.current.url}/p/one-a-minute`);
      await visitorPage.getByRole('button', { name: 'Divide' }).click();
      // The run fails (1 / 0): the visitor is told, and sees the node's error in its block.
      await visitorPage.getByRole('alert').filter({ hasText: 'Run failed' }).waitFor();
      await visitorPage.getByRole('button', { name: 'Divide' }).click();
      await visitorPage.getByRole('alert').filter({ hasText: 'all the runs it allows this minute' }).waitFor();
      await visitorPage.screenshot({ path: path.join(screenshots, 'published-rate-limited-390.png'), fullPage: true });
    } finally {
      await visitor.close();
    }
  });
});
