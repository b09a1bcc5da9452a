import type { LogLevel } from './config';

/** One-line JSON logs: `{"level":"info","msg":"…",…fields}`. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function createLogger(level: LogLevel, base: Record<string, unknown> = {}): Logger {
  const write = (at: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (rank[at] < rank[level]) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...base, ...fields }, errorsAsText);
    (at === 'error' || at === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => createLogger(level, { ...base, ...fields }),
  };
}

function errorsAsText(_key: string, value: unknown): unknown {
  return value instanceof Error ? value.message : value;
}

/**
 * Last-resort handlers: a promise rejection nobody handled is logged as one JSON line and the
 * process goes on (one bad request must not stop every execution); an exception nobody caught
 * leaves the process in an unknown state, so it is logged the same way and `onFatal` stops it.
 */
export function logUnhandledFailures(log: Logger, onFatal: (error: unknown) => void): void {
  process.on('unhandledRejection', (reason) => {
    log.error('unhandled promise rejection', { error: describe(reason) });
  });
  process.on('uncaughtException', (error) => {
    log.error('uncaught exception', { error: describe(error) });
    onFatal(error);
  });
}

function describe(failure: unknown): unknown {
  return failure instanceof Error ? { message: failure.message, stack: failure.stack } : failure;
}
