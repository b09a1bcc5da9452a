import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * How a GraphQL request's body is read: at most `maxBytes` of it, even when it comes without a
 * content-length (chunked), which the check on the header in server.ts cannot see; a content type
 * no parser accepts is a coded 415; and a body a parser chokes on (bad JSON in a GET's
 * `variables`…) is a coded 400 instead of an unexpected 500.
 */
export function useRequestBody(maxBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (!requestParser) {
        setRequestParser(() => {
          throw new GraphQLError(
            `Unsupported content type ${JSON.stringify(request.headers.get('content-type') ?? '')}: send application/json (or GET with a query string)`,
            { extensions: { code: 'UNSUPPORTED_MEDIA_TYPE', http: { status: 415 } } },
          );
        });
        return;
      }
      // A multipart upload's parser has its own limits (server/files/graphqlUpload.ts).
      if ((request.headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) return;
      const parse = requestParser;
      const streamed = request.body !== null && request.headers.get('content-length') === null;
      setRequestParser(async (original) => {
        const parsed = streamed
          ? new fetchAPI.Request(original.url, { method: original.method, headers: original.headers, body: (await readAtMost(original, maxBytes)) as BodyInit })
          : original;
        try {
          return await parse(parsed);
        } catch (error) {
          if (error instanceof GraphQLError) throw error;
          throw new GraphQLError(`Malformed request: ${(error as Error).message}`, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        }
      });
    },
  };
}

async function readAtMost(request: Request, maxBytes: number): Promise<Uint8Array> {
  const reader = request.body!.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    // Past the limit the rest is read and dropped, so that the client, still sending, gets the 413
    // rather than a reset connection; Node's requestTimeout bounds how long that may take.
    if (total <= maxBytes) chunks.push(value);
  }
  if (total > maxBytes) {
    throw new GraphQLError(`Request body larger than ${maxBytes} bytes`, { extensions: { code: 'REQUEST_TOO_LARGE', http: { status: 413 } } });
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
