// Appending one array to another without `target.push(...items)`: a spread passes every item as an
// argument, and past ~125k items that overflows the stack (RangeError) on legal, large input.

/** Appends `items` to `target` in place, one by one: any count works. Returns `target`. */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/**
 * The index of the last item of an ascending list that is <= `value` (0 when none is: the first
 * line of a file starts at 0). Line starts to 0-based line numbers, by binary search.
 */
export function lastIndexAtMost(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((sorted[mid] ?? 0) <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
