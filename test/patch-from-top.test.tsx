// A patch made for a subfolder applies from the repository root (#19 point 7): inside a git work
// tree, --diff, --patch and the interactive view's "w" write paths relative to its top level, so
// `git apply` (from anywhere in the work tree) and `patch -p1` (from the top) accept them.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterAll, describe, expect, it } from 'vitest';
import { audit } from '../src/audit.js';
import { App } from '../src/tui/app.js';
import { workTreePrefix, workTreeTop } from '../src/util/work-tree.js';
import { CLI, REPO_ROOT, run, runCli } from './helpers/cli.js';

const SUTAZAI = join(REPO_ROOT, 'fixtures/projects/sutazai');
const EXPECTED = readFileSync(join(SUTAZAI, 'expected.patch'), 'utf8');

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function must(cwd: string, command: string, ...args: string[]): string {
  const r = run(command, args, cwd);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** A git repository whose `deploy/sutazai/` folder is the example project (one commit). */
function monorepo(): { top: string; sub: string } {
  const top = realpathSync(mkdtempSync(join(tmpdir(), 'driftcheck-top-')));
  temps.push(top);
  const sub = join(top, 'deploy/sutazai');
  mkdirSync(join(top, 'deploy'));
  cpSync(SUTAZAI, sub, { recursive: true });
  for (const name of ['expected.txt', 'expected.json', 'expected.patch']) rmSync(join(sub, name));
  writeFileSync(join(top, 'README.md'), '# monorepo\n');
  must(top, 'git', 'init', '-q');
  must(top, 'git', 'config', 'core.autocrlf', 'false');
  must(top, 'git', 'add', '-A');
  must(top, 'git', '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'monorepo');
  return { top, sub };
}

/** The example's patch with every path under `prefix`. */
function under(prefix: string, patch: string): string {
  return patch
    .replace(/^diff --git a\/(\S+) b\/(\S+)$/gm, `diff --git a/${prefix}$1 b/${prefix}$2`)
    .replace(/^--- a\//gm, `--- a/${prefix}`)
    .replace(/^\+\+\+ b\//gm, `+++ b/${prefix}`);
}

const requirements = (sub: string): string => readFileSync(join(sub, 'backend/requirements.txt'), 'utf8');

describe('patch paths start at the top of the git work tree', () => {
  it('finds the top by walking up to .git (a folder, or a worktree gitfile), without git', () => {
    const { top, sub } = monorepo();
    expect(workTreeTop(sub)).toBe(top);
    expect(workTreePrefix(sub)).toBe('deploy/sutazai/');
    expect(workTreePrefix(top)).toBe('');
    // As git: never up into a GIT_CEILING_DIRECTORIES entry (the folder itself may be one).
    expect(workTreePrefix(sub, { GIT_CEILING_DIRECTORIES: top })).toBe('');
    expect(workTreePrefix(sub, { GIT_CEILING_DIRECTORIES: `${dirname(top)}${delimiter}${sub}` })).toBe('deploy/sutazai/');
    // The same answers as git's own discovery.
    for (const ceiling of [top, join(top, 'deploy'), sub, dirname(top), '']) {
      const git = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: sub, encoding: 'utf8', env: { ...process.env, GIT_CEILING_DIRECTORIES: ceiling } });
      expect(workTreeTop(sub, { GIT_CEILING_DIRECTORIES: ceiling }), ceiling).toBe(git.status === 0 ? git.stdout.trim() : null);
    }
    const plain = realpathSync(mkdtempSync(join(tmpdir(), 'driftcheck-plain-')));
    temps.push(plain);
    // A gitfile (linked worktree, submodule) marks a top as well.
    mkdirSync(join(plain, 'wt/app'), { recursive: true });
    writeFileSync(join(plain, 'wt/.git'), 'gitdir: /elsewhere/.git/worktrees/wt\n');
    expect(workTreePrefix(join(plain, 'wt/app'))).toBe('app/');
  });

  it('driftcheck deploy/sutazai --diff: git apply and patch -p1 accept it from the repository root', () => {
    const { top, sub } = monorepo();
    const before = requirements(sub);
    const out = runCli(['deploy/sutazai', '--diff'], { cwd: top });
    expect(out.status).toBe(0);
    expect(out.stdout).toBe(under('deploy/sutazai/', EXPECTED));
    expect(out.stderr).toBe('4 fixes in 3 files (nothing written; apply with git apply or patch -p1 from the repository root)\n');
    writeFileSync(join(top, 'fix.patch'), out.stdout);
    expect(run('patch', ['-p1', '--dry-run', '-i', 'fix.patch'], top).status).toBe(0);
    must(top, 'git', 'apply', 'fix.patch');
    expect(requirements(sub)).not.toBe(before);
    // Applied: nothing left to fix.
    expect(runCli(['deploy/sutazai', '--diff'], { cwd: top }).stdout).toBe('');
  });

  it('the same patch from inside the folder (--patch FILE): git apply there, patch -p1 at the top', () => {
    const { top, sub } = monorepo();
    const out = runCli(['.', '--patch', 'fix.patch', '--fail-on', 'never'], { cwd: sub });
    expect([out.status, out.stderr]).toEqual([0, 'wrote fix.patch: 4 fixes in 3 files\n']);
    const patch = readFileSync(join(sub, 'fix.patch'), 'utf8');
    expect(patch).toBe(under('deploy/sutazai/', EXPECTED));
    // git reads "diff --git" paths from the top of the work tree, wherever it runs.
    expect(run('git', ['apply', '--check', 'fix.patch'], sub).status).toBe(0);
    const before = requirements(sub);
    must(top, 'patch', '-p1', '-s', '-i', join(sub, 'fix.patch'));
    expect(requirements(sub)).not.toBe(before);
  });

  it('the documented shell line, run at the repository root, applies the fixes', () => {
    const { top, sub } = monorepo();
    const before = requirements(sub);
    const shell = spawnSync('sh', ['-c', `"$NODE" "$CLI" deploy/sutazai --diff > fix.patch && git apply fix.patch`], {
      cwd: top, encoding: 'utf8', env: { ...process.env, NODE: process.execPath, CLI, NO_COLOR: '1' },
    });
    expect(shell.status, shell.stderr).toBe(0);
    expect(requirements(sub)).not.toBe(before);
  });

  it('outside a git work tree, paths stay relative to the audited folder', () => {
    const plain = realpathSync(mkdtempSync(join(tmpdir(), 'driftcheck-nogit-')));
    temps.push(plain);
    cpSync(SUTAZAI, join(plain, 'sutazai'), { recursive: true });
    expect(workTreeTop(plain)).toBeNull();
    const out = runCli(['sutazai', '--diff'], { cwd: plain });
    expect(out.stdout).toBe(EXPECTED);
    writeFileSync(join(plain, 'fix.patch'), out.stdout);
    expect(run('patch', ['-p1', '--dry-run', '-i', '../fix.patch'], join(plain, 'sutazai')).status).toBe(0);
  });

  it('the interactive view writes the same top-relative patch ("a", then "w")', async () => {
    const { top, sub } = monorepo();
    const app = render(<App load={() => audit({ root: sub })} auditOptions={{ root: sub }} root="deploy/sutazai" cwd={top} size={{ columns: 100, rows: 30 }} />);
    try {
      const strip = (t: string | undefined): string => (t ?? '').replace(/\u001B\[[0-9;]*m/g, '');
      const until = async (needle: string): Promise<void> => {
        const end = Date.now() + 10_000;
        while (!strip(app.lastFrame()).includes(needle)) {
          if (Date.now() > end) throw new Error(`timed out waiting for ${needle}:\n${strip(app.lastFrame())}`);
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      await until('first-party-not-in-image');
      const end = Date.now() + 10_000;
      while (app.stdin.listenerCount('readable') === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      app.stdin.write('a');
      app.stdin.write('w');
      await until('Write 4 selected fixes to (default driftcheck.patch): _');
      app.stdin.write('\r');
      await until('Wrote driftcheck.patch: 4 fixes in 3 files');
    } finally {
      app.unmount();
    }
    const patch = readFileSync(join(top, 'driftcheck.patch'), 'utf8');
    expect(patch).toBe(under('deploy/sutazai/', EXPECTED));
    expect(run('git', ['apply', '--check', 'driftcheck.patch'], top).status).toBe(0);
    expect(run('patch', ['-p1', '--dry-run', '-i', 'driftcheck.patch'], top).status).toBe(0);
  });
});
