// Knowledge tables as groups of entries that share a source: where the facts come from (a
// project's documentation, its published metadata, its package directory). Consumers see flat
// tuples whose last element is that source, so every entry carries one.

/** Entries that share where they come from (the projects' docs or metadata named in `source`). */
export interface Sourced<T extends readonly unknown[]> {
  readonly source: string;
  readonly entries: readonly T[];
}

/** Every entry with its group's source as a last element: `[...entry, source]`. */
export function sourced<T extends readonly unknown[]>(groups: readonly Sourced<T>[]): ReadonlyArray<readonly [...T, source: string]> {
  return groups.flatMap((group) => group.entries.map((entry) => [...entry, group.source] as const));
}
