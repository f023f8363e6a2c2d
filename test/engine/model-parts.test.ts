// --select skips the model parts no selected rule reads (RuleMeta.needs, issue #18), and the
// findings stay exactly those of a full model.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit, modelPartsFor } from '../../src/engine/pipeline.js';
import { RULES, findRule } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/define-rule.js';
import { REPO_ROOT } from '../helpers/cli.js';

const PROJECTS = join(REPO_ROOT, 'fixtures/projects');
const rule = (id: string): Rule => {
  const found = findRule(id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
};

describe('model parts per rule selection', () => {
  it('is the union of what the rules declare; a rule declaring nothing needs every part', () => {
    expect([...modelPartsFor([rule('PROD004'), rule('PIN001')])]).toEqual([]);
    expect([...modelPartsFor([rule('PROD004'), rule('DEP001')])]).toEqual(['runFiles', 'nodeRun']);
    expect([...modelPartsFor([rule('PIN005')])]).toEqual(['runFiles', 'nodeRun']);
    expect([...modelPartsFor([rule('NPM004'), rule('PROD004')])]).toEqual(['nodeRun']);
    // SUP001 runs whatever rules its directives name, selected or not
    expect([...modelPartsFor([rule('SUP001')])]).toEqual(['runFiles', 'nodeRun']);
  });

  it('--select PROD004 builds no import closure; without trimModel (the library default) it does', () => {
    const root = join(PROJECTS, 'sutazai');
    const trimmed = audit({ root, select: ['PROD004'], trimModel: true });
    const full = audit({ root, select: ['PROD004'] });
    expect(full.project.services.some((s) => s.runFiles.length > 0)).toBe(true);
    expect(trimmed.project.services.every((s) => s.runFiles.length === 0)).toBe(true);
    expect(trimmed.findings).toEqual(full.findings);
    expect(trimmed.services).toEqual(full.services);
    expect(trimmed.files).toEqual(full.files);
  });

  it('--select PROD004 reads no JavaScript of a Node service; --select NPM004 does', () => {
    const root = join(REPO_ROOT, 'fixtures/rules/node-module-missing-in-image/flags-undeclared-require');
    const trimmed = audit({ root, select: ['PROD004'], trimModel: true });
    expect(trimmed.project.services.map((s) => s.node)).toEqual([null]);
    expect(trimmed.files.map((f) => f.path)).not.toContain('server.js');
    const npm = audit({ root, select: ['NPM004'], trimModel: true });
    expect(npm.project.services[0]?.node?.files.map((f) => f.repoPath)).toEqual(['server.js', 'lib.js']);
    expect(npm.files.filter((f) => f.kind === 'javascript').map((f) => f.path)).toEqual(['lib.js', 'server.js']);
  });

  it('every project fixture: the rules declaring needs find the same with a trimmed model as with a full one', () => {
    const declaring = RULES.filter((r) => r.meta.needs !== undefined && !r.meta.needs.includes('runFiles')).map((r) => r.meta.id);
    expect(declaring.length).toBeGreaterThan(10);
    const projects = readdirSync(PROJECTS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    for (const name of projects) {
      const root = join(PROJECTS, name);
      const trimmed = audit({ root, select: declaring, trimModel: true });
      const full = audit({ root, select: declaring });
      expect(trimmed.findings, name).toEqual(full.findings);
      expect(trimmed.project.services.every((s) => s.kind === 'project' || s.runFiles.length === 0), name).toBe(true);
    }
  });
});
