/**
 * What a run's values look like on the canvas and in the inspector, in Chromium (issue 16 point 7,
 * issue 14 point 2): a Debug node shows the value it received, a media value shows as an image
 * (thumbnail on the node, full in the inspector, in a task form's display_image field) through a
 * freshly signed link, and a skipped node says which required input got null and from which node.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Locator, Page } from 'playwright-core';
import { openDesktopPage, screenshotWidthsAndThemes, screenshotsFolder, settledViewport } from '../test/support/browser';
import { createProject, executionDetails, runProject, waitForNode, waitForStatus } from '../test/support/executions';
import { graphqlData } from '../test/support/graphql';
import { usePlatform } from '../test/support/usePlatform';

const screenshots = screenshotsFolder('media');
// A 120×80 picture: a red square on a pale ground.
const picture = Buffer.from(
  `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" viewBox="0 0 120 80">` +
    `<rect width="120" height="80" fill="#f3efe6"/><rect x="35" y="15" width="50" height="50" fill="#d23b3b"/></svg>`,
);
// Links live 31 s, so a link is due for renewal (less than 30 s left) a second after it is made:
// the SPA must ask for a fresh one rather than show the value's own.
const linkSeconds = 31;

function program(imageUrl: string): string {
  return `# Project: media
photo = Image {
  label: "Photo"
  media: {"url": "${imageUrl}", "filename": "red square.svg", "mime_type": "image/svg+xml"}
}
clip = Audio {
  label: "Clip"
  media: {"url": "https://media.example/talk.mp3"}
}
report = Document {
  label: "Report"
  media: {"url": "https://docs.example/q3/report.pdf"}
}
greeting = Text { label: "Greeting", value: "hello from the run" }
facts = Dict -> (value: JsonDict) {
  label: "Facts"
  value: {"order": 7731, "items": ["tea", "cake"]}
}
show_text = Debug { label: "Show text" }
show_text.data = greeting.value
show_facts = Debug { label: "Show facts" }
show_facts.data = facts.value
show_photo = Debug { label: "Show photo" }
show_photo.data = photo.value
off = Boolean { label: "Off", value: false }
gate = Gate { label: "Closed gate" }
gate.pass = off.value
gate.value = greeting.value
after_gate = Debug { label: "After the gate" }
after_gate.data = gate.value
line = Template(v: String) { label: "Line", template: "{{v}}" }
line.v = gate.value
line_show = Debug { label: "Show line" }
line_show.data = line.text
show_clip = Debug { label: "Show clip" }
show_clip.data = clip.value
show_report = Debug { label: "Show report" }
show_report.data = report.value
`;
}

const formProgram = (imageUrl: string) => `# Project: photo check
photo = Image {
  label: "Photo"
  media: {"url": "${imageUrl}", "filename": "red square.svg", "mime_type": "image/svg+xml"}
}
check = HumanQuery {
  label: "Check the photo"
  title: "Is the square red?"
  description: "Look at the photo."
  fields: [
    {"fieldType": "display_image", "key": "photo"},
    {"fieldType": "text_input", "key": "note"}
  ]
}
check.photo = photo.value
`;

async function upload(baseUrl: string): Promise<{ id: string; url: string }> {
  const response = await fetch(`${baseUrl}/files?filename=${encodeURIComponent('red square.svg')}`, {
    method: 'POST', headers: { 'content-type': 'image/svg+xml' }, body: new Uint8Array(picture),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; url: string };
}

function graphNode(page: Page, nodeId: string, status?: string) {
  return page.locator(`.react-flow__node[data-id="${nodeId}"] .weft-node${status ? `[data-status="${status}"]` : ''}`);
}

/** Resolves once the image has loaded; answers its natural width and the URL it loaded from. */
async function loadedImage(image: Locator): Promise<{ width: number; src: string }> {
  await image.waitFor();
  const handle = await image.elementHandle();
  await image.page().waitForFunction((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0, handle, { timeout: 15_000 });
  return image.evaluate((img: HTMLImageElement) => ({ width: img.naturalWidth, src: img.getAttribute('src') ?? '' }));
}

const shoot = (page: Page, name: string) => screenshotWidthsAndThemes(page, screenshots, name, { settleMs: 150 });

describe('run values on the canvas and in the inspector, in Chromium', () => {
  const platform = usePlatform({ env: { FILE_URL_TTL_SECONDS: String(linkSeconds) } });
  let browser: Browser;
  let page: Page;
  let file: { id: string; url: string };
  let projectId = '';
  let executionId = '';

  beforeAll(async () => void ({ browser, page } = await openDesktopPage(screenshots)), 60_000);
  afterAll(() => browser?.close());

  it('shows on each Debug node the value it received (Weft’s debug preview)', async () => {
    const url = platform.current.graphqlUrl;
    file = await upload(platform.current.url);
    projectId = await createProject(url, 'media', program(file.url));
    executionId = await runProject(url, projectId);
    await waitForStatus(url, executionId, ['completed', 'failed']);

    await page.goto(`${platform.current.url}/projects/${projectId}?executionId=${executionId}`);
    const text = graphNode(page, 'show_text', 'completed').getByTestId('debug-preview');
    await text.waitFor({ timeout: 15_000 });
    await expect(text.textContent()).resolves.toBe('hello from the run');
    const facts = graphNode(page, 'show_facts', 'completed').getByTestId('debug-preview');
    // Compact JSON, in the order the database keeps the keys in.
    expect(JSON.parse((await facts.textContent()) ?? '')).toEqual({ order: 7731, items: ['tea', 'cake'] });
    // A Debug fed a media value shows the image itself.
    const received = await loadedImage(graphNode(page, 'show_photo', 'completed').getByTestId('debug-preview').locator('img'));
    expect(received.width).toBe(120);
    // An audio output is a player on its node, a document a link that opens it.
    await expect(graphNode(page, 'clip', 'completed').locator('audio').getAttribute('src')).resolves.toBe('https://media.example/talk.mp3');
    const link = graphNode(page, 'report', 'completed').locator('a.media-doc-link');
    await expect(link.textContent()).resolves.toBe('report.pdf');
    await expect(link.getAttribute('href')).resolves.toBe('https://docs.example/q3/report.pdf');
    await graphNode(page, 'show_clip', 'completed').getByTestId('debug-preview').locator('audio').waitFor();
    await expect(graphNode(page, 'show_report', 'completed').getByTestId('debug-preview').locator('a.media-doc-link').textContent()).resolves.toBe('report.pdf');
    await shoot(page, 'debug-preview');
  }, 90_000);

  it('shows an image output as a thumbnail on its node and as the image in the inspector, from a fresh signed link', async () => {
    const thumbnail = await loadedImage(graphNode(page, 'photo', 'completed').getByTestId('media-preview').locator('img'));
    expect(thumbnail.width).toBe(120);
    // The run's own link was about to expire: the page shows the file from a link it asked for.
    const { output } = (await executionDetails(platform.current.graphqlUrl, executionId)).node('photo')!;
    expect(output.value).toEqual({ url: file.url, mimeType: 'image/svg+xml', filename: 'red square.svg' });
    expect(thumbnail.src).toMatch(new RegExp(`^/files/${file.id}\\?expires=\\d+&signature=`));
    expect(thumbnail.src).not.toBe(file.url);

    await graphNode(page, 'photo').click();
    const inspector = page.locator('.inspector');
    await expect(inspector.locator('h2').textContent()).resolves.toBe('Photo');
    const value = inspector.locator('section[aria-label="Outputs"] .port-value[data-port="value"]');
    const shown = await loadedImage(value.locator('.media-view img'));
    expect(shown.width).toBe(120);
    await expect(value.locator('.media-caption').textContent()).resolves.toBe('red square.svg image/svg+xml');
    // The JSON stays there under the image, to read and copy.
    await expect(value.locator('.json-tree').textContent()).resolves.toContain('"red square.svg"');
    await shoot(page, 'image-output');
  }, 60_000);

  it('says on a skipped node, and in its inspector, which required input got null and from which node', async () => {
    const details = await executionDetails(platform.current.graphqlUrl, executionId);
    expect(details.node('after_gate')?.status).toBe('skipped');

    const afterGate = graphNode(page, 'after_gate', 'skipped');
    await expect(afterGate.locator('.node-skip-preview').textContent()).resolves.toBe('data ← null from gate.value');
    const lineShow = graphNode(page, 'line_show', 'skipped');
    await expect(lineShow.locator('.node-skip-preview').textContent()).resolves.toBe('data ← null from line.text (skipped)');

    // Closing the inspector may move the view back, and a click on a node may move it aside: each
    // click waits for the view to be still, as a person's would.
    const closeInspector = async () => {
      const close = page.getByRole('button', { name: 'Close the inspector' });
      if (await close.isVisible()) await close.click();
      await settledViewport(page);
    };
    // A click the moving view took from under the pointer is clicked again, as a person would.
    const openInspector = async (node: Locator, title: string) => {
      for (let clicks = 1; ; clicks++) {
        await node.click();
        await settledViewport(page);
        const shown = await page.locator('.inspector h2').textContent({ timeout: 2_000 }).catch(() => undefined);
        if (shown === title) return;
        if (clicks === 5) throw new Error(`five clicks on ${title} did not open its inspector (it shows ${shown})`);
      }
    };
    await closeInspector();
    await openInspector(lineShow, 'Show line');
    const why = page.locator('.inspector section[aria-label="Why it was skipped"] .skip-reason');
    await expect(why.textContent()).resolves.toBe('Skipped: the required input data got null from Line (line.text), which was skipped.');
    await closeInspector();
    // The graph is wider than the pane at its readable zoom and the view may have moved to line_show: the
    // Controls' fit button shows the whole graph again, as a user would use it to find a node.
    await page.locator('.react-flow__controls-fitview').click();
    await settledViewport(page);
    await openInspector(graphNode(page, 'line'), 'Line');
    await expect(why.textContent()).resolves.toBe('Skipped: the required input v got null from Closed gate (gate.value).');
    await expect(why.getAttribute('data-from-node')).resolves.toBe('gate');
    await shoot(page, 'skip-reason');
  }, 60_000);

  it('shows the image of a display_image field in a task form', async () => {
    const url = platform.current.graphqlUrl;
    const formProjectId = await createProject(url, 'photo check', formProgram(file.url));
    const formRunId = await runProject(url, formProjectId);
    await waitForNode(url, formRunId, 'check', 'waiting_for_input');

    await page.goto(`${platform.current.url}/tasks`);
    const card = page.locator('.task-card[data-task-id]').filter({ hasText: 'Is the square red?' });
    await card.waitFor({ timeout: 15_000 });
    const photo = card.locator('[data-field-key="photo"]');
    const shown = await loadedImage(photo.locator('img'));
    expect(shown.width).toBe(120);
    await shoot(page, 'task-display-image');

    // The form is served with its stored file's link signed afresh (a form may stay open longer
    // than FILE_URL_TTL_SECONDS): later than the link the program was given, and it downloads.
    const { humanTasks } = await graphqlData(url, '{ humanTasks(first: 20) { edges { node { title form } } } }');
    const task = (humanTasks.edges as { node: { title: string; form: unknown } }[]).find(({ node }) => node.title === 'Is the square red?')!;
    const served = /\/files\/[^"\s]+/.exec(JSON.stringify(task.node.form))?.[0];
    const expiresOf = (link: string) => Number(new URL(link, platform.current.url).searchParams.get('expires'));
    expect(served).toBeDefined();
    expect(expiresOf(served!)).toBeGreaterThan(expiresOf(file.url));
    await expect(fetch(new URL(served!, platform.current.url)).then((response) => response.status)).resolves.toBe(200);
  }, 60_000);
});
