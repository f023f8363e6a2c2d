// Edit distance and "did you mean" suggestions, shared by the CLI (unknown flags, rule ids), the
// config loader, SUP001 and unresolved-import.

/** Edit distance with adjacent transpositions, giving up (returning `limit`) once it cannot be below it. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  let beforePrevious = previous;
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      // An adjacent transposition (`utlis` / `utils`) counts as one edit.
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (beforePrevious[j - 2] ?? 0) + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= limit) return limit;
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] ?? limit;
}

/**
 * The candidate nearest to `word` (case-insensitive), when it is close enough to be a typo: at
 * most `max` edits (default: a third of the word's length, at least 1, at most 3). Ties go to the
 * earlier candidate, so callers list the likelier ones first.
 */
export function closest(word: string, candidates: Iterable<string>, max = Math.min(3, Math.max(1, Math.floor(word.length / 3)))): string | undefined {
  const wanted = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const candidate of candidates) {
    const distance = editDistance(candidate.toLowerCase(), wanted, bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
