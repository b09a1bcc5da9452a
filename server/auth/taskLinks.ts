import { createHmac, timingSafeEqual } from 'node:crypto';

export const taskLinkPrefix = 'wtask_';

/**
 * Per-task link tokens: `wtask_<task id>_<HMAC of the task id>`. Anyone holding one may
 * read, answer or skip that task and nothing else; nothing is stored, so a link works on
 * every process that shares the server secret.
 */
export class TaskLinks {
  constructor(private readonly secret: string) {}

  tokenFor(taskId: string): string {
    return `${taskLinkPrefix}${taskId}_${this.signature(taskId)}`;
  }

  /** The task a link token is for, or undefined when it is not a valid link token. */
  taskOf(token: string): string | undefined {
    if (!token.startsWith(taskLinkPrefix)) return undefined;
    const rest = token.slice(taskLinkPrefix.length);
    const separator = rest.indexOf('_'); // task ids never contain "_"; signatures may
    if (separator <= 0) return undefined;
    const taskId = rest.slice(0, separator);
    const given = Buffer.from(rest.slice(separator + 1));
    const expected = Buffer.from(this.signature(taskId));
    return given.length === expected.length && timingSafeEqual(given, expected) ? taskId : undefined;
  }

  private signature(taskId: string): string {
    return createHmac('sha256', this.secret).update(`human-task:${taskId}`).digest('base64url');
  }
}
