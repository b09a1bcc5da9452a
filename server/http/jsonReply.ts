import type http from 'node:http';

/** What a refused upload may still send that is read and dropped, before the connection is closed instead. */
const drainedBytesAtMost = 16 * 1024 * 1024;

/** Answers with a JSON body, never cached; a response already started is cut off instead. */
export function replyJson(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) return void response.destroy();
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * Answers `{ error }` without reading the request body; what the client still sends is read and
 * dropped (up to a bound, then the connection is closed), so that it gets to read the answer rather
 * than a reset connection.
 */
export function refuseUnread(
  request: http.IncomingMessage, response: http.ServerResponse, status: number, message: string, headers: Record<string, string> = {},
): void {
  let drained = 0;
  request.unpipe();
  request.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > drainedBytesAtMost) request.destroy();
  });
  request.resume();
  replyJson(response, status, { error: message }, headers);
}
