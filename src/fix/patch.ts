// Unified diffs that `git apply` and `patch -p1` accept: a/ b/ headers, one block per file, the
// files' own bytes (a Latin-1 byte stays that byte), and a symbolic link's target as the path.
import { formatPatch, structuredPatch } from 'diff';
import { encodeText, type SourceFile } from '../source.js';

type Change = { readonly original: SourceFile; readonly text: string };

/** The patch as bytes: what --diff prints and --patch writes. */
export function unifiedDiffBytes(changes: readonly Change[]): Buffer {
  // Diffed as one character per byte (latin1), so every file's bytes pass through unchanged.
  const asBytes = (b: Buffer): string => b.toString('latin1');
  const patch = changes
    .map(({ original, text }) => {
      const before = encodeText(original, original.text);
      const after = encodeText(original, text);
      if (before === null || after === null) return ''; // not fixable (the fix engine warned)
      const path = asBytes(Buffer.from(original.target ?? original.path, 'utf8'));
      const structured = structuredPatch(`a/${path}`, `b/${path}`, asBytes(before), asBytes(after), undefined, undefined, { context: 3 });
      return formatPatch({ ...structured, isGit: true });
    })
    .join('');
  return Buffer.from(patch, 'latin1');
}

/** The patch as text, for display (a byte that is not UTF-8 shows as U+FFFD). */
export function unifiedDiff(changes: readonly Change[]): string {
  return unifiedDiffBytes(changes).toString('utf8');
}
