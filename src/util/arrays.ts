// Appending one array to another without `target.push(...items)`: a spread passes every item as an
// argument, and past ~125k items that overflows the stack (RangeError) on legal, large input.

/** Appends `items` to `target` in place, one by one: any count works. Returns `target`. */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
