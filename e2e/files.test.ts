import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { openDesktopPage, screenshotsFolder } from '../test/support/browser';
import { createProject } from '../test/support/executions';
import { graphqlData } from '../test/support/graphql';
import { usePlatform } from '../test/support/usePlatform';

const screenshots = screenshotsFolder('files');
// A real 8×8 PNG and a one-page PDF.
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEklEQVR4nGP4z8CAFWEXHQoJADn4B/m8GVxvAAAAAElFTkSuQmCC',
  'base64',
);
const pdf = Buffer.from(
  '%PDF-1.1\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

async function upload(baseUrl: string, body: Buffer, filename: string, type: string, projectId?: string) {
  const query = new URLSearchParams({ filename, ...(projectId ? { projectId } : {}) });
  const response = await fetch(`${baseUrl}/files?${query}`, { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(body) });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string };
}

describe('the Files page in Chromium', () => {
  const platform = usePlatform();
  let browser: Browser;
  let page: Page;

  beforeAll(async () => void ({ browser, page } = await openDesktopPage(screenshots)), 60_000);
  afterAll(() => browser?.close());

  it('lists files with size, type, project and created; previews an image and a PDF; deletes one', async () => {
    const base = platform.current.url;
    const projectId = await createProject(platform.current.graphqlUrl, 'gallery', 'x = Text');
    const image = await upload(base, png, 'red square.png', 'image/png', projectId);
    const doc = await upload(base, pdf, 'report.pdf', 'application/pdf');

    await page.goto(`${base}/files`);
    const imageRow = page.locator(`tr[data-file-id="${image.id}"]`);
    await imageRow.waitFor();
    await expect(imageRow.textContent()).resolves.toMatch(new RegExp(`red square\\.png${png.length} Bimage/pnggallery\\s*uploaded`));
    const docRow = page.locator(`tr[data-file-id="${doc.id}"]`);
    await expect(docRow.textContent()).resolves.toMatch(/report\.pdf\d+ Bapplication\/pdf—uploaded/);

    await imageRow.getByRole('button', { name: 'red square.png', exact: true }).click();
    const preview = page.getByRole('region', { name: 'Preview of red square.png' }).locator('img');
    await preview.waitFor();
    await page.waitForFunction((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth === 8, await preview.elementHandle());
    await page.screenshot({ path: path.join(screenshots, 'files-image-preview.png') });

    await docRow.getByRole('button', { name: 'report.pdf', exact: true }).click();
    await page.getByRole('region', { name: 'Preview of report.pdf' }).locator('iframe[title="report.pdf"]').waitFor();
    await page.screenshot({ path: path.join(screenshots, 'files-pdf-preview.png') });

    await docRow.getByRole('button', { name: 'Delete report.pdf' }).click();
    await docRow.waitFor({ state: 'detached' });
    const { files } = await graphqlData(platform.current.graphqlUrl, '{ files { id } }');
    expect(files).toEqual([{ id: image.id }]);
    await page.screenshot({ path: path.join(screenshots, 'files-after-delete.png') });
  }, 90_000);
});
