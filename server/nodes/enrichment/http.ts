import { z } from 'zod';
import type { JsonValue } from '../../weft/types';
import { defineNode, isConfigObject, NodeFailure, type NodeRunContext, type NodeRunResult } from '../definition';
import { fetchWithRetries, readLimitedBody, timeLimit } from '../fetching';

interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'];

/**
 * As the reference: url and method from config (url falls back to the url input), an unknown method
 * means GET, POST/PUT/PATCH send the body input (default {}) and GET/DELETE/HEAD none. Unlike the
 * reference, the headers input is sent, a string body is sent as it is, and a missing URL fails.
 */
function requestOf({ inputs, config }: NodeRunContext): HttpRequest {
  const text = (value: JsonValue | undefined) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  const asked = (text(config.method) ?? text(inputs.method) ?? 'GET').toUpperCase();
  const method = METHODS.includes(asked) ? asked : 'GET';
  const headers = isConfigObject(inputs.headers)
    ? Object.fromEntries(Object.entries(inputs.headers).map(([name, value]) => [name.toLowerCase(), typeof value === 'string' ? value : JSON.stringify(value)]))
    : {};
  const url = text(config.url) ?? text(inputs.url);
  if (!url) throw new NodeFailure('an Http node needs a url: set url in its config');
  const request: HttpRequest = { url, method, headers };
  if (!['POST', 'PUT', 'PATCH'].includes(method)) return request;
  const body = inputs.body ?? {};
  if (typeof body === 'string') return { ...request, body };
  return { ...request, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

function checkedUrl(url: string): URL {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed;
  } catch {
    // reported below
  }
  throw new NodeFailure(`"${url}" is not an http or https URL`);
}

/**
 * Sends the request. Any HTTP status is a result, 4xx and 5xx included (status is an output,
 * so the graph can branch on it); only an unreachable server, a timeout or an oversized body fail.
 * A GET, HEAD, PUT, DELETE or OPTIONS whose connection breaks before the answer (reset, "other
 * side closed") is sent again with backoff (server setting httpRetries); POST and PATCH never are.
 */
export async function runHttp(context: NodeRunContext): Promise<NodeRunResult> {
  const request = requestOf(context);
  const url = checkedUrl(request.url);
  const { timeoutSeconds } = context.config;
  const timeoutMs = typeof timeoutSeconds === 'number' && timeoutSeconds > 0 ? timeoutSeconds * 1000 : context.settings.http.timeoutMs;
  const limit = timeLimit(context.signal, timeoutMs);
  const what = `${request.method} ${url}`;
  const { response, attempts } = await fetchWithRetries(context, url, { method: request.method, headers: request.headers, body: request.body }, limit, what);
  const text = await readLimitedBody(response, context.settings.http.maxBodyBytes, limit, `${request.method} ${url}`);
  const headers = Object.fromEntries(response.headers.entries());
  const details: Record<string, JsonValue> = { request: `${request.method} ${url}`, status: response.status, statusText: response.statusText, headers };
  if (attempts > 1) details.attempts = attempts;
  // As the reference: the body as text, success for a 2xx status.
  return { outputs: { body: text, status: response.status, success: response.status >= 200 && response.status < 300 }, details };
}

export const httpNode = defineNode('Http', {
  description: 'Sends an HTTP request to its url (config) with its method (config), body and headers; outputs the body text, status and success (2xx).',
  category: 'Network',
  settings: {
    /** Ours: the reference sets no time limit. */
    timeoutSeconds: z.number().positive().optional().describe('Time limit of the request'),
  },
  run: runHttp,
});
