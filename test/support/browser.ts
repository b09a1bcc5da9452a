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

export const phoneViewport = { width: 390, height: 844 };

/**
 * Saves the view at 1280×800 and 390 px wide, light and dark, as `<name>-<width>-<scheme>.png` in
 * `folder`, then puts the page back to light at desktop size. `settleMs`: a pause after each resize,
 * for views (the canvas) that re-fit themselves after it. `fullPage`: true, or 'phone' for the
 * phone width only (a phone page scrolls; the desktop one is shown as the window shows it).
 */
export async function screenshotWidthsAndThemes(
  page: Page, folder: string, name: string, options: { fullPage?: boolean | 'phone'; settleMs?: number } = {},
): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const viewport of [desktopViewport, phoneViewport]) {
      await page.setViewportSize(viewport);
      if (options.settleMs) await page.waitForTimeout(options.settleMs);
      const fullPage = options.fullPage === 'phone' ? viewport === phoneViewport : options.fullPage;
      await page.screenshot({ path: path.join(folder, `${name}-${viewport.width}-${scheme}.png`), fullPage });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(desktopViewport);
}

/**
 * Saves the view at its present size, light and dark, as `<name>-<width>-<scheme>.png` in `folder`,
 * for a view that exists at one width only (the phone editor's Graph/Code switch); back to light after.
 */
export async function screenshotThemes(page: Page, folder: string, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const width = page.viewportSize()?.width ?? desktopViewport.width;
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(folder, `${name}-${width}-${scheme}.png`), fullPage: options.fullPage });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * Waits until the graph's view has stopped moving (a fit, a move aside for the inspector and its way
 * back are short animations): the same transform three polls in a row, after the first fit.
 */
export async function settledViewport(page: Page, timeoutMs = 10_000): Promise<void> {
  const transform = () => page.locator('.react-flow__viewport').first().evaluate((viewport) => getComputedStyle(viewport).transform);
  const deadline = Date.now() + timeoutMs;
  let last = await transform();
  for (let stable = 0; stable < 3;) {
    if (Date.now() > deadline) throw new Error(`the graph's view kept moving (or never got its first fit) for ${timeoutMs} ms`);
    await page.waitForTimeout(100);
    const now = await transform();
    // Before the first fit the viewport is React Flow's initial one, at the origin.
    stable = now === last && now !== 'matrix(1, 0, 0, 1, 0, 0)' ? stable + 1 : 0;
    last = now;
  }
}
