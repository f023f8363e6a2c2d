// The patch driftcheck writes must apply with the real git and patch, fix what it claims, and
// converge: after applying it, a new audit shows none of those findings and a new diff is empty.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, gitCopy, run } from './helpers/cli.js';
import { runCliInProcess } from './helpers/in-process.js';

interface JsonFinding {
  ruleId: string;
  file: string;
  message: string;
  fix: { applicability: string } | null;
  suppressed: boolean;
}

const PROJECTS = join(REPO_ROOT, 'fixtures/projects');
const projects = readdirSync(PROJECTS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

async function findings(dir: string): Promise<JsonFinding[]> {
  return (JSON.parse((await runCliInProcess(['.', '--format', 'json'], { cwd: dir })).stdout) as { findings: JsonFinding[] }).findings;
}

describe.each(projects)('fixes for %s', (name) => {
  it('apply with git apply and patch -p1, remove the fixed findings, and converge', async () => {
    const dir = gitCopy(join(PROJECTS, name));
    const before = await findings(dir);
    const patch = (await runCliInProcess(['.', '--diff'], { cwd: dir })).stdout;
    const fixable = before.filter((f) => !f.suppressed && f.fix?.applicability === 'safe');
    if (fixable.length === 0) {
      expect(patch).toBe('');
      return;
    }
    expect(patch).not.toBe('');
    const patchFile = join(dir, '..', `${name}-${process.pid}.patch`);
    writeFileSync(patchFile, patch);
    expect(run('git', ['apply', '--check', patchFile], dir).stderr).toBe('');
    expect(run('patch', ['-p1', '--dry-run', '-i', patchFile], dir).status).toBe(0);
    expect(run('git', ['apply', patchFile], dir).status).toBe(0);

    const after = await findings(dir);
    for (const fixed of fixable) {
      expect(after.some((f) => f.ruleId === fixed.ruleId && f.message === fixed.message), `${fixed.ruleId} ${fixed.message}`).toBe(false);
    }
    expect((await runCliInProcess(['.', '--diff'], { cwd: dir })).stdout).toBe('');
  });

  it('--fix writes the same files as applying the patch', async () => {
    const viaPatch = gitCopy(join(PROJECTS, name));
    const viaFix = gitCopy(join(PROJECTS, name));
    const patch = (await runCliInProcess(['.', '--diff'], { cwd: viaPatch })).stdout;
    if (patch === '') return;
    const patchFile = join(viaPatch, '..', `${name}-fix-${process.pid}.patch`);
    writeFileSync(patchFile, patch);
    expect(run('git', ['apply', patchFile], viaPatch).status).toBe(0);
    const fixed = await runCliInProcess(['.', '--fix'], { cwd: viaFix });
    expect([0, 1]).toContain(fixed.status);
    const changed = run('git', ['diff', '--name-only'], viaPatch).stdout.trim().split('\n');
    expect(run('git', ['diff', '--name-only'], viaFix).stdout.trim().split('\n')).toEqual(changed);
    for (const file of changed) expect(readFileSync(join(viaFix, file), 'utf8')).toBe(readFileSync(join(viaPatch, file), 'utf8'));
  });
});
