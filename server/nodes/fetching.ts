/** What Http and LlmInference share when they call a server: a time limit, failures in words, a size limit. */
import { NodeFailure, type NodeRunContext } from './definition';

/**
 * fetch() for nodes: every connection passes the server's egress guard (server/net/egress.ts),
 * which refuses the platform's own addresses and applies the egress policy after DNS resolution.
 */
export function nodeFetch(context: Pick<NodeRunContext, 'settings'>, url: string | URL, init: RequestInit): Promise<Response> {
  return context.settings.egress.fetch(url, init as Parameters<typeof context.settings.egress.fetch>[1]);
}

export interface TimeLimit {
  /** Aborted when the execution is cancelled or the time is up. */
  signal: AbortSignal;
  timeoutMs: number;
  cancelled: AbortSignal;
}

export function timeLimit(cancelled: AbortSignal, timeoutMs: number): TimeLimit {
  return { signal: AbortSignal.any([cancelled, AbortSignal.timeout(timeoutMs)]), timeoutMs, cancelled };
}

export const formatBytes = (bytes: number): string =>
  bytes < 1024 * 1024 ? `${bytes} bytes` : `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/** A failed fetch as the user should read it; `what` names the request, e.g. "GET http://…". */
export function requestFailure(error: unknown, what: string, limit: TimeLimit): NodeFailure {
  if (error instanceof NodeFailure) return error;
  if (limit.cancelled.aborted) return new NodeFailure('cancelled');
  if (limit.signal.aborted) return new NodeFailure(`${what} timed out after ${limit.timeoutMs / 1000} s`);
  // undici puts the reason (ECONNREFUSED, a DNS failure…) in cause; no instanceof: errors may come from another realm.
  const { message, cause } = (error ?? {}) as { message?: unknown; cause?: { message?: unknown } };
  const reason = typeof cause?.message === 'string' ? cause.message : String(message ?? error);
  return new NodeFailure(`could not reach ${what}: ${reason}`);
}

/** The response body as text, refusing one over maxBytes without reading the rest. */
export async function readLimitedBody(response: Response, maxBytes: number, limit: TimeLimit, what: string): Promise<string> {
  const tooLarge = () => new NodeFailure(`the response to ${what} is larger than the limit of ${formatBytes(maxBytes)}`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  try {
    for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
      size += read.value.byteLength;
      if (size > maxBytes) throw tooLarge();
      chunks.push(read.value);
    }
  } catch (error) {
    await reader?.cancel().catch(() => undefined);
    throw requestFailure(error, what, limit);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
