// Unified diffs that `git apply` and `patch -p1` accept: a/ b/ headers, one block per file.
import { formatPatch, structuredPatch } from 'diff';
import type { SourceFile } from '../source.js';

export function withBom(source: SourceFile, text: string): string {
  return source.bom ? `\ufeff${text}` : text;
}

export function unifiedDiff(changes: readonly { readonly original: SourceFile; readonly text: string }[]): string {
  return changes
    .map(({ original, text }) => {
      const path = original.path;
      const patch = structuredPatch(`a/${path}`, `b/${path}`, withBom(original, original.text), withBom(original, text), undefined, undefined, { context: 3 });
      return formatPatch({ ...patch, isGit: true });
    })
    .join('');
}
