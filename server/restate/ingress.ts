import { errors, Pool } from 'undici';

const attempts = 3;
const retryDelaysMs = [50, 250];
/** As long as Node's fetch waited (the SDK client's, before): a submit that times out is recorded as failed. */
const answerTimeoutMs = 300_000;
/** Answers worth another attempt: Restate (or a proxy before it) busy or not reachable for a moment. */
const retriedStatuses = new Set([429, 502, 503, 504]);

/**
 * Restate's HTTP ingress for the call on every run's path, submitting a workflow
 * (`POST /<workflow>/<key>/run/send`): plain requests on kept-alive connections, where the SDK
 * client's fetch cost more of the server's CPU than the rest of runProject. A workflow is
 * accepted once per key, so a repeated submit is harmless and answers the same invocation id.
 */
export class WorkflowIngress {
  private readonly pool: Pool;
  private readonly pathPrefix: string;

  constructor(ingressUrl: string) {
    const url = new URL(ingressUrl);
    this.pool = new Pool(url.origin, { headersTimeout: answerTimeoutMs, bodyTimeout: answerTimeoutMs });
    this.pathPrefix = url.pathname.replace(/\/$/, '');
  }

  /** Resolves to the workflow's invocation id. */
  async submit(workflow: string, key: string, input: unknown): Promise<string> {
    const path = `${this.pathPrefix}/${encodeURIComponent(workflow)}/${encodeURIComponent(key)}/run/send`;
    const body = JSON.stringify(input);
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let text: string;
      try {
        const response = await this.pool.request({ method: 'POST', path, body, headers: { 'content-type': 'application/json' } });
        status = response.statusCode;
        text = await response.body.text();
      } catch (error) {
        if (attempt < attempts && !(error instanceof errors.HeadersTimeoutError)) {
          await delay(retryDelaysMs[attempt - 1]!);
          continue;
        }
        throw error;
      }
      if (status >= 200 && status < 300) return (JSON.parse(text) as { invocationId: string }).invocationId;
      if (attempt < attempts && retriedStatuses.has(status)) {
        await delay(retryDelaysMs[attempt - 1]!);
        continue;
      }
      throw new Error(`Restate's ingress answered HTTP ${status}: ${text}`);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
