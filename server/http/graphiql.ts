import type http from 'node:http';
import { createRequire } from 'node:module';
import type { GraphiQLOptions } from 'graphql-yoga';

/**
 * GraphiQL from the @graphql-yoga/render-graphiql package, served by this server: Yoga's default page
 * loads its bundle from a CDN (blank without internet, and beyond any CSP worth having). The package's
 * bundle, stylesheet and editor workers are served as files under `graphiqlAssetsPath` (cached for
 * good: the version is in the path), and the page has no inline script, so that the CSP can keep
 * `script-src 'self'`.
 */
const version = (createRequire(import.meta.url)('@graphql-yoga/render-graphiql/package.json') as { version: string }).version;
export const graphiqlAssetsPath = `/graphiql/${version}/`;

/** Monaco asks for a worker by label; each is one file of the package. */
const workerFiles: Record<string, string> = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' };

const startScript = `
const options = JSON.parse(document.getElementById('graphiql-options').textContent);
const workerFiles = ${JSON.stringify(workerFiles)};
self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: (_moduleId, label) => ${JSON.stringify(graphiqlAssetsPath)} + (workerFiles[label] ?? workerFiles.editorWorkerService),
};
YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), options);
`;

export function renderGraphiQL(options: GraphiQLOptions): string {
  const title = escapeHtml(options.title ?? 'GraphiQL');
  // Inside <script type="application/json"> only "</script" could end the element early.
  const optionsJson = JSON.stringify(options).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
    <link rel="icon" href="${graphiqlAssetsPath}favicon.ico" />
    <link rel="stylesheet" href="${graphiqlAssetsPath}graphiql.css" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root"></div>
    <script id="graphiql-options" type="application/json">${optionsJson}</script>
    <script src="${graphiqlAssetsPath}graphiql.js"></script>
    <script src="${graphiqlAssetsPath}start.js"></script>
  </body>
</html>`;
}

interface Asset {
  type: string;
  body: Buffer;
}

let assets: Promise<Map<string, Asset>> | undefined;

/** The package's files, read on the first GraphiQL visit (they are some 9 MB). */
function loadAssets(): Promise<Map<string, Asset>> {
  assets ??= import('@graphql-yoga/render-graphiql/graphiql').then((bundle) => {
    const javascript = 'text/javascript; charset=utf-8';
    const favicon = /^data:([^;]+);base64,(.*)$/s.exec(bundle.favicon);
    return new Map<string, Asset>([
      ['graphiql.js', { type: javascript, body: Buffer.from(bundle.js) }],
      ['graphiql.css', { type: 'text/css; charset=utf-8', body: Buffer.from(bundle.css) }],
      ['editor.worker.js', { type: javascript, body: Buffer.from(bundle.editorWorkerService) }],
      ['json.worker.js', { type: javascript, body: Buffer.from(bundle.jsonWorker) }],
      ['graphql.worker.js', { type: javascript, body: Buffer.from(bundle.graphqlWorker) }],
      ['start.js', { type: javascript, body: Buffer.from(startScript) }],
      ['favicon.ico', { type: favicon?.[1] ?? 'image/x-icon', body: Buffer.from(favicon?.[2] ?? '', 'base64') }],
    ]);
  });
  return assets;
}

export async function serveGraphiQLAsset(pathname: string, response: http.ServerResponse): Promise<void> {
  const asset = pathname.startsWith(graphiqlAssetsPath) ? (await loadAssets()).get(pathname.slice(graphiqlAssetsPath.length)) : undefined;
  if (!asset) {
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('Not found\n');
    return;
  }
  response.writeHead(200, { 'content-type': asset.type, 'content-length': asset.body.length, 'cache-control': 'public, max-age=31536000, immutable' });
  response.end(asset.body);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
