import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { openDesktopPage, screenshotsFolder } from '../test/support/browser';
import { usePlatform } from '../test/support/usePlatform';

const screenshots = screenshotsFolder('graphiql');

describe('GraphiQL in Chromium, with no way out to the internet', () => {
  const platform = usePlatform();
  let browser: Browser;
  let page: Page;
  const outside: string[] = [];
  const refusedByPolicy: string[] = [];

  beforeAll(async () => {
    ({ browser, page } = await openDesktopPage(screenshots));
    // A machine without internet: every request to a host other than this one fails.
    await page.context().route('**/*', (route) => {
      const { protocol, hostname } = new URL(route.request().url());
      if ((protocol === 'http:' || protocol === 'https:') && hostname !== '127.0.0.1' && hostname !== 'localhost') {
        outside.push(route.request().url());
        return route.abort('internetdisconnected');
      }
      return route.continue();
    });
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) refusedByPolicy.push(message.text());
    });
  }, 60_000);
  afterAll(() => browser?.close());

  it('renders its editor from the server itself, within the page\'s Content-Security-Policy, and runs a query', async () => {
    await page.goto(platform.current.graphqlUrl);
    const editor = page.locator('.graphiql-query-editor .monaco-editor');
    await editor.first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(screenshots, 'graphiql.png') });

    await editor.first().click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('{ projects(first: 1) { totalCount');
    // The editor's completions (its GraphQL worker at work) may cover the button.
    await page.locator('.graphiql-query-editor .suggest-widget.visible').first().waitFor({ timeout: 10_000 }).catch(() => undefined);
    await page.keyboard.press('Escape');
    await page.locator('.graphiql-execute-button').dispatchEvent('click');
    const response = page.locator('.graphiql-response');
    await expect(response.getByText('"totalCount"').first().waitFor({ timeout: 30_000 })).resolves.toBeUndefined();
    await page.screenshot({ path: path.join(screenshots, 'graphiql-result.png') });
    expect({ outside, refusedByPolicy }).toEqual({ outside: [], refusedByPolicy: [] });
  }, 90_000);
});
