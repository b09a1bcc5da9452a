import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { openDesktopPage, screenshotsFolder } from '../test/support/browser';
import { graphqlData } from '../test/support/graphql';
import { usePlatform } from '../test/support/usePlatform';

const screenshots = screenshotsFolder('editor');

const brokenCode = `greeting = Text { label: "Greeting", value: "hi" }
shout = Template(g: String) { label: "Shout", template: "{{g}}!" }
shout.g = greting.value
show = Debug { label: "Show" }
show.data = shout.text
`;
const fixedCode = brokenCode.replace('greting.value', 'greeting.value');

const failingProgram = `# Project: failure
# Description: One branch fails and everything after it skips; the other branch completes.
broken = ExecPython -> (value: Number) {
  label: "Divide by zero"
  code: \`\`\`
return {"value": 1 / 0}
  \`\`\`
}
after_broken = Template(v: Number) { label: "Never runs", template: "got {{v}}" }
after_broken.v = broken.value

greeting = Text { label: "Greeting", value: "still here" }
ok_show = Debug { label: "Completed" }
ok_show.data = greeting.value
`;

const lanesProgram = `names = List -> (value: List[String]) {
  label: "Names"
  value: ["Ada", "Grace", "Linus"]
}
greet = Group(who: String) -> (line: String) {
  hello = Template(who: String) { label: "Hello", template: "Hello {{who}}" }
  hello.who = self.who
  self.line = hello.text
}
greet.who = names.value
all = Pack(lines: List[String]) { label: "All lines" }
all.lines = greet.line
show = Debug { label: "Show" }
show.data = all.out
`;

async function savedLayout(graphqlUrl: string, projectId: string): Promise<string> {
  const { project } = await graphqlData(graphqlUrl, `query ($id: ID!) { project(id: $id) { layout } }`, { id: projectId });
  return project.layout as string;
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function graphNode(page: Page, nodeId: string, status?: string) {
  return page.locator(`.react-flow__node[data-id="${nodeId}"] .weft-node${status ? `[data-status="${status}"]` : ''}`);
}

/** GraphQL POSTs the page sends from now on (queries and mutations; subscriptions go over the WebSocket). */
function recordGraphqlPosts(page: Page): string[] {
  const posts: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/graphql') && request.method() === 'POST') posts.push(request.postData() ?? '');
  });
  return posts;
}

describe('the project editor in Chromium', () => {
  const platform = usePlatform();
  let browser: Browser;
  let page: Page;
  let projectUrl = '';

  beforeAll(async () => void ({ browser, page } = await openDesktopPage(screenshots)), 60_000);
  afterAll(() => browser?.close());

  it('creates a blank project from the projects page and opens it in the editor', async () => {
    await page.goto(platform.current.url);
    await page.getByText('No projects yet').waitFor();
    await page.locator('#new-project-name').fill('Greeter');
    await page.getByRole('button', { name: 'Create blank project' }).click();
    await page.waitForURL(/\/projects\/[^/?]+$/);
    projectUrl = page.url();
    await expect(page.locator('.editor-title').textContent()).resolves.toBe('Greeter');
    await page.getByText('No problems.').waitFor();

    await page.goto(platform.current.url);
    await page.locator('.project-list').getByRole('link', { name: 'Greeter' }).waitFor();
    await page.screenshot({ path: path.join(screenshots, 'projects.png') });
  });

  it('lists a diagnostic at its line, moves the cursor there, and redraws the graph once the code is fixed', async () => {
    await page.goto(projectUrl);
    const code = page.getByRole('textbox', { name: 'Weft code' });
    await code.fill(brokenCode);
    await page.getByRole('button', { name: 'Save' }).click();

    // The reference also reports shout's then unwired input (line 2); the unknown node is on line 3.
    const diagnostic = page.locator('.diagnostic-error', { hasText: 'greting' }).first();
    await diagnostic.waitFor();
    await expect(diagnostic.locator('.diagnostic-where').textContent()).resolves.toMatch(/^3:\d+$/);
    await expect(diagnostic.textContent()).resolves.toContain('greting');
    const markedLines = await page.locator('.cm-content').evaluate((content) => {
      const lines = Array.from(content.querySelectorAll(':scope > .cm-line'));
      return Array.from(content.querySelectorAll('.cm-lintRange-error')).map((range) => lines.indexOf(range.closest('.cm-line')!) + 1);
    });
    expect(markedLines).toContain(3);
    await page.screenshot({ path: path.join(screenshots, 'editor-diagnostic.png') });

    await diagnostic.locator('button').click();
    const cursorLine = await page.locator('.cm-lineNumbers .cm-activeLineGutter').textContent();
    expect(cursorLine).toBe('3');

    await code.fill(fixedCode);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('No problems.').waitFor();
    await graphNode(page, 'show').waitFor();
    const drawn = await page.locator('.react-flow__node').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-id')).sort());
    expect(drawn).toEqual(['greeting', 'shout', 'show']);
    await expect(page.locator('.react-flow__edge').count()).resolves.toBe(2);
  });

  it('runs the project and colours its nodes live, without reloading or any GraphQL POST once settled', async () => {
    await page.goto(projectUrl);
    await graphNode(page, 'show').waitFor();
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const statusesSeen = await page.evaluate(() => {
      // Every status a node shows, in order, as the run's events arrive.
      const seen: string[] = [];
      new MutationObserver((records) => {
        for (const record of records) {
          const element = record.target as HTMLElement;
          if (element.dataset.nodeId === 'shout') seen.push(element.dataset.status ?? '');
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
      (window as unknown as { shoutStatuses: string[] }).shoutStatuses = seen;
      return seen;
    });
    expect(statusesSeen).toEqual([]);

    await page.getByRole('button', { name: 'Run' }).click();
    await page.waitForURL(/executionId=/);
    for (const nodeId of ['greeting', 'shout', 'show']) {
      await graphNode(page, nodeId, 'completed').waitFor({ timeout: 30_000 });
    }
    await page.locator('.run-header[data-status="completed"]').waitFor({ timeout: 30_000 });
    await expect(page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).resolves.toBe(true);
    const seen = await page.evaluate(() => (window as unknown as { shoutStatuses: string[] }).shoutStatuses);
    expect(seen.at(-1)).toBe('completed');
    await expect(page.locator('.react-flow__edge.edge-carried').count()).resolves.toBe(2);
    await expect(graphNode(page, 'shout').locator('.node-output-preview').textContent()).resolves.toBe('hi!');

    // Settled: from here on everything arrives over the subscription.
    const posts = recordGraphqlPosts(page);
    const executionId = new URL(page.url()).searchParams.get('executionId')!;
    const { runProject } = await graphqlData(platform.current.graphqlUrl, `
      mutation ($id: ID!) { runProject(projectId: $id) { ... on Execution { id } } }`, { id: projectUrl.split('/').at(-1) });
    expect(runProject.id).not.toBe(executionId);
    await page.waitForTimeout(1_500);
    expect(posts).toEqual([]);
    await page.screenshot({ path: path.join(screenshots, 'editor-run-completed.png') });
  }, 90_000);

  it('opens the inspector on a node and reads its inputs and output', async () => {
    await graphNode(page, 'shout').click();
    const inspector = page.locator('.inspector');
    await inspector.waitFor();
    await expect(inspector.locator('h2').textContent()).resolves.toBe('Shout');
    const output = inspector.locator('section[aria-label="Outputs"] .port-value[data-port="text"]');
    await expect(output.locator('.json-string').textContent()).resolves.toBe('"hi!"');
    const input = inspector.locator('section[aria-label="Inputs"] .port-value[data-port="g"]');
    await expect(input.locator('.json-string').textContent()).resolves.toBe('"hi"');
    await expect(inspector.locator('.run-facts').textContent()).resolves.toContain('Duration');
    await page.screenshot({ path: path.join(screenshots, 'editor-inspector.png') });
  });

  it('imports a .weft file whose run fails, and shows the failed node with its traceback', async () => {
    await page.goto(platform.current.url);
    await page.locator('.file-button input[type=file]').setInputFiles({
      name: 'failure.weft',
      mimeType: 'text/plain',
      buffer: Buffer.from(failingProgram),
    });
    await page.waitForURL(/\/projects\/[^/?]+$/);
    await expect(page.locator('.editor-title').textContent()).resolves.toBe('failure');
    await graphNode(page, 'broken').waitFor();
    await page.getByRole('button', { name: 'Run' }).click();

    await graphNode(page, 'broken', 'failed').waitFor({ timeout: 45_000 });
    await graphNode(page, 'ok_show', 'completed').waitFor({ timeout: 45_000 });
    await graphNode(page, 'after_broken', 'skipped').waitFor({ timeout: 45_000 });
    await page.locator('.run-header[data-status="failed"]').waitFor({ timeout: 45_000 });
    await expect(graphNode(page, 'broken').locator('.node-error-preview').textContent()).resolves.toContain('ZeroDivisionError');

    await graphNode(page, 'broken').click();
    const traceback = page.locator('.inspector .traceback');
    await traceback.waitFor();
    const text = (await traceback.textContent()) ?? '';
    expect(text).toContain('ZeroDivisionError');
    expect(text.split('\n').length).toBeGreaterThan(1);
    await page.screenshot({ path: path.join(screenshots, 'editor-failed-run.png') });
  }, 90_000);

  it('links each execution to its project and to its run on the graph', async () => {
    await page.goto(`${platform.current.url}/executions`);
    const row = page.locator('tr[data-status="failed"]').first();
    await row.waitFor();
    await page.screenshot({ path: path.join(screenshots, 'executions.png') });
    await row.getByRole('link', { name: 'On the graph' }).click();
    await page.waitForURL(/\/projects\/[^/?]+\?executionId=/);
    await graphNode(page, 'broken', 'failed').waitFor({ timeout: 15_000 });
    await page.goto(`${platform.current.url}/executions`);
    await page.locator('tr').getByRole('link', { name: 'Greeter' }).first().click();
    await page.waitForURL(projectUrl);
    await graphNode(page, 'shout').waitFor();
  }, 60_000);

  it('opens a group, saves dragged positions into the layout, and shows the lanes of a run', async () => {
    const { createProject } = await graphqlData(platform.current.graphqlUrl, `
      mutation ($code: String!) { createProject(name: "Lanes", code: $code) { ... on Project { id } } }`, { code: lanesProgram });
    const projectId = createProject.id as string;
    await page.goto(`${platform.current.url}/projects/${projectId}`);
    await graphNode(page, 'greet').waitFor();
    await expect(page.locator('.react-flow__node[data-id="greet.hello"]').count()).resolves.toBe(0);

    await page.getByRole('button', { name: 'Expand greet' }).click();
    await graphNode(page, 'greet.hello').waitFor();
    await eventually(async () => /^greet @layout -?\d+ -?\d+ expanded$/m.test(await savedLayout(platform.current.graphqlUrl, projectId)), 'the group to be saved open');

    const names = await page.locator('.react-flow__node[data-id="names"] .node-header').boundingBox();
    await page.mouse.move(names!.x + 40, names!.y + 10);
    await page.mouse.down();
    await page.mouse.move(names!.x + 90, names!.y + 110, { steps: 8 });
    await page.mouse.up();
    await eventually(async () => /^names @layout -?\d+ [1-9]\d* *$/m.test(await savedLayout(platform.current.graphqlUrl, projectId)), 'the dragged position to be saved');
    expect(await savedLayout(platform.current.graphqlUrl, projectId)).toMatch(/^greet @layout .* expanded$/m);

    await page.getByRole('button', { name: 'Run' }).click();
    await graphNode(page, 'show', 'completed').waitFor({ timeout: 30_000 });
    await expect(graphNode(page, 'greet.hello', 'completed').locator('.lane-badge').textContent()).resolves.toBe('3 lanes');

    await graphNode(page, 'greet.hello').click();
    const inspector = page.locator('.inspector');
    await expect(inspector.getByRole('combobox', { name: 'Lane' }).locator('option').count()).resolves.toBe(3);
    await inspector.getByRole('button', { name: 'Next lane' }).click();
    await expect(inspector.locator('section[aria-label="Outputs"] .json-string').textContent()).resolves.toBe('"Hello Grace"');
    await page.screenshot({ path: path.join(screenshots, 'editor-lanes.png') });
  }, 90_000);
});
