// scripts/new-rule.mjs, run in a temporary copy of scripts/ and src/rules/ (never in the work tree).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function copy(): string {
  dir = mkdtempSync(join(tmpdir(), 'driftcheck-new-rule-'));
  cpSync(join(REPO_ROOT, 'scripts/new-rule.mjs'), join(dir, 'scripts/new-rule.mjs'));
  cpSync(join(REPO_ROOT, 'src/rules'), join(dir, 'src/rules'), { recursive: true });
  return dir;
}

const run = (root: string, args: string[]) => spawnSync(process.execPath, [join(root, 'scripts/new-rule.mjs'), ...args], { encoding: 'utf8' });

describe('scripts/new-rule.mjs', () => {
  it('writes the rule file, one registry import and entry, and the two fixture folders', () => {
    const root = copy();
    const before = readFileSync(join(root, 'src/rules/index.ts'), 'utf8');
    const result = run(root, ['PROD013', 'some-name', 'production']);
    expect(result.status, result.stderr).toBe(0);
    const rule = readFileSync(join(root, 'src/rules/production/some-name.ts'), 'utf8');
    for (const text of ["id: 'PROD013'", "name: 'some-name'", "category: 'production'", '## What it does', '## Why is this bad?', '## Example']) expect(rule).toContain(text);
    const after = readFileSync(join(root, 'src/rules/index.ts'), 'utf8').split('\n');
    const added = after.filter((line) => !before.split('\n').includes(line));
    expect(added).toEqual(["import someName from './production/some-name.js';", '  someName,']);
    for (const name of ['flags-example', 'ok-example']) expect(existsSync(join(root, 'fixtures/rules/some-name', name))).toBe(true);
  });

  it('--dry-run writes nothing', () => {
    const root = copy();
    const before = readFileSync(join(root, 'src/rules/index.ts'), 'utf8');
    const result = run(root, ['PROD013', 'some-name', 'production', '--dry-run']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('would write src/rules/production/some-name.ts');
    expect(readFileSync(join(root, 'src/rules/index.ts'), 'utf8')).toBe(before);
    expect(existsSync(join(root, 'src/rules/production/some-name.ts'))).toBe(false);
    expect(existsSync(join(root, 'fixtures'))).toBe(false);
  });

  it('refuses a taken id or name, and a malformed one', () => {
    const root = copy();
    expect(run(root, ['PROD005', 'new-name', 'production']).stderr).toContain('PROD005 is taken');
    expect(run(root, ['PROD099', 'runs-as-root', 'production']).stderr).toContain('runs-as-root is taken');
    expect(run(root, ['prod1', 'x', 'production']).status).toBe(2);
  });
});
