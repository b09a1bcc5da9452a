/**
 * A run shown in the editor across a server restart: the page keeps its document, the run
 * finishes while (or just after) the socket is down, and once it is back every node on the
 * graph shows its final state — a finished run never stays looking as if it were running.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { openDesktopPage, screenshotsFolder } from '../test/support/browser';
import { graphqlData } from '../test/support/graphql';
import { createProject, examplesPath, executionDetails, runProject, waitForStatus } from '../test/support/executions';
import { usePlatform } from '../test/support/usePlatform';

const screenshots = screenshotsFolder('editor-reconnect');

/** examples/approval.weft, in case the shared examples are not there. */
const approvalFallback = `customer = Text { label: "Customer", value: "Dana Okafor" }
issue = Text { label: "Issue", value: "Invoice 7731 was charged twice." }
draft = Template(name: String, issue: String) {
  label: "Draft reply"
  template: "Hello {{name}}, we are sorry about: {{issue}}."
}
draft.name = customer.value
draft.issue = issue.value
review = HumanQuery {
  label: "Review reply"
  title: "Approve the reply?"
  fields: [
    {"fieldType": "display", "key": "customer", "required": true},
    {"fieldType": "editable_textarea", "key": "reply", "required": true},
    {"fieldType": "select", "key": "tone", "config": {"options": ["warm", "formal"]}},
    {"fieldType": "approve_reject", "key": "decision", "config": {"approveLabel": "Send", "rejectLabel": "Drop"}}
  ]
}
review.customer = customer.value
review.reply = draft.text
send_gate = Gate { label: "Only if approved" }
send_gate.pass = review.decision_approved
send_gate.value = review.reply
sent = Debug { label: "Sent reply" }
sent.data = send_gate.value
dropped = Debug { label: "Dropped?" }
dropped.data = review.decision_rejected
`;

const unfinished = ['pending', 'running', 'waiting_for_input', 'idle'];

describe('the editor showing a run across a server restart', () => {
  const platform = usePlatform();
  let browser: Browser;
  let page: Page;

  beforeAll(async () => void ({ browser, page } = await openDesktopPage(screenshots)), 60_000);
  afterAll(() => browser?.close());

  /** data-status of every node drawn on the graph, by node id. */
  const drawnStatuses = (): Promise<Record<string, string>> =>
    page.locator('.react-flow__node .weft-node[data-node-id]').evaluateAll((nodes) =>
      Object.fromEntries(nodes.map((node) => [node.getAttribute('data-node-id') ?? '', node.getAttribute('data-status') ?? 'idle'])));

  it('shows every node in its final state once the server is back, without a reload', async () => {
    const code = await readFile(path.join(examplesPath, 'approval.weft'), 'utf8').catch(() => approvalFallback);
    const projectId = await createProject(platform.current.graphqlUrl, 'approval', code);
    const executionId = await runProject(platform.current.graphqlUrl, projectId);
    const waiting = await waitForStatus(platform.current.graphqlUrl, executionId, ['waiting_for_input'], 60_000);
    const taskId = waiting.openTasks[0]!.id;

    await page.goto(`${platform.current.url}/projects/${projectId}?executionId=${executionId}`);
    await page.locator('.run-header[data-status="waiting_for_input"]').waitFor({ timeout: 30_000 });
    await page.locator('.weft-node[data-node-id="review"][data-status="waiting_for_input"]').waitFor();
    await page.locator('.connection[data-state="connected"]').waitFor();
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    await platform.stop();
    await page.locator('.connection[data-state="reconnecting"]').waitFor({ timeout: 15_000 });
    // While the socket is down the page still shows the run as it last knew it.
    await expect(page.locator('.run-header').getAttribute('data-status')).resolves.toBe('waiting_for_input');
    await page.screenshot({ path: path.join(screenshots, 'reconnecting.png') });

    await platform.startAgain();
    // Answered at once: the run may well finish before the page's socket (backing off) is back.
    await graphqlData(platform.current.graphqlUrl, `mutation ($id: ID!, $answer: JSON!) { answerHumanTask(id: $id, answer: $answer) { ... on HumanTask { state } } }`, {
      id: taskId,
      answer: { reply: 'Refund sent.', tone: 'warm', decision: 'approve' },
    });
    const done = await waitForStatus(platform.current.graphqlUrl, executionId, ['completed', 'failed', 'cancelled'], 90_000);
    expect(done.status).toBe('completed');

    await page.locator('.connection[data-state="connected"]').waitFor({ timeout: 30_000 });
    await page.locator('.run-header[data-status="completed"]').waitFor({ timeout: 30_000 });
    await page.locator('.weft-node[data-node-id="sent"][data-status="completed"]').waitFor({ timeout: 15_000 });

    // Every node drawn shows what the server stored as its final state; none looks unfinished.
    const stored = await executionDetails(platform.current.graphqlUrl, executionId);
    const expected = Object.fromEntries(stored.runs.map((run) => [run.nodeId, run.status]));
    const drawn = await drawnStatuses();
    expect(Object.keys(drawn).sort()).toEqual(Object.keys(expected).sort());
    expect(drawn).toEqual(expected);
    expect(Object.values(drawn).filter((status) => unfinished.includes(status))).toEqual([]);
    await expect(page.locator('.react-flow__node .weft-node[data-status="running"]').count()).resolves.toBe(0);
    await expect(page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).resolves.toBe(true);
    await page.screenshot({ path: path.join(screenshots, 'completed-after-restart.png') });
  }, 240_000);
});
