// Issue #22: nothing outside the audited root is read or written, and nothing the audited
// repository configures is run. Each case builds its own repository in a temp folder and drives
// the built CLI (or a module directly where the process id matters); hostile files (FIFOs,
// /dev/zero) run bounded, so a regression fails fast instead of hanging or eating the machine.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBaseline } from '../src/baseline.js';
import { writeFixes } from '../src/fix/write.js';
import { makeSourceFile } from '../src/source.js';
import { runCli, type RunResult } from './helpers/cli.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder holding `repo/` (the audited root, one small Python project) and room outside it. */
function workspace(): { top: string; repo: string } {
  const top = realpathSync(mkdtempSync(join(tmpdir(), 'driftcheck-outside-')));
  temps.push(top);
  const repo = join(top, 'repo');
  write(repo, { 'requirements.txt': 'requests==2.32.3\n', 'app.py': 'import requests\nimport redis\n' });
  return { top, repo };
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function mkfifo(path: string): void {
  const made = spawnSync('mkfifo', [path]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
}

const SECRET = 'hunter2-ci-token';

/** Exit 2, one line naming the file, no stack trace, and nothing of the secret. */
function expectConfigError(out: RunResult, message: RegExp): void {
  expect(out.status).toBe(2);
  expect(out.stdout).toBe('');
  expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(out.stderr).toMatch(message);
  expect(out.stderr).not.toContain(SECRET);
}

describe('config files go through the discovery guard (#22 points 1 and 11)', () => {
  it('a .driftcheck.yaml symlinked outside the root is refused, and its content is not printed', () => {
    const { top, repo } = workspace();
    writeFileSync(join(top, 'environ'), `CI_TOKEN=${SECRET}\nHOME=/home/ci\n`);
    symlinkSync(join(top, 'environ'), join(repo, '.driftcheck.yaml'));
    expectConfigError(runCli(['.'], { cwd: repo }), /^driftcheck: \.driftcheck\.yaml: symbolic link points outside the audited root; not read\n$/);
  });

  it('a pyproject.toml symlinked outside the root is not read as config (discovery reports it)', () => {
    const { top, repo } = workspace();
    writeFileSync(join(top, 'secret.toml'), `[tool.driftcheck]\nfailOn = "${SECRET}"\n`);
    symlinkSync(join(top, 'secret.toml'), join(repo, 'pyproject.toml'));
    const out = runCli(['.', '--format', 'json'], { cwd: repo });
    expect(out.status).toBe(1);
    expect(out.stderr).toBe('');
    expect(out.stdout).not.toContain(SECRET);
    expect(out.stdout).toContain('symbolic link points outside the audited root');
  });

  it('a pyproject.toml symlinked to /dev/zero is not read (it used to read 16.8 GB)', () => {
    const { repo } = workspace();
    symlinkSync('/dev/zero', join(repo, 'pyproject.toml'));
    const out = runCli(['.', '--format', 'json'], { cwd: repo, bounded: true });
    expect([out.status, out.stderr]).toEqual([1, '']);
  });

  it('a FIFO .driftcheck.yaml is refused at once instead of hanging', () => {
    const { repo } = workspace();
    mkfifo(join(repo, '.driftcheck.yaml'));
    expectConfigError(runCli(['.'], { cwd: repo, bounded: true }), /^driftcheck: \.driftcheck\.yaml: not a regular file; not read\n$/);
  });

  it('--config may live outside the root, but must be a regular file (a FIFO, /dev/zero)', () => {
    const { top, repo } = workspace();
    writeFileSync(join(top, 'strict.yaml'), 'failOn: never\n');
    expect(runCli(['.', '--config', join(top, 'strict.yaml')], { cwd: repo }).status).toBe(0);
    mkfifo(join(top, 'fifo.yaml'));
    expectConfigError(runCli(['.', '--config', join(top, 'fifo.yaml')], { cwd: repo, bounded: true }), /: not a regular file; not read\n$/);
    expectConfigError(runCli(['.', '--config', '/dev/zero'], { cwd: repo, bounded: true }), /^driftcheck: \/dev\/zero: not a regular file; not read\n$/);
  });

  it('--baseline FILE must be a regular file too (a FIFO is refused, not waited on)', () => {
    const { top, repo } = workspace();
    mkfifo(join(top, 'base.json'));
    const out = runCli(['.', '--baseline', join(top, 'base.json')], { cwd: repo, bounded: true });
    expect([out.status, out.stderr]).toEqual([2, `driftcheck: ${join(top, 'base.json')}: not a regular file; not read\n`]);
  });

  it('a config over the size limit is refused, found or named', () => {
    const { repo } = workspace();
    const big = `# ${'x'.repeat(4000)}\nfailOn: never\n`;
    write(repo, { '.driftcheck.yaml': big, 'big.yaml': big });
    expectConfigError(runCli(['.', '--max-file-size', '1000'], { cwd: repo }), /^driftcheck: \.driftcheck\.yaml: file is 4017 bytes, over the 1000-byte limit; not read\n$/);
    expectConfigError(runCli(['.', '--max-file-size', '1000', '--config', 'big.yaml'], { cwd: repo }), /^driftcheck: big\.yaml: file is 4017 bytes, over the 1000-byte limit; not read\n$/);
  });

  it('an error quotes at most a short, escaped excerpt of the file', () => {
    const { repo } = workspace();
    write(repo, { '.driftcheck.yaml': `failOn: "\\e[31m${SECRET}${'A'.repeat(5000)}"\n` });
    const out = runCli(['.'], { cwd: repo });
    expect(out.status).toBe(2);
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(out.stderr.length).toBeLessThan(200);
    expect(out.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(out.stderr).toMatch(/^driftcheck: \.driftcheck\.yaml:1: "failOn" must be one of error, warning, info, never \(got "\\u001b\[31mhunter2-ci-tokenA{19}\.\.\."\)\n$/);
    write(repo, { '.driftcheck.yaml': `rules:\n  "\\e]0;x\\a${'B'.repeat(300)}": off\n` });
    const key = runCli(['.'], { cwd: repo });
    expect(key.stderr.length).toBeLessThan(200);
    expect(key.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  });
});

describe('--update-baseline, --output and --fix never write outside the root (#22 point 2)', () => {
  const UNTOUCHED = 'not yours\n';

  it('a baseline symlink planted at the default path is refused; its target and the link stay', () => {
    const { top, repo } = workspace();
    writeFileSync(join(top, 'victim'), UNTOUCHED);
    symlinkSync(join(top, 'victim'), join(repo, '.driftcheck-baseline.json'));
    const out = runCli(['.', '--update-baseline'], { cwd: repo });
    expect([out.status, out.stderr]).toEqual([2, 'driftcheck: .driftcheck-baseline.json: is a symbolic link; refusing to write through it\n']);
    expect(readFileSync(join(top, 'victim'), 'utf8')).toBe(UNTOUCHED);
    expect(lstatSync(join(repo, '.driftcheck-baseline.json')).isSymbolicLink()).toBe(true);
  });

  it('a --baseline inside the root whose folder leaves it is refused; one outside the root, named explicitly, is written', () => {
    const { top, repo } = workspace();
    mkdirSync(join(top, 'elsewhere'));
    symlinkSync(join(top, 'elsewhere'), join(repo, 'sub'));
    const out = runCli(['.', '--update-baseline', '--baseline', 'sub/base.json'], { cwd: repo });
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/^driftcheck: sub\/base\.json: refusing to write outside the audited root/);
    expect(existsSync(join(top, 'elsewhere/base.json'))).toBe(false);
    const explicit = runCli(['.', '--update-baseline', '--baseline', join(top, 'base.json')], { cwd: repo });
    expect(explicit.status).toBe(0);
    expect(JSON.parse(readFileSync(join(top, 'base.json'), 'utf8'))).toMatchObject({ version: 2 });
  });

  it('the baseline temp file is created exclusively: a symlink planted at <baseline>.<pid>.tmp is not written through', () => {
    const { top, repo } = workspace();
    writeFileSync(join(top, 'victim'), UNTOUCHED);
    const path = join(repo, 'base.json');
    symlinkSync(join(top, 'victim'), `${path}.${process.pid}.tmp`);
    writeBaseline(path, [], { root: repo, explicit: true });
    expect(readFileSync(join(top, 'victim'), 'utf8')).toBe(UNTOUCHED);
    expect(lstatSync(path).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 2, findings: [] });
  });

  it('--output inside the root does not write through a planted symlink', () => {
    const { top, repo } = workspace();
    writeFileSync(join(top, 'victim'), UNTOUCHED);
    symlinkSync(join(top, 'victim'), join(repo, 'report.sarif'));
    const out = runCli(['.', '--format', 'sarif', '-o', 'report.sarif'], { cwd: repo });
    expect([out.status, out.stderr]).toEqual([2, 'driftcheck: report.sarif: is a symbolic link; refusing to write through it\n']);
    expect(readFileSync(join(top, 'victim'), 'utf8')).toBe(UNTOUCHED);
    const patch = runCli(['.', '--patch', 'report.sarif'], { cwd: repo });
    expect(patch.status).toBe(2);
    expect(readFileSync(join(top, 'victim'), 'utf8')).toBe(UNTOUCHED);
  });

  it('--fix does not write through a symlink planted at its temp path', () => {
    const { top, repo } = workspace();
    writeFileSync(join(top, 'victim'), UNTOUCHED);
    const old = readFileSync(join(repo, 'requirements.txt'), 'utf8');
    symlinkSync(join(top, 'victim'), join(repo, `.requirements.txt.driftcheck-${process.pid}.tmp`));
    writeFixes(repo, [{ original: makeSourceFile('requirements.txt', 'requirements', old), text: `${old}redis==5.2.1\n` }]);
    expect(readFileSync(join(top, 'victim'), 'utf8')).toBe(UNTOUCHED);
    expect(lstatSync(join(repo, 'requirements.txt')).isFile()).toBe(true);
    expect(readFileSync(join(repo, 'requirements.txt'), 'utf8')).toBe(`${old}redis==5.2.1\n`);
  });
});

describe('--changed-since starts nothing the audited repository configures (#22 point 3)', () => {
  function git(cwd: string, ...args: string[]): string {
    const r = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  it('a repo whose .git/config sets core.fsmonitor, a clean filter, textconv and hooks: no marker, same findings', () => {
    const { top, repo } = workspace();
    git(repo, 'init', '-q');
    git(repo, 'config', 'core.autocrlf', 'false');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'first');
    write(repo, { 'app.py': 'import requests\nimport redis\nimport httpx\n' });
    git(repo, 'commit', '-q', '-am', 'imports httpx');
    // Now arm the canary: every program the repository can configure touches the marker.
    const marker = join(top, 'PWNED');
    const canary = join(top, 'canary.sh');
    writeFileSync(canary, `#!/bin/sh\ntouch '${marker}'\ncat\n`);
    chmodSync(canary, 0o755);
    const hooks = join(top, 'hooks');
    mkdirSync(hooks);
    for (const hook of ['post-checkout', 'post-index-change', 'reference-transaction', 'fsmonitor-watchman']) {
      writeFileSync(join(hooks, hook), `#!/bin/sh\ntouch '${marker}'\n`);
      chmodSync(join(hooks, hook), 0o755);
    }
    git(repo, 'config', 'core.fsmonitor', canary);
    git(repo, 'config', 'core.hooksPath', hooks);
    git(repo, 'config', 'filter.canary.clean', canary);
    git(repo, 'config', 'filter.canary.smudge', canary);
    git(repo, 'config', 'diff.canary.textconv', canary);
    git(repo, 'config', 'diff.external', canary);
    git(repo, 'config', 'core.pager', canary);
    writeFileSync(join(repo, '.git/info/attributes'), '* filter=canary diff=canary\n');
    // An edited file (new content, new mtime): a work-tree diff would hash it through the clean filter.
    write(repo, { 'requirements.txt': 'requests==2.32.3\n\n' });

    const out = runCli(['.', '--changed-since', 'HEAD~1', '--format', 'json'], { cwd: repo });
    expect(existsSync(marker), 'a repository-configured program ran').toBe(false);
    expect(out.stderr).toBe('');
    const found = (JSON.parse(out.stdout) as { findings: { ruleId: string; message: string }[] }).findings;
    // HEAD~1 was audited from its objects (cat-file, no smudge filter ran): only httpx is new since then.
    expect(found.filter((f) => f.ruleId === 'DEP001').map((f) => /"([^"]+)"/.exec(f.message)?.[1]).sort()).toEqual(['httpx']);
    // app.py changed since HEAD~1 (httpx) and requirements.txt is edited: with --only-changed both missing modules are in scope.
    const touched = runCli(['.', '--changed-since', 'HEAD~1', '--only-changed', '--format', 'json'], { cwd: repo });
    expect(existsSync(marker), 'a repository-configured program ran').toBe(false);
    const all = (JSON.parse(touched.stdout) as { findings: { ruleId: string; message: string }[] }).findings;
    expect(all.filter((f) => f.ruleId === 'DEP001').map((f) => /"([^"]+)"/.exec(f.message)?.[1]).sort()).toEqual(['httpx', 'redis']);
    const head = runCli(['.', '--changed-since', 'HEAD', '--format', 'json'], { cwd: repo });
    expect(existsSync(marker)).toBe(false);
    expect((JSON.parse(head.stdout) as { findings: { file: string }[] }).findings.every((f) => f.file === 'requirements.txt' || f.file === 'app.py')).toBe(true);

    // The canary is live: git itself, run the ordinary way, starts it.
    spawnSync('git', ['diff', '--name-only', 'HEAD~1'], { cwd: repo });
    expect(existsSync(marker), 'the canary never fires, so this test proves nothing').toBe(true);
  });

  it('GIT_* overrides from the environment are dropped (GIT_DIR pointing elsewhere)', () => {
    const { top, repo } = workspace();
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'first');
    const other = join(top, 'other');
    mkdirSync(other);
    git(other, 'init', '-q');
    const out = runCli(['.', '--changed-since', 'HEAD', '--format', 'json'], { cwd: repo, env: { GIT_DIR: join(other, '.git'), GIT_EXTERNAL_DIFF: '/bin/false' } });
    expect(out.stderr).toBe('');
    expect([out.status, (JSON.parse(out.stdout) as { findings: unknown[] }).findings]).toEqual([0, []]);
  });
});

describe('result-cache entries are validated, not trusted (#22 point 10)', () => {
  /** A workspace with old mtimes (so runs are stored), its own cache folder, and one stored entry. */
  function cached(): { repo: string; cache: string; entry: string; fresh: RunResult; top: string } {
    const { top, repo } = workspace();
    const past = new Date(Date.now() - 3_600_000);
    for (const name of readdirSync(repo)) utimesSync(join(repo, name), past, past);
    const cache = join(top, 'cache');
    const fresh = runCli(['.', '--format', 'json', '--no-cache'], { cwd: repo, env: { DRIFTCHECK_CACHE_DIR: cache } });
    runCli(['.', '--format', 'json'], { cwd: repo, env: { DRIFTCHECK_CACHE_DIR: cache } });
    const names = readdirSync(join(cache, 'results')).filter((n) => n.endsWith('.json'));
    expect(names).toHaveLength(1);
    return { top, repo, cache, entry: join(cache, 'results', names[0] ?? ''), fresh };
  }

  const warm = (repo: string, cache: string, args: string[] = ['--format', 'json']): RunResult =>
    runCli(['.', ...args], { cwd: repo, env: { DRIFTCHECK_CACHE_DIR: cache }, bounded: true });

  /** An entry's report: its second line (the first is the header the check reads, result-cache.ts). */
  const reportOf = (entry: string): { findings: Record<string, unknown>[] } => JSON.parse(readFileSync(entry, 'utf8').split('\n')[1] ?? '') as { findings: Record<string, unknown>[] };

  function doctor(entry: string, change: (report: { findings: Record<string, unknown>[] }) => void): void {
    const [header] = readFileSync(entry, 'utf8').split('\n');
    const report = reportOf(entry);
    change(report);
    writeFileSync(entry, `${header ?? ''}\n${JSON.stringify(report)}`);
  }

  it('a valid-looking entry of the wrong shape is deleted and the audit runs (no internal error)', () => {
    const { repo, cache, entry, fresh } = cached();
    doctor(entry, (report) => Object.assign(report, { findings: 5 }));
    expect(warm(repo, cache)).toEqual(fresh);
    expect(reportOf(entry)).toMatchObject({ findings: [{ ruleId: 'DEP001' }] });
  });

  it('a bogus severity cannot flip the exit code', () => {
    const { repo, cache, entry } = cached();
    doctor(entry, (report) => report.findings.forEach((f) => (f['severity'] = 'catastrophic')));
    const out = warm(repo, cache, []);
    expect(out.status).toBe(1);
    expect(out.stdout).not.toContain('catastrophic');
  });

  it('a FIFO entry is deleted at once instead of hanging', () => {
    const { repo, cache, entry, fresh } = cached();
    rmSync(entry);
    mkfifo(entry);
    expect(warm(repo, cache)).toEqual(fresh);
    expect(lstatSync(entry).isFile()).toBe(true);
  });

  it('an entry symlinked to /dev/zero, or to a doctored entry elsewhere, is not followed', () => {
    const { top, repo, cache, entry, fresh } = cached();
    const doctored = join(top, 'doctored.json');
    writeFileSync(doctored, readFileSync(entry));
    doctor(doctored, (report) => report.findings.forEach((f) => (f['message'] = 'DOCTORED')));
    for (const target of ['/dev/zero', doctored]) {
      rmSync(entry);
      symlinkSync(target, entry);
      expect(warm(repo, cache)).toEqual(fresh);
      expect(lstatSync(entry).isFile()).toBe(true);
    }
    expect(readFileSync(doctored, 'utf8')).toContain('DOCTORED');
  });

  it('temp files a killed run left behind are pruned once old', () => {
    const { repo, cache, entry } = cached();
    const old = join(cache, 'results', 'leftover.json.123-abc.tmp');
    const recent = join(cache, 'results', 'inflight.json.456-def.tmp');
    writeFileSync(old, '{');
    writeFileSync(recent, '{');
    const past = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(old, past, past);
    rmSync(entry); // the next run stores an entry, and prunes
    warm(repo, cache);
    expect([existsSync(old), existsSync(recent), existsSync(entry)]).toEqual([false, true, true]);
  });
});
