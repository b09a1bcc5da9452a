/**
 * What one run's process left: what it printed, the result it wrote on file descriptor 3, how it
 * ended. Plain child_process rather than execa: a pooled process is spawned ahead of its run and
 * collected only once a run takes it, and spawning it costs the server's event loop less.
 */
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { killProcessGroup } from './pool';

export interface FinishedProcess {
  stdout: string;
  stderr: string;
  /** What the runner wrote on file descriptor 3 (its JSON result, without its ready mark), '' when nothing. */
  result: string;
  exitCode?: number;
  signal?: string;
  /** Printed or returned more than its limit: the process group was killed. */
  overLimit: boolean;
  /** The process could not be started (the spawn error's message). */
  startError?: string;
}

export interface OutputLimits {
  stdout: number;
  stderr: number;
  result: number;
}

/**
 * Collects the process's streams from now on and resolves once it has ended and its streams are
 * closed. Once the runner has written a result and closed the channel, the code has returned:
 * its process group is killed at once (threads, children, whatever it left running).
 */
export function finishedProcess(child: ChildProcess, limits: OutputLimits): Promise<FinishedProcess> {
  let overLimit = false;
  const collect = (stream: Readable | null | undefined, limit: number) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    stream?.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) {
        overLimit = true;
        killProcessGroup(child.pid);
        return;
      }
      chunks.push(chunk);
    });
    stream?.resume(); // a pooled process's channel was paused after its ready mark
    return { text: () => Buffer.concat(chunks).toString('utf8'), bytes: () => bytes };
  };
  const stdout = collect(child.stdout, limits.stdout);
  const stderr = collect(child.stderr, limits.stderr);
  const channel = child.stdio[3] as Readable | null | undefined;
  const result = collect(channel, limits.result);
  channel?.once('end', () => {
    if (result.text().trim() !== '') killProcessGroup(child.pid);
  });
  return new Promise((resolve) => {
    const done = (ended: { exitCode?: number; signal?: string; startError?: string }) =>
      resolve({ stdout: stdout.text(), stderr: stderr.text(), result: overLimit ? '' : result.text().trim(), overLimit, ...ended });
    child.on('error', (error: NodeJS.ErrnoException) => {
      // A process that started and then failed to be signalled still ends with 'close'.
      if (child.pid === undefined) done({ startError: `${error.code ?? ''} ${error.message}`.trim() });
    });
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      if (child.pid === undefined) return;
      done({ exitCode: code ?? undefined, signal: signal ?? undefined });
    });
  });
}
