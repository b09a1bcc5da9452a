import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const projectRoot = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..', '..');

/** Where browser tests save screenshots for a person to look at: test-output/<name> (not committed). */
export const screenshotsFolder = (name: string): string => path.join(projectRoot, 'test-output', name);

/** Debian's Chromium, headless, with the flags that keep it off the (closed) network. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const desktopViewport = { width: 1280, height: 800 };

/** Chromium with one page at desktop size, and the folder its screenshots go to made. */
export async function openDesktopPage(screenshots: string): Promise<{ browser: Browser; page: Page }> {
  await mkdir(screenshots, { recursive: true });
  const browser = await launchBrowser();
  return { browser, page: await browser.newPage({ viewport: desktopViewport }) };
}
