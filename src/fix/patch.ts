// Unified diffs that `git apply` and `patch -p1` accept: a/ b/ headers, one block per file, the
// files' own bytes (a Latin-1 byte stays that byte), and a symbolic link's target as the path.
import { diffLines, formatPatch } from 'diff';
import { appendAll } from '../util/arrays.js';
import { encodeText, type SourceFile } from '../source.js';

/**
 * A hunk as jsdiff's StructuredPatchHunk has it (its fields, so formatPatch takes ours). Declared
 * here because the package's declarations must not name a library the bundle inlines.
 */
export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

type Change = { readonly original: SourceFile; readonly text: string };

const CONTEXT = 3;

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
      const hunks = diffHunks(asBytes(before), asBytes(after));
      return formatPatch({ oldFileName: `a/${path}`, newFileName: `b/${path}`, oldHeader: undefined, newHeader: undefined, hunks, isGit: true });
    })
    .join('');
  return Buffer.from(patch, 'latin1');
}

/** The patch as text, for display (a byte that is not UTF-8 shows as U+FFFD). */
export function unifiedDiff(changes: readonly Change[], options: PatchOptions = {}): string {
  return unifiedDiffBytes(changes, options).toString('utf8');
}

/**
 * The hunks of `before` → `after`, as jsdiff's `structuredPatch` makes them. Myers' diff costs
 * O(lines × edits): 10,000 fixes in one compose file took minutes. So the line script is built from
 * runs of equal lines that patience anchors align (a line found once in each text), and Myers runs
 * only on the gaps between them; the hunks are then cut from that script exactly as jsdiff cuts
 * them (`hunksOf`, checked against jsdiff's own output in test/fix/patch.test.ts).
 */
export function diffHunks(before: string, after: string): Hunk[] {
  const a = splitLines(before);
  const b = splitLines(after);
  const script: Chunk[] = [];
  const push = (chunk: Chunk): void => {
    const last = script[script.length - 1];
    if (last && last.added === chunk.added && last.removed === chunk.removed) appendAll(last.lines, chunk.lines);
    else script.push({ ...chunk, lines: [...chunk.lines] });
  };
  let atA = 0;
  let atB = 0;
  const gap = (toA: number, toB: number): void => {
    if (toA > atA || toB > atB) {
      for (const change of diffLines(a.slice(atA, toA).join(''), b.slice(atB, toB).join(''))) {
        push({ lines: splitLines(change.value), added: change.added, removed: change.removed });
      }
    }
  };
  for (const run of equalRuns(a, b)) {
    gap(run.a, run.b);
    push({ lines: a.slice(run.a, run.a + run.length), added: false, removed: false });
    atA = run.a + run.length;
    atB = run.b + run.length;
  }
  gap(a.length, b.length);
  return hunksOf(script, CONTEXT);
}

interface Chunk { readonly lines: string[]; readonly added: boolean; readonly removed: boolean }

/**
 * Hunks from a line script, line for line what jsdiff's `structuredPatch` does with the script of
 * its `diffLines` (diff 9.x, src/patch/create.ts, BSD-3-Clause): context lines before and after
 * each change, changes closer than 2 × context joined, then the line ends taken off and
 * "\ No newline at end of file" after a line without one. Written here only because jsdiff does
 * not export it; the test compares the two on random texts.
 */
export function hunksOf(chunks: readonly Chunk[], context: number): Hunk[] {
  const script = [...chunks, { lines: [], added: false, removed: false }];
  const hunks: Hunk[] = [];
  let oldRangeStart = 0;
  let newRangeStart = 0;
  let range: string[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (let i = 0; i < script.length; i++) {
    const { lines, added, removed } = script[i]!;
    if (added || removed) {
      if (!oldRangeStart) {
        const previous = script[i - 1];
        oldRangeStart = oldLine;
        newRangeStart = newLine;
        if (previous) {
          range = context > 0 ? previous.lines.slice(-context).map((line) => ` ${line}`) : [];
          oldRangeStart -= range.length;
          newRangeStart -= range.length;
        }
      }
      for (const line of lines) range.push((added ? '+' : '-') + line);
      if (added) newLine += lines.length;
      else oldLine += lines.length;
      continue;
    }
    if (oldRangeStart) {
      if (lines.length <= context * 2 && i < script.length - 2) {
        for (const line of lines) range.push(` ${line}`);
      } else {
        const size = Math.min(lines.length, context);
        for (const line of lines.slice(0, size)) range.push(` ${line}`);
        hunks.push({ oldStart: oldRangeStart, oldLines: oldLine - oldRangeStart + size, newStart: newRangeStart, newLines: newLine - newRangeStart + size, lines: range });
        oldRangeStart = 0;
        newRangeStart = 0;
        range = [];
      }
    }
    oldLine += lines.length;
    newLine += lines.length;
  }
  for (const hunk of hunks) {
    const lines: string[] = [];
    for (const line of hunk.lines) {
      if (line.endsWith('\n')) lines.push(line.slice(0, -1));
      else lines.push(line, '\\ No newline at end of file');
    }
    hunk.lines = lines;
  }
  return hunks;
}

/** Lines with their terminators, as jsdiff compares them. */
function splitLines(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

interface Run { readonly a: number; readonly b: number; readonly length: number }

/**
 * Runs of equal lines that the two texts surely share, in order in both: the common prefix and
 * suffix, and around every patience anchor (a line once in each, kept when the anchors' order
 * agrees: a longest increasing subsequence), extended while the neighbours are equal.
 */
function equalRuns(a: readonly string[], b: readonly string[]): Run[] {
  const counts = new Map<string, { a: number; b: number; atA: number; atB: number }>();
  a.forEach((line, i) => {
    const c = counts.get(line);
    if (c) c.a++;
    else counts.set(line, { a: 1, b: 0, atA: i, atB: -1 });
  });
  b.forEach((line, j) => {
    const c = counts.get(line);
    if (c) {
      c.b++;
      c.atB = j;
    }
  });
  const anchors: { a: number; b: number }[] = [];
  for (const c of counts.values()) if (c.a === 1 && c.b === 1) anchors.push({ a: c.atA, b: c.atB });
  anchors.sort((x, y) => x.a - y.a);
  const runs: Run[] = [];
  let endA = 0;
  let endB = 0;
  for (const anchor of longestIncreasing(anchors)) {
    if (anchor.a < endA || anchor.b < endB) continue; // inside the run already found
    let start = 0;
    while (anchor.a - start - 1 >= endA && anchor.b - start - 1 >= endB && a[anchor.a - start - 1] === b[anchor.b - start - 1]) start++;
    let end = 1;
    while (anchor.a + end < a.length && anchor.b + end < b.length && a[anchor.a + end] === b[anchor.b + end]) end++;
    runs.push({ a: anchor.a - start, b: anchor.b - start, length: start + end });
    endA = anchor.a + end;
    endB = anchor.b + end;
  }
  return runs;
}

/** The longest subsequence of `anchors` (sorted by `a`) whose `b` increases too (patience sorting). */
function longestIncreasing<T extends { readonly b: number }>(anchors: readonly T[]): T[] {
  const tails: number[] = []; // tails[k]: index in anchors of the smallest tail of a run of length k+1
  const previous: number[] = new Array<number>(anchors.length).fill(-1);
  anchors.forEach((anchor, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (anchors[tails[mid]!]!.b < anchor.b) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[i] = tails[lo - 1]!;
    tails[lo] = i;
  });
  const out: T[] = [];
  for (let i = tails.length > 0 ? tails[tails.length - 1]! : -1; i >= 0; i = previous[i]!) out.push(anchors[i]!);
  return out.reverse();
}
