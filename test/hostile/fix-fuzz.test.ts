// Fuzzing the fix engine (issue #9): random edits of the rule fixtures that have fixes
// (fixtures/rules/*/flags-*); whatever patch driftcheck produces must apply with `git apply` and
// every file it touched must re-parse without new errors; a second audit must not crash.
// A few dozen seeded cases (FIX_FUZZ_CASES), each a real audit + patch + git apply.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.js';
import { computeFixes } from '../../src/fix/apply.js';
import { unifiedDiff } from '../../src/fix/patch.js';
import { diagnosticsFor } from '../../src/parsers/index.js';
import { classify } from '../../src/discover.js';
import { REPO_ROOT, run } from '../helpers/cli.js';

const CASES = Number(process.env['FIX_FUZZ_CASES'] ?? 36);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20_261_126);

const RULES = join(REPO_ROOT, 'fixtures/rules');
const fixtures = readdirSync(RULES).sort().flatMap((rule) =>
  readdirSync(join(RULES, rule)).sort().filter((c) => c.startsWith('flags-')).map((c) => join(RULES, rule, c)),
).filter((dir) => existsSync(join(dir, 'expected.patch'))); // the ones whose findings have a fix

function inputs(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel)).sort().flatMap((name) => {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(join(dir, r)).isDirectory()) return inputs(dir, r);
    return classify(r) !== null && !/^expected/.test(name) ? [r] : [];
  });
}

// Edits that keep files mostly meaningful: lines duplicated, dropped, swapped, pieces inserted.
const PIECES = ['\n', '\r\n', ' ', '#', '==', '[', ']', '\\\n', '"', "'", '${X}', 'requests', 'import yaml\n', 'RUN pip install -r requirements.txt\n', '  - ', '\ufeff', 'é', '\t'];
const edit = fc.record({ op: fc.constantFrom('dup-line', 'drop-line', 'insert', 'crlf', 'truncate'), at: fc.nat(), piece: fc.constantFrom(...PIECES) });
type Edit = { op: string; at: number; piece: string };

function mutate(text: string, edits: readonly Edit[]): string {
  let t = text;
  for (const e of edits) {
    const lines = t.split('\n');
    const i = e.at % Math.max(1, lines.length);
    if (e.op === 'dup-line') lines.splice(i, 0, lines[i] ?? '');
    else if (e.op === 'drop-line') lines.splice(i, 1);
    else if (e.op === 'crlf') t = t.replace(/\r?\n/g, '\r\n');
    if (e.op === 'dup-line' || e.op === 'drop-line') t = lines.join('\n');
    else if (e.op === 'insert') { const at = e.at % (t.length + 1); t = t.slice(0, at) + e.piece + t.slice(at); }
    else if (e.op === 'truncate') t = t.slice(0, e.at % (t.length + 1));
  }
  return t;
}

const errors = (kind: Parameters<typeof diagnosticsFor>[0], text: string): number => diagnosticsFor(kind, text.replace(/^\ufeff/, '')).filter((d) => d.severity === 'error').length;

const cases = fc.sample(
  fc.record({ fixture: fc.constantFrom(...fixtures), pick: fc.nat(), edits: fc.array(edit, { minLength: 1, maxLength: 4 }), unsafe: fc.boolean() }),
  { numRuns: CASES, seed: SEED },
);

describe('fix engine on mutated fixtures', () => {
  let patched = 0;
  let ran = 0;
  // The property is vacuous if few mutated cases produced a patch (checked on full runs only).
  afterAll(() => {
    if (ran === CASES) expect(patched).toBeGreaterThan(CASES / 4);
  });
  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    ran++;
    const dir = mkdtempSync(join(tmpdir(), 'driftcheck-fixfuzz-'));
    try {
      cpSync(c.fixture, dir, { recursive: true });
      const files = inputs(dir);
      const target = files[c.pick % files.length];
      if (target === undefined) return;
      writeFileSync(join(dir, target), mutate(readFileSync(join(dir, target), 'utf8'), c.edits));
      const before = new Map(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

      const result = audit({ root: dir });
      const outcome = computeFixes({ root: dir }, result, { unsafe: c.unsafe });
      const patch = unifiedDiff(outcome.changes);
      if (patch === '') return;
      patched++;
      const patchFile = `${dir}.patch`;
      writeFileSync(patchFile, patch);
      const applied = run('git', ['apply', '--unsafe-paths', patchFile], dir);
      rmSync(patchFile, { force: true });
      // git may warn about whitespace the mutation put in context lines; errors are failures.
      expect(applied.stderr, `${target} in ${c.fixture}\n${patch}`).not.toMatch(/^error:/m);
      expect(applied.status, `${target} in ${c.fixture}\n${patch}`).toBe(0);
      for (const change of outcome.changes) {
        const after = readFileSync(join(dir, change.original.path), 'utf8');
        const kind = change.original.kind;
        expect(errors(kind, after), `${change.original.path} gained parse errors:\n${patch}`).toBeLessThanOrEqual(errors(kind, before.get(change.original.path) ?? ''));
      }
      expect(() => audit({ root: dir })).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
