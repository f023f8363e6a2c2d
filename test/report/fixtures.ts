// Every fixture directory the report tests run over: fixtures/projects/* and fixtures/rules/*/*.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/cli.js';

function subdirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export interface FixtureDir {
  /** Repo-relative name, e.g. "projects/sutazai" or "rules/missing-dependency/flags-yaml-import-name". */
  readonly name: string;
  readonly dir: string;
}

export const FIXTURE_DIRS: readonly FixtureDir[] = [
  ...subdirs(join(REPO_ROOT, 'fixtures/projects')).map((p) => ({ name: `projects/${p}`, dir: join(REPO_ROOT, 'fixtures/projects', p) })),
  ...subdirs(join(REPO_ROOT, 'fixtures/rules')).flatMap((rule) =>
    subdirs(join(REPO_ROOT, 'fixtures/rules', rule)).map((c) => ({ name: `rules/${rule}/${c}`, dir: join(REPO_ROOT, 'fixtures/rules', rule, c) })),
  ),
];
