import { z } from 'zod';
import type { JsonValue } from '../../weft/types';
import { isConfigObject, NodeFailure, type NodeDefinition, type NodeRunContext, type NodeRunResult } from '../definition';
import { readLimitedBody, requestFailure, timeLimit } from '../fetching';

interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** A string body is sent as it is; any other value as JSON (with a JSON content type unless one is given). */
function requestOf({ inputs }: NodeRunContext): HttpRequest {
  const method = (typeof inputs.method === 'string' && inputs.method.trim() ? inputs.method.trim() : 'GET').toUpperCase();
  const headers = isConfigObject(inputs.headers)
    ? Object.fromEntries(Object.entries(inputs.headers).map(([name, value]) => [name.toLowerCase(), typeof value === 'string' ? value : JSON.stringify(value)]))
    : {};
  const request: HttpRequest = { url: String(inputs.url ?? ''), method, headers };
  if (inputs.body === null || inputs.body === undefined) return request;
  if (method === 'GET' || method === 'HEAD') throw new NodeFailure(`a ${method} request cannot have a body; use POST, PUT or PATCH, or leave body unwired`);
  if (typeof inputs.body === 'string') return { ...request, body: inputs.body };
  return { ...request, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(inputs.body) };
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

const isJsonType = (contentType: string | null): boolean => /^application\/([\w.+-]+\+)?json\b/i.test(contentType?.trim() ?? '');

/** The body as JSON when the response says it is JSON (and it parses), else as text. */
function bodyValue(text: string, contentType: string | null): { body: JsonValue; notJson?: string } {
  if (!isJsonType(contentType)) return { body: text };
  if (text.trim() === '') return { body: null };
  try {
    return { body: JSON.parse(text) as JsonValue };
  } catch (error) {
    return { body: text, notJson: `the response says ${contentType} but its body does not parse: ${(error as Error).message}` };
  }
}

/**
 * Sends the request. Any HTTP status is a result, 4xx and 5xx included (status is an output,
 * so the graph can branch on it); only an unreachable server, a timeout or an oversized body fail.
 */
export async function runHttp(context: NodeRunContext): Promise<NodeRunResult> {
  const request = requestOf(context);
  const url = checkedUrl(request.url);
  const { timeoutSeconds } = context.config;
  const timeoutMs = typeof timeoutSeconds === 'number' && timeoutSeconds > 0 ? timeoutSeconds * 1000 : context.settings.http.timeoutMs;
  const limit = timeLimit(context.signal, timeoutMs);
  const response = await fetch(url, { method: request.method, headers: request.headers, body: request.body, signal: limit.signal }).catch(
    (error: unknown) => {
      throw requestFailure(error, `${request.method} ${url}`, limit);
    },
  );
  const text = await readLimitedBody(response, context.settings.http.maxBodyBytes, limit, `${request.method} ${url}`);
  const { body, notJson } = bodyValue(text, response.headers.get('content-type'));
  const headers = Object.fromEntries(response.headers.entries());
  const details: Record<string, JsonValue> = { request: `${request.method} ${url}`, status: response.status, statusText: response.statusText };
  if (notJson) details.bodyNotJson = notJson;
  return { outputs: { status: response.status, body, headers }, details };
}

export const httpNode: NodeDefinition = {
  type: 'Http',
  description: 'Sends an HTTP request. url and method may also be set in config.',
  category: 'Network',
  inputs: [
    { name: 'url', type: 'String' },
    { name: 'method', type: 'String' },
    { name: 'headers', type: 'Dict[String, String]', optional: true },
    { name: 'body', type: 'JsonDict', optional: true },
  ],
  outputs: [
    { name: 'status', type: 'Number' },
    { name: 'body', type: 'JsonDict' },
    { name: 'headers', type: 'Dict[String, String]' },
  ],
  declaredInputs: 'none',
  declaredOutputs: 'narrow',
  config: z.object({
    timeoutSeconds: z.number().positive().optional().describe('Time limit of the request'),
  }),
  isTrigger: false,
  runs: true,
  run: runHttp,
};
