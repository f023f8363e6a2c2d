// The patch writer against ground truth: jsdiff's own hunks, and applying the patch.
import { applyPatch, diffLines, formatPatch, parsePatch, structuredPatch } from 'diff';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffHunks, hunksOf } from '../../src/fix/patch.js';

// Few distinct lines, so that texts repeat lines (few patience anchors) and Myers has choices.
const line = fc.constantFrom('a\n', 'b\n', 'c\n', 'x = 1\n', 'x = 2\r\n', '\n', 'only-once-1\n', 'only-once-2\n', 'tail');
const text = fc.array(line, { maxLength: 40 }).map((lines) => lines.join(''));
const lineScript = (before: string, after: string) =>
  diffLines(before, after).map((change) => ({ lines: change.value === '' ? [] : change.value.split(/(?<=\n)/), added: change.added, removed: change.removed }));

function patchOf(before: string, after: string): string {
  return formatPatch({ oldFileName: 'a/f', newFileName: 'b/f', oldHeader: undefined, newHeader: undefined, hunks: diffHunks(before, after), isGit: true });
}

describe('hunksOf', () => {
  it('cuts the same hunks as jsdiff structuredPatch from the same line script', () => {
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: 4 }), (before, after, context) => {
        expect(hunksOf(lineScript(before, after), context)).toEqual(structuredPatch('', '', before, after, undefined, undefined, { context }).hunks);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('diffHunks', () => {
  it('makes a patch that turns the old text into the new one', () => {
    fc.assert(
      fc.property(text, text, (before, after) => {
        expect(applyPatch(before, parsePatch(patchOf(before, after))[0]!)).toBe(after);
      }),
      { numRuns: 2000 },
    );
  });

  it('is jsdiff\'s patch where anchors and Myers agree: one change among unique lines', () => {
    const before = Array.from({ length: 200 }, (_, i) => `line ${i}\n`).join('');
    const after = before.replace('line 100\n', 'line one hundred\n').replace('line 150\n', '');
    expect(diffHunks(before, after)).toEqual(structuredPatch('', '', before, after, undefined, undefined, { context: 3 }).hunks);
  });

  it('diffs 10,000 services with two edits each without Myers over the whole file (minutes before)', () => {
    const block = (i: number, fixed: boolean): string =>
      `  svc${i}:\n    build: .\n    command: uvicorn app:app${fixed ? '' : ' --reload'} --port ${8000 + (i % 1000)}\n    environment:\n      DEBUG: "${fixed ? 0 : 1}"\n`;
    const before = `services:\n${Array.from({ length: 10_000 }, (_, i) => block(i, false)).join('')}`;
    const after = `services:\n${Array.from({ length: 10_000 }, (_, i) => block(i, true)).join('')}`;
    const patch = patchOf(before, after);
    expect(applyPatch(before, parsePatch(patch)[0]!)).toBe(after);
    expect(patch.split('\n').filter((l) => l.startsWith('-  ') || l.startsWith('-    ') || l.startsWith('-      '))).toHaveLength(20_000);
  }, 60_000);
});
