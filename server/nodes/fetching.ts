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

/** Methods that RFC 9110 defines as idempotent (TRACE aside): sending one twice has the effect of once. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** The connection broke before an answer: worth another try, unlike a refusal, a DNS miss or a timeout. */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

export function isTransientNetworkError(error: unknown): boolean {
  const { cause } = (error ?? {}) as { cause?: { code?: unknown; message?: unknown } };
  if (typeof cause?.code === 'string' && TRANSIENT_CODES.has(cause.code)) return true;
  return typeof cause?.message === 'string' && /other side closed|socket hang up/i.test(cause.message);
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * nodeFetch() that retries an idempotent request (GET, HEAD, PUT, DELETE, OPTIONS) after a
 * transient network error (the connection reset or closed before the answer), with exponential
 * backoff, within the request's time limit; POST and PATCH are sent once. Fails as requestFailure.
 */
export async function fetchWithRetries(
  context: Pick<NodeRunContext, 'settings'>,
  url: URL,
  init: RequestInit & { method: string },
  limit: TimeLimit,
  what: string,
): Promise<{ response: Response; attempts: number }> {
  const { attempts: maxAttempts, delayMs } = context.settings.httpRetries;
  const retryable = IDEMPOTENT_METHODS.has(init.method.toUpperCase());
  for (let attempt = 1; ; attempt += 1) {
    try {
      return { response: await nodeFetch(context, url, { ...init, signal: limit.signal }), attempts: attempt };
    } catch (error) {
      const again = retryable && attempt < maxAttempts && !limit.signal.aborted && isTransientNetworkError(error);
      if (!again) {
        const failure = requestFailure(error, what, limit);
        if (attempt === 1 || limit.signal.aborted) throw failure;
        throw new NodeFailure(`${failure.message} (after ${attempt} attempts)`, failure.details);
      }
      await pause(delayMs * 2 ** (attempt - 1), limit.signal);
    }
  }
}

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
