// Project mode at deptry's level (#21): the parts below the rules (notebooks, discovery, pyproject
// tables, declarations per project, [tool.deptry]) and the CLI around them. The rule fixtures in
// fixtures/rules/{missing,unused,transitive,misplaced-dev,standard-library}-dependency/ show the
// findings; these tests pin the facts those findings rest on.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discover } from '../src/discover.js';
import { loadConfig, ConfigError } from '../src/config/load.js';
import { scanNotebook } from '../src/parsers/notebook.js';
import { parsePyproject } from '../src/parsers/pyproject.js';
import { scanPythonImports } from '../src/parsers/python-imports.js';
import { readDirective } from '../src/parsers/directives.js';
import { Repository } from '../src/model/repository.js';
import { pythonProjects } from '../src/model/python-projects.js';
import { DEFAULT_CONFIG, type Config } from '../src/config/types.js';
import { ruleLookup } from '../src/rules/index.js';
import { runCliInProcess } from './helpers/in-process.js';
import { validateReport } from './report/validate.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'driftcheck-project-mode-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function notebook(cells: readonly (readonly string[])[]): string {
  return `${JSON.stringify({ cells: cells.map((lines) => ({ cell_type: 'code', metadata: {}, outputs: [], source: lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l)) })), metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`;
}

function repositoryOf(root: string): Repository {
  return new Repository({ files: discover(root).files, readExtra: () => null });
}

function options(overrides: Partial<Config> = {}): Config {
  return { ...DEFAULT_CONFIG, ...overrides };
}

describe('notebooks', () => {
  it('reads the code cells as Python and points into the JSON text', () => {
    const text = notebook([['%matplotlib inline', '!pip install x', 'import numpy as np'], ['from pandas import DataFrame']]);
    const model = scanNotebook(text);
    expect(model.imports.map((i) => i.module)).toEqual(['numpy', 'pandas']);
    for (const imp of model.imports) expect(text.slice(imp.span.start, imp.span.end)).toBe(imp.module);
    const pandas = model.imports[1];
    expect(text.split('\n')[(pandas?.line ?? 0) - 1]).toContain('from pandas import DataFrame');
    expect(model.diagnostics).toEqual([]);
  });

  it('a source written as one string, and escapes before the import, still give the right line', () => {
    const text = JSON.stringify({ cells: [{ cell_type: 'code', source: 'x = "\\u00e9"\nimport yaml\n' }], nbformat: 4 }, null, 1);
    const model = scanNotebook(text);
    expect(model.imports.map((i) => i.module)).toEqual(['yaml']);
    expect(text.slice(model.imports[0]?.span.start, model.imports[0]?.span.end)).toContain('import yaml');
  });

  it('an invalid notebook is one diagnostic, not a crash', () => {
    const model = scanNotebook('{"cells": [');
    expect(model.imports).toEqual([]);
    expect(model.diagnostics[0]?.message).toMatch(/^invalid notebook \(JSON\)/);
  });

  it('inline directives in a cell apply to their line', () => {
    const text = notebook([['import white  # driftcheck: ignore[DEP001] -- vendored']]);
    const model = scanNotebook(text);
    expect(model.directives.map((d) => [d.line, d.rules])).toEqual([[model.imports[0]?.line, ['DEP001']]]);
  });
});

describe('discovery', () => {
  it('honours .ignore like .gitignore, and reads notebooks', () => {
    const root = tree({ '.ignore': 'sandbox/\n', 'sandbox/a.py': 'import x\n', 'app/b.py': '', 'nb/c.ipynb': notebook([['import y']]) });
    const files = discover(root).files.map((f) => [f.path, f.kind]);
    expect(files).toEqual(expect.arrayContaining([['app/b.py', 'python'], ['nb/c.ipynb', 'notebook']]));
    expect(files.map(([p]) => p)).not.toContain('sandbox/a.py');
  });

  it('with gitignoreCode false (deptry exclude), git-ignored code is read, other git-ignored files are not', () => {
    const root = tree({ '.gitignore': 'gen/\nsecret.py\n', 'gen/client.py': 'import hello\n', 'gen/requirements.txt': 'x\n', 'secret.py': '' });
    const paths = (gitignoreCode: boolean): string[] => discover(root, { maxFileBytes: 1 << 20, maxFiles: 1000, gitignoreCode }).files.map((f) => f.path).sort();
    expect(paths(true)).toEqual([]);
    expect(paths(false)).toEqual(['gen/client.py', 'secret.py']);
  });
});

describe('pyproject tables', () => {
  const model = parsePyproject(`[project]
name = "x"
dependencies = ["a", "b"]
[project.optional-dependencies]
bar = ["requests"]
[dependency-groups]
bar = ["idna"]
all = [{include-group = "bar"}, "packaging"]
[tool.uv]
dev-dependencies = ["black"]
[tool.pdm.dev-dependencies]
lint = ["ruff"]
[tool.poetry.dependencies]
python = "^3.10"
a = "*"
c = "1.0"
[tool.poetry.group.test.dependencies]
pytest = "*"
[tool.poetry.dev-dependencies]
mypy = "*"
[tool.setuptools.dynamic]
dependencies = { file = "deps.txt" }
[tool.setuptools.dynamic.optional-dependencies]
cli = { file = ["cli.list"] }
`);

  it('keeps an extra and a group of the same name apart, and every dev table', () => {
    expect(model.tables.map((t) => [t.kind, t.section, t.requirements.map((r) => r.key).join(' '), t.includes.join(' ')])).toEqual([
      ['extra', 'project.optional-dependencies.bar', 'requests', ''],
      ['group', 'dependency-groups.bar', 'idna', ''],
      ['group', 'dependency-groups.all', 'packaging', 'bar'],
      ['group', 'tool.poetry.group.test.dependencies', 'pytest', ''],
      ['dev', 'tool.poetry.dev-dependencies', 'mypy', ''],
      ['dev', 'tool.uv.dev-dependencies', 'black', ''],
      ['dev', 'tool.pdm.dev-dependencies.lint', 'ruff', ''],
    ]);
    expect(Object.keys(model.optional)).toEqual(['bar']);
  });

  it('names each dependency once (PEP 621 and Poetry), and reads dynamic files and Poetry\'s python', () => {
    expect(model.dependencies.map((r) => r.key)).toEqual(['a', 'b', 'c']);
    expect(model.dynamic).toEqual({ dependencies: ['deps.txt'], optional: { cli: ['cli.list'] } });
    expect(model.requiresPython).toBe('>=3.10,<4.0');
  });
});

describe('import_module under an alias', () => {
  it('counts `load("x")` after `from importlib import import_module as load`, not `obj.load("x")`', () => {
    const model = scanPythonImports('from importlib import (\n    reload,\n    import_module as load,\n)\n\nload("yaml")\nconfig.load("toml")\n');
    expect(model.imports.filter((i) => i.dynamic).map((i) => i.module)).toEqual(['yaml']);
  });
});

describe('# deptry: ignore', () => {
  it('reads deptry\'s codes, and a bare ignore as its import rules', () => {
    expect(readDirective('# deptry: ignore[DEP001,DEP003]  # noqa: F401', 0, 3, 3)).toMatchObject({ rules: ['DEP001', 'DEP003'], source: 'deptry' });
    expect(readDirective('# noqa: F401  # deptry: ignore', 0, 3, 3)).toMatchObject({ rules: ['DEP001', 'DEP003', 'DEP004'], source: 'deptry' });
  });
});

describe('declarations per project', () => {
  it('requirements files by name: dev files, constraints, a compiled .txt beside its .in is a lock', () => {
    const root = tree({
      'requirements.in': 'acme-sdk\n',
      'requirements.txt': 'acme-core==1.0\n    # via acme-sdk\nacme-sdk==2.0\n    # via -r requirements.in\n',
      'requirements-dev.txt': 'pytest\n',
      'docs/requirements.txt': 'sphinx\n',
      'constraints.txt': 'urllib3<3\n',
      'app.py': '',
    });
    const [project] = pythonProjects(repositoryOf(root), options());
    expect(project?.declarations.map((d) => [d.file, d.requirement.key, d.role])).toEqual([
      ['docs/requirements.txt', 'sphinx', 'dev'],
      ['requirements-dev.txt', 'pytest', 'dev'],
      ['requirements.in', 'acme-sdk', 'main'],
    ]);
    expect(project?.locks).toEqual(['requirements.txt']);
    expect(project?.lockEdges.get('acme-sdk')).toEqual(['acme-core']);
  });

  it('configured requirements files are read line by line, with what each compiled line is pinned for', () => {
    const root = tree({ 'requirements.txt': 'acme-core==1.0\n    # via acme-sdk\nacme-sdk==2.0\n    # via -r requirements.in\n', 'requirements-2.txt': 'urllib3\n' });
    const [project] = pythonProjects(repositoryOf(root), options({ requirementsFiles: ['requirements.txt'] }));
    expect(project?.declarations.map((d) => [d.requirement.key, d.role, d.pinnedFor])).toEqual([['acme-core', 'main', ['acme-sdk']], ['acme-sdk', 'main', []]]);
  });

  it('groups are development unless runtimeGroups names them (with what they include); extras by name or by devExtras', () => {
    const root = tree({ 'pyproject.toml': '[project]\nname = "p"\n[project.optional-dependencies]\ntest = ["faker"]\ncli = ["typer"]\n[dependency-groups]\nbase = ["attrs"]\nserver = [{include-group = "base"}, "gunicorn"]\ndev = ["ipdb"]\n' });
    const roles = (config: Partial<Config>): string[] => (pythonProjects(repositoryOf(root), options(config))[0]?.declarations ?? []).map((d) => `${d.requirement.key}:${d.role}`).sort();
    expect(roles({})).toEqual(['attrs:dev', 'faker:dev', 'gunicorn:dev', 'ipdb:dev', 'typer:optional']);
    expect(roles({ runtimeGroups: ['server'], devExtras: ['cli'] })).toEqual(['attrs:dev', 'attrs:optional', 'faker:optional', 'gunicorn:optional', 'ipdb:dev', 'typer:dev']);
  });

  it('a sub-directory pyproject.toml is its own project with its own code; projects: decides when given', () => {
    const root = tree({ 'pyproject.toml': '[project]\nname = "top"\n', 'app/main.py': '', 'libs/core/pyproject.toml': '[project]\nname = "core"\n', 'libs/core/core/x.py': '', 'a_sub/pyproject.toml': '[project]\nname = "sub"\n', 'src/s.py': '' });
    const found = pythonProjects(repositoryOf(root), options()).map((p) => [p.root, p.code.map((c) => c.repoPath)]);
    expect(found).toEqual([['', ['app/main.py', 'src/s.py']], ['a_sub', []], ['libs/core', ['libs/core/core/x.py']]]);
    const configured = pythonProjects(repositoryOf(root), options({ projects: [{ root: 'a_sub', code: ['src'] }] })).map((p) => [p.root, p.code.map((c) => c.repoPath)]);
    expect(configured).toEqual([['a_sub', ['src/s.py']]]);
  });

  it('a configured project reads the requirements files under its root, and covers its code folders only', () => {
    const root = tree({ 'sub/requirements.txt': 'attrs\n', 'requirements.txt': 'requests\n', 'src/a.py': '', 'other/b.py': '' });
    const projects = pythonProjects(repositoryOf(root), options({ projects: [{ root: 'sub', code: ['src'] }] }));
    expect(projects.map((p) => [p.root, p.declarations.map((d) => d.file), p.code.map((c) => c.repoPath)])).toEqual([['sub', ['sub/requirements.txt'], ['src/a.py']]]);
  });

  it('test code is told apart; files deptry\'s exclude matches and setup.py are not code', () => {
    const root = tree({ 'setup.py': '', 'pkg/a.py': '', 'tests/test_a.py': '', 'pkg/conftest.py': '', 'docs/conf.py': '', 'build/gen.py': '' });
    const [project] = pythonProjects(repositoryOf(root), options({ excludeRegex: ['build/'] }));
    expect(project?.code).toEqual([
      { repoPath: 'docs/conf.py', test: true },
      { repoPath: 'pkg/a.py', test: false },
      { repoPath: 'pkg/conftest.py', test: true },
      { repoPath: 'tests/test_a.py', test: true },
    ]);
  });
});

describe('[tool.deptry]', () => {
  const lookup = ruleLookup;

  it('is read where the driftcheck config says nothing, and the header says what was read', () => {
    const root = tree({ 'pyproject.toml': '[tool.deptry]\nknown_first_party = ["white"]\nignore_notebooks = true\nextend_exclude = ["scripts/"]\npep621_dev_dependency_groups = ["dev"]\nnon_dev_dependency_groups = ["srv"]\nrequirements_files = ["req.txt"]\njson_output = "x.json"\n[tool.deptry.per_rule_ignores]\nDEP002 = ["pkginfo"]\nDEP001 = "white"\n[tool.deptry.package_module_name_map]\nfoo-python = ["foo", "bar"]\n' });
    const config = loadConfig(root, null, lookup, { cwd: root });
    expect(config.knownFirstParty).toEqual(['white']);
    expect(config.notebooks).toBe(false);
    expect(config.excludeRegex).toEqual(['scripts/']);
    expect(config.gitignoreCode).toBe(true);
    expect(config.devExtras).toEqual(['dev']);
    expect(config.runtimeGroups).toEqual(['srv']);
    expect(config.requirementsFiles).toEqual(['req.txt']);
    expect(config.moduleMap).toEqual({ foo: ['foo-python'], bar: ['foo-python'] });
    expect(config.ignore.map((e) => [e.package, e.rules])).toEqual([['pkginfo', ['DEP002']], ['white', ['DEP001']]]);
    expect(config.notes).toEqual([{ file: 'pyproject.toml', message: expect.stringMatching(/^deptry settings from \[tool\.deptry\]: read per_rule_ignores, package_module_name_map, known_first_party, extend_exclude, ignore_notebooks, pep621_dev_dependency_groups, non_dev_dependency_groups, requirements_files$/) }]);
  });

  it('deptry\'s exclude replaces .gitignore for code; with a [tool.deptry] section extras are runtime unless listed', () => {
    const root = tree({ 'pyproject.toml': '[tool.deptry]\nexclude = ["docs/"]\n' });
    const config = loadConfig(root, null, lookup, { cwd: root });
    expect([config.excludeRegex, config.gitignoreCode, config.devExtras]).toEqual([['docs/'], false, []]);
  });

  it('the driftcheck config wins key by key; ignores add up', () => {
    const root = tree({ '.driftcheck.yaml': 'knownFirstParty: [mine]\nignore:\n  - package: boto3\n', 'pyproject.toml': '[tool.deptry]\nknown_first_party = ["theirs"]\n[tool.deptry.per_rule_ignores]\nDEP001 = ["white"]\n' });
    const config = loadConfig(root, null, lookup, { cwd: root });
    expect(config.knownFirstParty).toEqual(['mine']);
    expect(config.ignore.map((e) => e.package)).toEqual(['boto3', 'white']);
    expect(config.notes[0]?.message).toBe('deptry settings from [tool.deptry]: read per_rule_ignores; not read: known_first_party (.driftcheck.yaml sets knownFirstParty)');
  });

  it('reads the [tool.deptry] of a configured project root too', () => {
    const root = tree({ '.driftcheck.yaml': 'projects:\n  - root: sub\n    code: [src]\n', 'sub/pyproject.toml': '[tool.deptry.per_rule_ignores]\nDEP002 = ["pkginfo"]\n' });
    const config = loadConfig(root, null, lookup, { cwd: root });
    expect(config.projects).toEqual([{ root: 'sub', code: ['src'] }]);
    expect(config.ignore.map((e) => e.package)).toEqual(['pkginfo']);
    expect(config.notes[0]?.file).toBe('sub/pyproject.toml');
  });

  it.each([
    ['known_first_party = 3\n', 'pyproject.toml [tool.deptry]: "known_first_party" must be a list of strings'],
    ['[tool.deptry.per_rule_ignores]\nDEP009 = ["x"]\n', 'pyproject.toml [tool.deptry]: "per_rule_ignores.DEP009" is not a rule code'],
    ['ignore_notebooks = "yes"\n', 'pyproject.toml [tool.deptry]: "ignore_notebooks" must be true or false'],
  ])('a wrong value stops the run with one line: %s', async (body, message) => {
    const root = tree({ 'pyproject.toml': body.startsWith('[') ? body : `[tool.deptry]\n${body}`, 'a.py': '' });
    expect(() => loadConfig(root, null, lookup, { cwd: root })).toThrow(ConfigError);
    const run = await runCliInProcess(['.'], { cwd: root });
    expect([run.status, run.stderr]).toEqual([2, `driftcheck: ${message}\n`]);
  });

  it('projects: entries are checked', async () => {
    const root = tree({ '.driftcheck.yaml': 'projects:\n  - code: [src]\n' });
    const run = await runCliInProcess(['.'], { cwd: root });
    expect([run.status, run.stderr]).toEqual([2, 'driftcheck: .driftcheck.yaml:2: "projects[0]" needs a root (a directory, "." for the repository\'s root)\n']);
    const outside = tree({ '.driftcheck.yaml': 'projects:\n  - root: .\n    code: [../elsewhere]\n' });
    expect((await runCliInProcess(['.'], { cwd: outside })).stderr).toMatch(/"projects\[0\]\.code" must name directories inside the audited root/);
  });
});

describe('the report', () => {
  it('says in its header which deptry settings were read (text, JSON valid against the schema)', async () => {
    const root = tree({ 'pyproject.toml': '[project]\nname = "p"\ndependencies = ["requests"]\n[tool.deptry.per_rule_ignores]\nDEP001 = ["white"]\n', 'p/main.py': 'import requests\nimport white\n' });
    const text = await runCliInProcess(['.', '--no-color'], { cwd: root });
    expect(text.stdout.split('\n')[0]).toBe('note: pyproject.toml: deptry settings from [tool.deptry]: read per_rule_ignores');
    const json = JSON.parse((await runCliInProcess(['.', '--format', 'json'], { cwd: root })).stdout) as { notes: unknown; findings: { suppressed: boolean }[] };
    expect(json.notes).toEqual([{ file: 'pyproject.toml', message: 'deptry settings from [tool.deptry]: read per_rule_ignores' }]);
    expect(json.findings.map((f) => f.suppressed)).toEqual([true]);
    expect(validateReport(json)).toEqual([]);
  });

  it('ignore by package silences every rule about it (DEP001 by its import name, DEP002, PIN001)', async () => {
    const root = tree({
      '.driftcheck.yaml': 'ignore:\n  - package: yaml\n  - package: attrs\n',
      'requirements.txt': 'attrs==23.1\nrequests==2.32.3\n',
      'requirements-old.txt': 'attrs==22.1\n',
      'app.py': 'import requests\nimport yaml\n',
    });
    const json = JSON.parse((await runCliInProcess(['.', '--format', 'json'], { cwd: root })).stdout) as { findings: { ruleId: string; suppressed: boolean }[] };
    expect(json.findings.map((f) => `${f.ruleId}:${f.suppressed}`).sort()).toEqual(['DEP001:true', 'DEP002:true', 'DEP002:true', 'PIN001:true']);
  });
});
