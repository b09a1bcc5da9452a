const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/**
 * "2 minutes ago", "just now". A time after `now` reads "just now": it is a moment that has
 * happened, seen against a clock that ticks every so often or a server clock a little ahead.
 */
export function formatRelative(at: number, now: number): string {
  const seconds = Math.min(0, Math.round((at - now) / 1000));
  if (Math.abs(seconds) < 5) return 'just now';
  if (Math.abs(seconds) < 60) return relative.format(seconds, 'second');
  const minutes = Math.round(seconds / 60);
  if (Math.abs(minutes) < 60) return relative.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 24) return relative.format(hours, 'hour');
  return relative.format(Math.round(hours / 24), 'day');
}

/** "850 ms", "12.3 s", "4 min 05 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return minutes < 60 ? `${minutes} min ${String(seconds).padStart(2, '0')} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "$0.0031" — four decimals, as costs of LLM calls are often fractions of a cent. */
export function formatUsd(amount: string): string {
  return `$${Number(amount).toFixed(4)}`;
}
