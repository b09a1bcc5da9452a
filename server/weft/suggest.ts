/** "Did you mean" suggestions by edit distance (insertions, deletions, substitutions, swaps). */

export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    const row = d[i]!;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The closest candidate, if it is close enough to be a likely typo. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = name.length < 3 ? 1 : Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    // A difference only in case is the likeliest typo of all.
    const score =
      candidate.toLowerCase() === name.toLowerCase() ? 0.5 : editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (score <= limit && score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** ` (did you mean "x"?)` or an empty string. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const suggestion = closest(name, candidates);
  return suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
}

/**
 * ` (did you mean 'x'?)` as the reference words it, or an empty string: the candidate with the lowest
 * score (edit distance, less a bonus for a shared prefix of 3+ characters or a substring), offered when
 * that score is negative or the distance is at most max(3, half the longer name).
 */
export function suggestion(name: string, candidates: Iterable<string>): string {
  const lower = name.toLowerCase();
  let best: { candidate: string; score: number; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const other = candidate.toLowerCase();
    let prefix = 0;
    while (prefix < lower.length && prefix < other.length && lower[prefix] === other[prefix]) prefix++;
    const distance = levenshtein(lower, other);
    const prefixBonus = prefix >= 3 ? prefix * 2 : 0;
    const substringBonus = other.includes(lower) || lower.includes(other) ? Math.min(lower.length, other.length) * 2 : 0;
    const score = distance - prefixBonus - substringBonus;
    if (!best || score < best.score) best = { candidate, score, distance };
  }
  if (!best) return '';
  const threshold = Math.max(3, Math.floor(Math.max(name.length, best.candidate.length) / 2));
  return best.score < 0 || best.distance <= threshold ? ` (did you mean '${best.candidate}'?)` : '';
}

function levenshtein(a: string, b: string): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = a[i - 1] === b[j - 1] ? previous[j - 1]! : 1 + Math.min(previous[j - 1]!, row[j - 1]!, previous[j]!);
    }
    previous = row;
  }
  return previous[b.length]!;
}
