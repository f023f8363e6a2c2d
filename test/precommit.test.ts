// The published pre-commit hook (.pre-commit-hooks.yaml), run by the real `pre-commit` the way a
// user's repository runs it: pre-commit clones this repository, `npm install`s it into a node
// environment, packs it (`npm pack` runs our `prepack`, which builds dist/), installs the tarball
// and runs the `driftcheck` bin. Needs `pre-commit` (Debian: apt-get install pre-commit), git, and the npm registry.
// Skipped only when pre-commit is missing outside CI; in CI a missing pre-commit fails the test.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import semver from 'semver';
import { parse, stringify } from 'yaml';
import { FORMATS } from '../src/cli/args.js';
import { classify } from '../src/discover.js';
import { REPO_ROOT, run, type RunResult } from './helpers/cli.js';
import { runCliInProcess } from './helpers/in-process.js';

const HAS_PRE_COMMIT = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0;
const SKIP = !HAS_PRE_COMMIT && !process.env['CI'];

/** A service whose image installs requirements-minimal.txt, which lacks chromadb; requirements.txt pins it. */
const PROJECT: Record<string, string> = {
  'docker-compose.yml': 'services:\n  backend:\n    build:\n      context: .\n      dockerfile: docker/backend/Dockerfile\n',
  'docker/backend/Dockerfile': [
    'FROM python:3.12-slim',
    'WORKDIR /app',
    'COPY backend/requirements-minimal.txt .',
    'RUN pip install -r requirements-minimal.txt',
    'COPY backend/ .',
    'RUN useradd --create-home app',
    'USER app',
    'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]',
    '',
  ].join('\n'),
  'backend/requirements.txt': 'fastapi==0.115.6\nuvicorn==0.32.1\nchromadb==0.5.0\n',
  'backend/requirements-minimal.txt': 'fastapi==0.115.6\nuvicorn==0.32.1\n',
  'backend/app/__init__.py': '',
  'backend/app/main.py': 'import chromadb\nfrom fastapi import FastAPI\n\napp = FastAPI()\nvectors = chromadb.HttpClient(host="chroma")\n',
  'README.md': '# shop\n',
};

const cleanups: string[] = [];
afterAll(() => {
  for (const dir of cleanups) rmSync(dir, { recursive: true, force: true });
});

function must(result: RunResult, what: string): RunResult {
  if (result.status !== 0) throw new Error(`${what} failed (${result.status}): ${result.stderr || result.stdout}`);
  return result;
}

function commitAll(cwd: string, message: string): void {
  must(run('git', ['add', '-A'], cwd), 'git add');
  must(run('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', message], cwd), 'git commit');
}

function gitInit(dir: string): void {
  must(run('git', ['init', '-q'], dir), 'git init');
  must(run('git', ['config', 'core.autocrlf', 'false'], dir), 'git config');
}

/**
 * A git repository holding this repository's working tree as it would be committed (tracked and
 * untracked files that .gitignore does not exclude), so the hook under test is the code under test.
 */
function hookRepoFromWorkingTree(into: string): void {
  const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (listed.status === 0 && listed.stdout) {
    for (const path of listed.stdout.split('\0').filter(Boolean)) {
      mkdirSync(dirname(join(into, path)), { recursive: true });
      try {
        cpSync(join(REPO_ROOT, path), join(into, path), { verbatimSymlinks: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // deleted in the working tree
      }
    }
  } else {
    // Not a git checkout (an exported tarball): copy everything but build output and dependencies.
    const skipped = new Set(['.git', 'node_modules', 'dist', 'coverage']);
    cpSync(REPO_ROOT, into, { recursive: true, verbatimSymlinks: true, filter: (source) => !skipped.has(source.slice(source.lastIndexOf('/') + 1)) });
  }
  gitInit(into);
  commitAll(into, 'driftcheck working tree');
}

/** The environment pre-commit runs in: a throwaway HOME and pre-commit store, the same npm registry. */
function isolatedEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // npm_* come from `npm test` itself; GIT_* would point pre-commit's git at another repository.
    if (/^(npm_|git_)/i.test(key)) continue;
    env[key] = value;
  }
  const registry = spawnSync('npm', ['config', 'get', 'registry'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout?.trim();
  return {
    ...env,
    HOME: home,
    PRE_COMMIT_HOME: join(home, '.cache', 'pre-commit'),
    XDG_CACHE_HOME: join(home, '.cache'),
    PRE_COMMIT_COLOR: 'never',
    NO_COLOR: '1',
    ...(registry ? { npm_config_registry: registry } : {}),
  };
}

function tryRepo(project: string, hookRepo: string, env: NodeJS.ProcessEnv): RunResult & { output: string; seconds: number } {
  return preCommit(['try-repo', hookRepo, 'driftcheck', '--all-files', '--verbose', '--color', 'never'], project, env);
}

/**
 * The README's pre-commit configuration with `args: [--fix]` (its two YAML blocks, the hook entry
 * of the second put into the first), pointed at a local hook repository and rev.
 */
function readmeHookConfig(hookRepo: string, rev: string): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### pre-commit'), readme.indexOf('### Pull requests'));
  const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const config = parse(blocks[0] ?? '') as { repos: { repo: string; rev: string; hooks: Record<string, unknown>[] }[] };
  const withArgs = parse(blocks[1] ?? '') as Record<string, unknown>[];
  expect(withArgs).toEqual([{ id: 'driftcheck', args: ['--fix'] }]);
  const [repo] = config.repos;
  if (!repo) throw new Error('no repo in the README pre-commit config');
  return stringify({ repos: [{ ...repo, repo: hookRepo, rev, hooks: withArgs }] });
}

function preCommit(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): RunResult & { output: string; seconds: number } {
  const started = Date.now();
  const result = spawnSync('pre-commit', [...args], {
    cwd,
    encoding: 'utf8',
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const stdout = result.stdout ?? '';
  const stderr = result.stderr ?? (result.error ? String(result.error) : '');
  return { status: result.status ?? -1, stdout, stderr, output: `${stdout}\n${stderr}`, seconds: (Date.now() - started) / 1000 };
}

describe.skipIf(SKIP)('pre-commit hook (.pre-commit-hooks.yaml, language: node)', () => {
  it(
    'blocks a drifting service, fixes it with the README\'s args: [--fix] (the commit stops for review), and passes once the `driftcheck --diff` patch is applied',
    async () => {
      expect(HAS_PRE_COMMIT, 'pre-commit is not installed (apt-get install -y pre-commit); it is required when CI is set').toBe(true);
      const work = realpathSync(mkdtempSync(join(tmpdir(), 'driftcheck-precommit-')));
      cleanups.push(work);
      const hookRepo = join(work, 'driftcheck');
      const project = join(work, 'shop');
      const home = join(work, 'home');
      for (const dir of [hookRepo, project, home]) mkdirSync(dir, { recursive: true });

      hookRepoFromWorkingTree(hookRepo);
      for (const [path, text] of Object.entries(PROJECT)) {
        mkdirSync(dirname(join(project, path)), { recursive: true });
        writeFileSync(join(project, path), text);
      }
      gitInit(project);
      commitAll(project, 'shop with a drifting backend image');
      const env = isolatedEnv(home);

      const blocked = tryRepo(project, hookRepo, env);
      // 1 = a hook failed; 3 would be pre-commit's own error (e.g. the node environment did not install).
      expect(blocked.status, blocked.output).toBe(1);
      expect(blocked.output).toMatch(/driftcheck\.+Failed/);
      expect(blocked.output).toContain('DEP001');
      expect(blocked.output).toContain('"chromadb"');
      expect(blocked.output).toContain('backend/app/main.py');

      // README's `args: [--fix]`, in a .pre-commit-config.yaml of a clone (try-repo takes no args;
      // its store is temporary, so this installs the hook's environment once more): the hook
      // applies the safe fix, and pre-commit stops the commit because the hook changed a file.
      const fixing = join(work, 'shop-fix');
      must(run('git', ['clone', '-q', project, fixing], work), 'git clone');
      const head = must(run('git', ['rev-parse', 'HEAD'], hookRepo), 'git rev-parse').stdout.trim();
      writeFileSync(join(fixing, '.pre-commit-config.yaml'), readmeHookConfig(hookRepo, head));
      commitAll(fixing, 'pre-commit config with args: [--fix]');
      const fixed = preCommit(['run', '--all-files', '--verbose', '--color', 'never'], fixing, env);
      expect(fixed.status, fixed.output).toBe(1);
      expect(fixed.output).toContain('files were modified by this hook');
      expect(readFileSync(join(fixing, 'backend/requirements-minimal.txt'), 'utf8')).toContain('chromadb==0.5.0');
      commitAll(fixing, 'the fix driftcheck applied');
      const again = preCommit(['run', '--all-files', '--verbose', '--color', 'never'], fixing, env);
      expect(again.status, again.output).toBe(0);
      expect(again.output).toMatch(/driftcheck\.+Passed/);

      const patch = await runCliInProcess([project, '--diff']);
      expect(patch.status, patch.stderr).toBe(0); // --diff printed a patch
      expect(patch.stdout).toContain('+chromadb==0.5.0');
      must(run('git', ['apply', '--index', '-'], project, patch.stdout), 'git apply');
      // The same configuration as above, so pre-commit reuses the hook environment it installed
      // for it (same repository and rev in the same store) instead of installing a third one.
      writeFileSync(join(project, '.pre-commit-config.yaml'), readmeHookConfig(hookRepo, head));
      commitAll(project, 'install chromadb in the backend image');

      const passed = preCommit(['run', '--all-files', '--verbose', '--color', 'never'], project, env);
      expect(passed.status, passed.output).toBe(0);
      expect(passed.output).toMatch(/driftcheck\.+Passed/);
      expect(passed.output).not.toContain('DEP001');
      console.info(`pre-commit: try-repo ${blocked.seconds.toFixed(1)} s (fresh node env), run ${fixed.seconds.toFixed(1)} s (config, its own env), run ${passed.seconds.toFixed(1)} s (the same env)`);
    },
    25 * 60_000, // three installs of the hook (npm install, prepack build, tarball install): minutes on a loaded machine
  );
});

// ---------------------------------------------------------------------------------------------
// The manifests themselves: cheap checks that run everywhere (no pre-commit, no network).

interface HookManifestEntry {
  id: string;
  name: string;
  entry: string;
  language: string;
  files: string;
  pass_filenames: boolean;
  require_serial: boolean;
  description?: string;
}

interface ActionStep {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
}

interface ActionManifest {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

const readYaml = <T>(file: string): T => parse(readFileSync(join(REPO_ROOT, file), 'utf8')) as T;
const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; files?: string[]; engines?: { node?: string } };

/** `^20.17.0 || ^22.11.0 || ^24` as users read it: "20.17+, 22.11+ or 24". */
function engineLines(range: string): string {
  const lines = range.split('||').map((part) => part.trim().replace(/^\^/, '').replace(/\.0$/, '').replace(/^(\d+\.\d+)$/, '$1+'));
  return `${lines.slice(0, -1).join(', ')} or ${lines[lines.length - 1] ?? ''}`;
}

describe('.pre-commit-hooks.yaml', () => {
  const hooks = readYaml<HookManifestEntry[]>('.pre-commit-hooks.yaml');
  const hook = hooks.find((h) => h.id === 'driftcheck');

  it('declares the driftcheck hook as a node hook on the package bin, whole-repository and serial', () => {
    expect(hook).toBeDefined();
    expect(hook?.name).toBeTruthy();
    expect(hook?.description).toBeTruthy();
    expect(hook?.language).toBe('node');
    expect(Object.keys(packageJson.bin)).toContain(hook?.entry);
    // the bin is the bundle `npm run build` writes (scripts/bundle.mjs), with its node shebang
    const bin = join(REPO_ROOT, packageJson.bin[hook?.entry ?? ''] ?? '');
    expect(existsSync(bin)).toBe(true);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(hook?.pass_filenames).toBe(false);
    expect(hook?.require_serial).toBe(true);
  });

  it('has a files regex (Python re and JS RegExp alike) that matches what driftcheck reads', () => {
    const files = new RegExp(hook?.files ?? '(?!)');
    const read = [
      'requirements-dev.txt', 'docker/api.Dockerfile', 'compose.prod.yaml', 'app/main.py', 'requirements.txt',
      'backend/requirements-minimal.txt', 'requirements/base.txt', 'requirements.in', 'constraints.txt', 'Dockerfile',
      'services/web/Dockerfile', 'Dockerfile.prod', 'Containerfile', 'docker-compose.yml', 'docker-compose.override.yaml',
      'deploy/compose.yml', '.dockerignore', 'api/Dockerfile.dockerignore', 'pyproject.toml', 'setup.cfg', 'setup.py',
      'package.json', 'frontend/package-lock.json', '.driftcheck.yaml', '.npmrc', 'web/yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb',
      '.yarnrc.yml',
    ];
    for (const path of read) expect(files.test(path), path).toBe(true);
    for (const path of ['README.md', 'docs/compose.md', 'src/index.ts', 'app/templates/base.html', 'notes.txt', 'requirements.md', 'Dockerfile.md/x']) {
      expect(files.test(path), path).toBe(false);
    }
    // Whatever driftcheck's discovery reads must re-run the hook when it changes.
    for (const path of read) if (classify(path) !== null) expect(files.test(path), path).toBe(true);
  });

  it('is packaged so `npm pack` keeps stdout clean (pre-commit reads the tarball name from it)', () => {
    // npm >= 10.5 runs `prepare` in the foreground during `npm pack` and prints its banner on stdout.
    expect(readFileSync(join(REPO_ROOT, '.npmrc'), 'utf8')).toMatch(/^foreground-scripts\s*=\s*false\s*$/m);
    expect(packageJson.files ?? []).toContain('dist/bin/*.js'); // the bin (test/package.test.ts checks the tarball)
  });
});

describe('action.yml (composite GitHub Action)', () => {
  const action = readYaml<ActionManifest>('action.yml');
  const steps = action.runs.steps;
  const INPUT = /\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g;

  it('is a composite action with the documented inputs', () => {
    expect(action.name).toBe('driftcheck');
    expect(action.description).toBeTruthy();
    expect(action.runs.using).toBe('composite');
    for (const input of ['path', 'fail-on', 'args', 'changed-since', 'sarif-file', 'upload-sarif', 'annotations', 'summary', 'node-version']) {
      expect(action.inputs[input]?.description, input).toBeTruthy();
    }
    expect(action.inputs['fail-on']?.default).toBe('error');
    expect(action.inputs['upload-sarif']?.default).toBe('true');
  });

  it('sets up a supported Node with the current setup-node, uploads SARIF with the current CodeQL action, and fails last on --fail-on', () => {
    // Current majors (late 2026): actions/setup-node v7 (July 2026), github/codeql-action v4
    // (v3 is deprecated in December 2026). Both run on the Actions node24 runtime.
    expect(steps[0]?.uses).toBe('actions/setup-node@v7');
    // Node 20 reached its end of life in April 2026: the default is an LTS line the package supports.
    const node = action.inputs['node-version']?.default ?? '';
    expect(node).toBe('24');
    expect(semver.satisfies(`${node}.0.0`, packageJson.engines?.node ?? '')).toBe(true);
    expect(action.inputs['node-version']?.description).toContain(engineLines(packageJson.engines?.node ?? ''));
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).toContain(`Node.js ${engineLines(packageJson.engines?.node ?? '')}`);
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.uses).toBe('github/codeql-action/upload-sarif@v4');
    expect(upload?.if).toContain("inputs.upload-sarif == 'true'");
    const last = steps[steps.length - 1];
    expect(last?.run).toContain('--fail-on "$DRIFTCHECK_FAIL_ON"');
    expect(last?.if).toBeUndefined();
    for (const step of steps.slice(0, -1)) if (step.run?.includes('dist/bin/driftcheck.js" "$DRIFTCHECK_PATH"')) expect(step.run).toContain('--fail-on never');
  });

  // The install step as the runner runs it, on a copy of this working tree without node_modules
  // or dist/ (what actions/checkout of the action gives): npm ci from the npm cache (offline), the
  // build, the version. The step builds explicitly, whatever npm ci's `prepare` does.
  it(
    'its install step builds driftcheck from a clean copy of the action',
    () => {
      const install = steps.find((s) => s.run?.includes('npm ci'));
      expect(install?.run).toContain('npm ci --prefix "$GITHUB_ACTION_PATH"');
      const copy = realpathSync(mkdtempSync(join(tmpdir(), 'driftcheck-action-')));
      cleanups.push(copy);
      hookRepoFromWorkingTree(copy);
      expect(existsSync(join(copy, 'dist')) || existsSync(join(copy, 'node_modules'))).toBe(false);
      const script = join(copy, '..', `${copy.split('/').pop() ?? 'x'}-install.sh`);
      writeFileSync(script, install?.run ?? '');
      cleanups.push(script);
      const env: NodeJS.ProcessEnv = {};
      for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
      const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: copy, encoding: 'utf8', env: { ...env, GITHUB_ACTION_PATH: copy, npm_config_offline: 'true' }, maxBuffer: 64 * 1024 * 1024 });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout.trim().split('\n').pop()).toMatch(/^driftcheck \d+\.\d+\.\d+/);
      expect(readFileSync(join(copy, 'dist/bin/driftcheck.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    },
    10 * 60_000,
  );

  it('runs only shells with an explicit shell, never substitutes inputs into scripts, and uses known formats', () => {
    for (const step of steps) {
      if (step.run === undefined) continue;
      expect(step.shell, step.name).toBe('bash');
      expect(step.run, step.name).not.toMatch(/\$\{\{/);
      for (const [, format] of step.run.matchAll(/--format (\w+)/g)) expect(FORMATS, step.name).toContain(format);
    }
  });

  // Runs the action's shell steps here, as the runner would (bash -eo pipefail, GITHUB_* files),
  // against the dist/ build of this checkout; setup-node, npm ci and the upload are skipped.
  function runAction(workspace: string, given: Record<string, string>): { outputs: Record<string, string>; summary: string; logs: { step: string; status: number; stdout: string; stderr: string }[] } {
    const inputs: Record<string, string> = {};
    for (const [name, spec] of Object.entries(action.inputs)) inputs[name] = given[name] ?? spec.default ?? '';
    const substitute = (text: string): string => text.replace(INPUT, (_, name: string) => inputs[name] ?? '');
    const enabled = (condition: string | undefined): boolean =>
      condition === undefined ||
      condition.split('&&').every((term) => {
        const match = /^\s*inputs\.([\w-]+)\s*(==|!=)\s*'([^']*)'\s*$/.exec(term);
        if (!match) throw new Error(`the test cannot evaluate if: ${condition}`);
        const equal = (inputs[match[1] ?? ''] ?? '') === match[3];
        return match[2] === '==' ? equal : !equal;
      });
    const runner = mkdtempSync(join(tmpdir(), 'driftcheck-runner-'));
    cleanups.push(runner);
    const outputFile = join(runner, 'output');
    const summaryFile = join(runner, 'summary.md');
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    const logs: { step: string; status: number; stdout: string; stderr: string }[] = [];
    for (const [index, step] of steps.entries()) {
      if (step.run === undefined || step.run.includes('npm ci') || !enabled(step.if)) continue;
      const script = join(runner, `step-${index}.sh`);
      writeFileSync(script, step.run);
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', GITHUB_ACTION_PATH: REPO_ROOT, GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile };
      for (const [key, value] of Object.entries(step.env ?? {})) env[key] = substitute(String(value));
      const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: workspace, env, encoding: 'utf8' });
      logs.push({ step: step.name ?? `#${index}`, status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr });
    }
    const outputs: Record<string, string> = {};
    for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
    }
    return { outputs, summary: readFileSync(summaryFile, 'utf8'), logs };
  }

  it('its steps produce SARIF, annotations and a summary, and the last one fails the job on the finding', () => {
    const workspace = realpathSync(mkdtempSync(join(tmpdir(), 'driftcheck-workspace-')));
    cleanups.push(workspace);
    for (const [path, text] of Object.entries(PROJECT)) {
      mkdirSync(dirname(join(workspace, 'shop', path)), { recursive: true });
      writeFileSync(join(workspace, 'shop', path), text);
    }
    gitInit(workspace);
    commitAll(workspace, 'workspace');

    const { outputs, summary, logs } = runAction(workspace, { path: 'shop', 'sarif-file': 'reports/driftcheck.sarif' });
    expect(logs.map((l) => l.step)).toEqual(['driftcheck (SARIF)', 'driftcheck (annotations)', 'driftcheck (job summary)', 'driftcheck']);
    for (const log of logs.slice(0, -1)) expect(log.status, `${log.step}: ${log.stderr}`).toBe(0);
    const final = logs[logs.length - 1];
    expect(final?.status, final?.stderr).toBe(1);
    expect(final?.stdout).toContain('DEP001');

    expect(outputs['sarif-file']).toBe('reports/driftcheck.sarif');
    const sarif = JSON.parse(readFileSync(join(workspace, 'reports/driftcheck.sarif'), 'utf8')) as {
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    const result = sarif.runs[0]?.results.find((r) => r.ruleId === 'DEP001');
    expect(result?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('shop/backend/app/main.py');
    expect(logs[1]?.stdout).toMatch(/^::error .*file=shop\/backend\/app\/main\.py/m);
    expect(summary).toContain('DEP001');
    expect(summary).toContain('chromadb');

    // --changed-since reaches every step: nothing changed since HEAD, so nothing fails.
    const quiet = runAction(workspace, { path: 'shop', 'changed-since': 'HEAD', 'sarif-file': '', annotations: 'false', summary: 'false' });
    expect(quiet.logs.map((l) => [l.step, l.status])).toEqual([['driftcheck', 0]]);
    // Extra args are split into words; fail-on never lets the job pass.
    const lenient = runAction(workspace, { path: 'shop', args: '--select DEP001  --quiet', 'fail-on': 'never', 'sarif-file': '', annotations: 'false', summary: 'false' });
    expect(lenient.logs[0]?.status, lenient.logs[0]?.stderr).toBe(0);
    expect(lenient.logs[0]?.stdout).toContain('DEP001');
  });

  it('passes its baseline input to every run as --baseline (#19 point 5)', async () => {
    const workspace = realpathSync(mkdtempSync(join(tmpdir(), 'driftcheck-workspace-')));
    cleanups.push(workspace);
    for (const [path, text] of Object.entries(PROJECT)) {
      mkdirSync(dirname(join(workspace, 'shop', path)), { recursive: true });
      writeFileSync(join(workspace, 'shop', path), text);
    }
    mkdirSync(join(workspace, 'ci'));
    const update = await runCliInProcess(['shop', '--update-baseline', '--baseline', 'ci/driftcheck-baseline.json'], { cwd: workspace });
    expect(update.status, update.stderr).toBe(0);
    const all = runAction(workspace, { path: 'shop', baseline: 'ci/driftcheck-baseline.json', 'sarif-file': 'driftcheck.sarif' });
    expect(all.logs.map((l) => [l.step, l.status])).toEqual([['driftcheck (SARIF)', 0], ['driftcheck (annotations)', 0], ['driftcheck (job summary)', 0], ['driftcheck', 0]]);
    expect(all.logs[1]?.stdout).not.toMatch(/^::error /m);
    const sarif = JSON.parse(readFileSync(join(workspace, 'driftcheck.sarif'), 'utf8')) as { runs: { results: { suppressions?: unknown[] }[] }[] };
    expect(sarif.runs[0]?.results.length).toBeGreaterThan(0);
    expect(sarif.runs[0]?.results.every((r) => (r.suppressions ?? []).length === 1)).toBe(true);
    expect(action.inputs['baseline']?.description).toBeTruthy();
  });
});
