// Unified diffs that `git apply` and `patch -p1` accept: a/ b/ headers, one block per file, the
// files' own bytes (a Latin-1 byte stays that byte), and a symbolic link's target as the path.
import { formatPatch, structuredPatch } from 'diff';
import { encodeText, type SourceFile } from '../source.js';

type Change = { readonly original: SourceFile; readonly text: string };

export interface PatchOptions {
  /**
   * Put before every repo-relative path (POSIX, ending in "/"): the audited root's path from the
   * top of its git work tree, so a patch made for a subfolder applies from the repository root
   * (`git apply` from anywhere in the work tree, `patch -p1` from the top). Default: none.
   */
  readonly pathPrefix?: string;
}

/** The patch as bytes: what --diff prints and --patch writes. */
export function unifiedDiffBytes(changes: readonly Change[], options: PatchOptions = {}): Buffer {
  const prefix = options.pathPrefix ?? '';
  // Diffed as one character per byte (latin1), so every file's bytes pass through unchanged.
  const asBytes = (b: Buffer): string => b.toString('latin1');
  const patch = changes
    .map(({ original, text }) => {
      const before = encodeText(original, original.text);
      const after = encodeText(original, text);
      if (before === null || after === null) return ''; // not fixable (the fix engine warned)
      const path = asBytes(Buffer.from(`${prefix}${original.target ?? original.path}`, 'utf8'));
      const structured = structuredPatch(`a/${path}`, `b/${path}`, asBytes(before), asBytes(after), undefined, undefined, { context: 3 });
      return formatPatch({ ...structured, isGit: true });
    })
    .join('');
  return Buffer.from(patch, 'latin1');
}

/** The patch as text, for display (a byte that is not UTF-8 shows as U+FFFD). */
export function unifiedDiff(changes: readonly Change[], options: PatchOptions = {}): string {
  return unifiedDiffBytes(changes, options).toString('utf8');
}
