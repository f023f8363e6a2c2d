// Issue #19: the command line as users who know ruff, ESLint and hadolint expect it. The documented
// fix line runs in a real shell with the real `git apply`; exit codes of the spawned CLI where a
// process matters (a user without read access), the rest in process.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HELP } from '../src/cli/args.js';
import { sarifLog } from '../src/report/sarif.js';
import { RULES } from '../src/rules/index.js';
import { CLI, REPO_ROOT, gitCopy, run } from './helpers/cli.js';
import { runCliInProcess } from './helpers/in-process.js';

const SUTAZAI = join(REPO_ROOT, 'fixtures/projects/sutazai');
const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function temp(prefix: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `driftcheck-${prefix}-`)));
  temps.push(dir);
  return dir;
}

function tree(files: Record<string, string>): string {
  const dir = temp('usage');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function sutazaiRepo(): string {
  const dir = gitCopy(SUTAZAI);
  temps.push(dir);
  return dir;
}

/** A folder with a `driftcheck` on PATH that runs the built CLI, as an installed package would. */
function installedBin(): string {
  const bin = temp('bin');
  writeFileSync(join(bin, 'driftcheck'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`);
  chmodSync(join(bin, 'driftcheck'), 0o755);
  return bin;
}

describe('the documented fix line works as written (#19.1)', () => {
  // The line as the README's "Typical flows" writes it (without its comment), also in --help.
  const documented = /^(driftcheck \. --diff > fix\.patch && git apply fix\.patch)\s+#/m.exec(README)?.[1] ?? '';

  it('the README and --help show the same line', () => {
    expect(documented).toBe('driftcheck . --diff > fix.patch && git apply fix.patch');
    expect(HELP).toContain(documented);
  });

  it('applies the safe fixes in a real shell on a git repository, then has nothing left to apply', () => {
    const repo = sutazaiRepo();
    const env = { ...process.env, NO_COLOR: '1', PATH: `${installedBin()}:${process.env['PATH'] ?? ''}` };
    const first = spawnSync('sh', ['-c', documented], { cwd: repo, encoding: 'utf8', env });
    expect(first.stderr).toMatch(/^\d+ fix(es)? in \d+ files? \(nothing written; apply with git apply or patch -p1\)\n$/);
    expect(first.status).toBe(0);
    const changed = run('git', ['diff', '--name-only'], repo).stdout.split('\n').filter(Boolean);
    expect(changed).toContain('backend/requirements.txt');
    expect(readFileSync(join(repo, 'backend/requirements.txt'), 'utf8')).toMatch(/^chromadb==/m);
    // Nothing left: --diff exits 1 with an empty patch, so `&&` stops before git apply.
    const again = spawnSync('sh', ['-c', documented], { cwd: repo, encoding: 'utf8', env });
    expect(again.status).toBe(1);
    expect(again.stderr).toBe('nothing to fix: no patch printed\n');
    expect(readFileSync(join(repo, 'fix.patch'), 'utf8')).toBe('');
  });

  it('--diff: 0 with a patch, 1 with nothing to fix, whatever the findings; --exit-zero makes both 0', async () => {
    expect((await runCliInProcess([SUTAZAI, '--diff'])).status).toBe(0);
    const nothing = await runCliInProcess([SUTAZAI, '--diff', '--select', 'PROD005']);
    expect([nothing.status, nothing.stdout]).toEqual([1, '']);
    expect((await runCliInProcess([SUTAZAI, '--diff', '--select', 'PROD005', '--exit-zero'])).status).toBe(0);
  });
});

describe('unknown rules on the command line are usage errors (#19.2)', () => {
  it.each([
    [['--select', 'DEP01'], 'driftcheck: --select: unknown rule "DEP01" (did you mean DEP001?)\n'],
    [['--ignore', 'missing-dependancy'], 'driftcheck: --ignore: unknown rule "missing-dependancy" (did you mean missing-dependency?)\n'],
    [['--select', 'PROD,PRD'], 'driftcheck: --select: unknown rule "PRD" (did you mean PROD?)\n'],
    [['--select', 'NOTARULE'], 'driftcheck: --select: unknown rule "NOTARULE" (run "driftcheck rules" for the list)\n'],
    [['--ignore', 'DEP006'], 'driftcheck: --ignore: unknown rule "DEP006" (renamed MOD003 missing-extra in 0.2.0)\n'],
  ])('%j exits 2 with one line', async (args, message) => {
    const out = await runCliInProcess([SUTAZAI, ...args]);
    expect([out.status, out.stdout, out.stderr]).toEqual([2, '', message]);
  });

  it('ids, names and prefixes in any case still select', async () => {
    for (const select of ['DEP001', 'dep001', 'missing-dependency', 'DEP', 'prod00', 'PROD001,PIN']) {
      const out = await runCliInProcess([SUTAZAI, '--select', select, '--format', 'json']);
      expect(out.status, select).toBe(1);
      expect((JSON.parse(out.stdout) as { findings: unknown[] }).findings.length, select).toBeGreaterThan(0);
    }
  });

  it('the config file suggests the rule too', async () => {
    const dir = tree({ 'app.py': 'import os\n', '.driftcheck.yaml': 'rules:\n  DEP01: off\n' });
    const out = await runCliInProcess(['.'], { cwd: dir });
    expect([out.status, out.stderr]).toEqual([2, 'driftcheck: .driftcheck.yaml:2: "rules.DEP01": unknown rule (did you mean DEP001?)\n']);
  });
});

describe('an audited path that cannot be read is a usage error (#19.3)', () => {
  it('a file, or a path that does not exist, exits 2 naming it', async () => {
    const dir = tree({ 'app.py': 'import os\n' });
    for (const [path, message] of [['app.py', '"app.py" is not a directory'], ['missing', '"missing" is not a directory']]) {
      const out = await runCliInProcess([path], { cwd: dir });
      expect([out.status, out.stdout, out.stderr]).toEqual([2, '', `driftcheck: ${message}\n`]);
    }
  });

  it('a directory the user cannot read exits 2 naming it (as root: run as nobody)', (ctx) => {
    const top = temp('unreadable');
    chmodSync(top, 0o755);
    const locked = join(top, 'locked');
    mkdirSync(locked);
    writeFileSync(join(locked, 'app.py'), 'import redis\n');
    chmodSync(locked, 0o000);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const probe = spawnSync(process.execPath, ['-e', `require('fs').readFileSync(${JSON.stringify(CLI)})`], asNobody);
    if (probe.status !== 0) ctx.skip('the unprivileged user cannot read the built CLI in this checkout');
    try {
      const out = spawnSync(process.execPath, [CLI, 'locked'], { cwd: top, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', DRIFTCHECK_CACHE_DIR: join(top, 'cache') }, ...asNobody });
      expect([out.status, out.stdout, out.stderr]).toEqual([2, '', 'driftcheck: "locked": cannot read the directory (EACCES)\n']);
    } finally {
      chmodSync(locked, 0o755);
    }
  });
});

describe('user mistakes are named as such, not "internal error" (#19.9)', () => {
  it('-o into a missing folder or onto a directory', async () => {
    const dir = temp('output');
    const missing = await runCliInProcess([SUTAZAI, '-o', join(dir, 'nonexistent/x.json'), '--format', 'json']);
    expect([missing.status, missing.stderr]).toEqual([2, `driftcheck: ${join(dir, 'nonexistent/x.json')}: cannot write (ENOENT: its folder does not exist)\n`]);
    const folder = await runCliInProcess([SUTAZAI, '-o', dir]);
    expect([folder.status, folder.stderr]).toEqual([2, `driftcheck: ${dir}: cannot write (EISDIR: it is a directory)\n`]);
    // The issue's own examples (nothing is written: the folder is missing, /tmp is a directory).
    const literal = await runCliInProcess([SUTAZAI, '-o', '/nonexistent/dir/x.json']);
    expect([literal.status, literal.stderr]).toEqual([2, 'driftcheck: /nonexistent/dir/x.json: cannot write (ENOENT: its folder does not exist)\n']);
    const tmp = await runCliInProcess([SUTAZAI, '-o', '/tmp']);
    expect([tmp.status, tmp.stderr]).toEqual([2, 'driftcheck: /tmp: cannot write (EISDIR: it is a directory)\n']);
    const patch = await runCliInProcess([SUTAZAI, '--patch', join(dir, 'no/such/fix.patch')]);
    expect([patch.status, patch.stderr]).toEqual([2, `driftcheck: ${join(dir, 'no/such/fix.patch')}: cannot write (ENOENT: its folder does not exist)\n`]);
  });

  it.each([
    [['--formt', 'json'], 'driftcheck: unknown option --formt (did you mean --format?)\n'],
    [['--exit-zeros'], 'driftcheck: unknown option --exit-zeros (did you mean --exit-zero?)\n'],
    [['--no-colour'], 'driftcheck: unknown option --no-colour (did you mean --no-color?)\n'],
    [['--bogus'], 'driftcheck: unknown option --bogus (run "driftcheck --help" for the options)\n'],
    [['-x'], 'driftcheck: unknown option -x (run "driftcheck --help" for the options)\n'],
    [['--format'], 'driftcheck: --format needs a value\n'],
    [['--diff=yes'], 'driftcheck: --diff takes no value\n'],
    [['--format', 'jsno'], 'driftcheck: unknown --format "jsno" (expected one of: text, concise, json, sarif, github, markdown, gitlab, junit, checkstyle, prometheus) (did you mean json?)\n'],
    [['--color=sometimes'], 'driftcheck: --color expects always, never or auto, got "sometimes"\n'],
  ])('%j is one line of our own', async (args, message) => {
    const out = await runCliInProcess([SUTAZAI, ...args]);
    expect([out.status, out.stdout, out.stderr]).toEqual([2, '', message]);
  });

  it('`driftcheck help` prints what --help prints', async () => {
    const help = await runCliInProcess(['help']);
    expect(help).toEqual({ status: 0, stdout: HELP, stderr: '' });
    expect((await runCliInProcess(['--help'])).stdout).toBe(HELP);
  });

  it('`driftcheck rules --format json` lists every rule with id, name, severity, fixable and summary', async () => {
    const out = await runCliInProcess(['rules', '--format', 'json']);
    expect(out.status).toBe(0);
    const rules = JSON.parse(out.stdout) as { id: string; name: string; severity: string; fixable: boolean; summary: string }[];
    expect(rules.map((r) => r.id)).toEqual(RULES.map((r) => r.meta.id));
    for (const rule of RULES) {
      expect(rules.find((r) => r.id === rule.meta.id)).toMatchObject({ name: rule.meta.name, severity: rule.meta.severity, fixable: rule.meta.fix !== 'none', summary: rule.meta.summary });
    }
    const sarif = await runCliInProcess(['rules', '--format', 'sarif']);
    expect([sarif.status, sarif.stderr]).toEqual([2, 'driftcheck: driftcheck rules prints text or json, not --format sarif\n']);
  });
});

describe('rule documentation cites only what users have (#19.10)', () => {
  it.each(RULES.map((r) => [r.meta.id]))('%s: explain and the SARIF rule help name no design document', async (id) => {
    const explained = await runCliInProcess(['explain', id]);
    expect(explained.status).toBe(0);
    const rule = sarifLog({ root: '.', findings: [], files: [], services: [], warnings: [] }).runs[0]?.tool.driver.rules?.find((r) => r.id === id);
    for (const text of [explained.stdout, rule?.help?.markdown ?? '', rule?.fullDescription?.text ?? '']) {
      expect(text).not.toMatch(/DESIGN(\.md)?|§|style-anchors|landscape/);
    }
  });
});

describe('SUP001 never deletes a misspelt suppression (#19.11)', () => {
  it('--fix leaves `ignore[DEP01]` and its reason alone, and still removes a stale, well-formed one', async () => {
    const dir = tree({
      'requirements.txt': 'requests==2.32.3\nhttpx==0.28.1  # driftcheck: ignore[unused-dependency] -- loaded by a plugin\n',
      'app.py': 'import requests\nimport httpx\nimport yaml  # driftcheck: ignore[DEP01] -- from the base image\nimport redis  # driftcheck: ignore[DEP006] -- a code from before 0.2.0\n',
    });
    const before = readFileSync(join(dir, 'app.py'), 'utf8');
    const fixed = await runCliInProcess(['.', '--fix', '--select', 'SUP001'], { cwd: dir });
    expect(fixed.stderr).toContain('fixed 1 finding in 1 file');
    expect(readFileSync(join(dir, 'app.py'), 'utf8')).toBe(before);
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).toBe('requests==2.32.3\nhttpx==0.28.1\n');
    expect(fixed.stdout).toContain('suppression names an unknown rule: DEP01 (did you mean DEP001?) [unsafe fix]');
    // A code renamed in 0.2.0 is offered its new code, not the nearest spelling (DEP001).
    expect(fixed.stdout).toContain('suppression names an unknown rule: DEP006 (did you mean MOD003?) [unsafe fix]');
  });
});

describe('one line per finding, statistics and the usual switches (#19.14)', () => {
  const LINE = /^(\S+):(\d+):(\d+): ([A-Z]+\d{3}|PARSE)( \[\*\])? \S.*$/;

  it('--format concise: `path:line:col: CODE message`, paths that open from the working directory, then the summary', async () => {
    const out = await runCliInProcess(['fixtures/projects/sutazai', '--format', 'concise']);
    expect(out.status).toBe(1);
    const lines = out.stdout.trimEnd().split('\n');
    const json = JSON.parse((await runCliInProcess(['fixtures/projects/sutazai', '--format', 'json'])).stdout) as { findings: { file: string; line: number; column: number; ruleId: string; suppressed: boolean }[] };
    const shown = json.findings.filter((f) => !f.suppressed);
    expect(lines.slice(0, -1)).toHaveLength(shown.length);
    lines.slice(0, -1).forEach((line, i) => {
      const [, path = '', lineNo, col, code] = LINE.exec(line) ?? [];
      expect(line).toMatch(LINE);
      expect(existsSync(join(REPO_ROOT, path)), path).toBe(true);
      expect([path, Number(lineNo), Number(col), code]).toEqual([`fixtures/projects/sutazai/${shown[i]?.file ?? ''}`, shown[i]?.line, shown[i]?.column, shown[i]?.ruleId]);
    });
    expect(lines.at(-1)).toMatch(/^Found \d+ problems/);
    expect(out.stdout).toContain('fixtures/projects/sutazai/backend/app/api/vectors.py:3:8: DEP001 [*] "chromadb" is imported');
  });

  it('-q prints the same lines and nothing else', async () => {
    const concise = (await runCliInProcess(['.', '--format', 'concise'], { cwd: SUTAZAI })).stdout;
    const quiet = await runCliInProcess(['.', '-q'], { cwd: SUTAZAI });
    expect(quiet.status).toBe(1);
    expect(quiet.stdout).toBe(concise.slice(0, concise.lastIndexOf('Found ')));
    for (const line of quiet.stdout.trimEnd().split('\n')) expect(line).toMatch(LINE);
  });

  it('--statistics counts the findings of each rule, most first (text and json)', async () => {
    const json = JSON.parse((await runCliInProcess([SUTAZAI, '--format', 'json'])).stdout) as { findings: { ruleId: string; suppressed: boolean }[] };
    const expected = new Map<string, number>();
    for (const f of json.findings) if (!f.suppressed) expected.set(f.ruleId, (expected.get(f.ruleId) ?? 0) + 1);
    const stats = await runCliInProcess([SUTAZAI, '--statistics', '--format', 'json']);
    expect(stats.status).toBe(1);
    const rows = JSON.parse(stats.stdout) as { code: string; name: string; count: number; fixable: number }[];
    expect(new Map(rows.map((r) => [r.code, r.count]))).toEqual(expected);
    expect(rows.map((r) => r.count)).toEqual([...rows.map((r) => r.count)].sort((a, b) => b - a));
    const text = (await runCliInProcess([SUTAZAI, '--statistics'])).stdout.trimEnd().split('\n');
    expect(text).toHaveLength(expected.size);
    expect(text).toContain(`${String(expected.get('DEP001')).padStart(String(rows[0]?.count).length)}  DEP001   [*] missing-dependency`);
  });

  it('--exit-zero exits 0 with findings, but a usage error is still 2', async () => {
    expect((await runCliInProcess([SUTAZAI, '--exit-zero'])).status).toBe(0);
    expect((await runCliInProcess([SUTAZAI])).status).toBe(1);
    expect((await runCliInProcess([SUTAZAI, '--exit-zero', '--select', 'DEP01'])).status).toBe(2);
  });

  it('--exclude GLOB (repeatable) leaves files and folders out of discovery', async () => {
    const audit = async (args: string[]): Promise<{ files: number; findings: string[] }> => {
      const report = JSON.parse((await runCliInProcess([SUTAZAI, '--format', 'json', '--no-cache', ...args])).stdout) as { summary: { files: number }; findings: { ruleId: string; file: string }[] };
      return { files: report.summary.files, findings: report.findings.map((f) => `${f.ruleId} ${f.file}`) };
    };
    const all = await audit([]);
    expect(all.findings).toContain('DEP001 backend/app/api/vectors.py');
    expect(all.findings).toContain('DEP001 backend/app/api/mesh.py');
    const without = await audit(['--exclude', 'backend/app/api/vectors.py', '--exclude', './backend/app/api/mesh.py']);
    expect(without.files).toBe(all.files - 2);
    expect(without.findings).not.toContain('DEP001 backend/app/api/vectors.py');
    expect(without.findings).not.toContain('DEP001 backend/app/api/mesh.py');
    const folder = await audit(['--exclude', 'backend/app/']);
    expect(folder.findings.some((r) => r.includes(' backend/app/'))).toBe(false);
    expect(folder.files).toBeLessThan(without.files);
  });

  it('--cache-dir DIR holds the result cache, and wins over DRIFTCHECK_CACHE_DIR', async () => {
    const dir = tree({ 'requirements.txt': 'requests==2.32.3\n', 'app.py': 'import requests\n' });
    // Files changed in the last seconds are not cached (they could change again unseen).
    const old = new Date(Date.now() - 3_600_000);
    for (const name of ['requirements.txt', 'app.py']) utimesSync(join(dir, name), old, old);
    const flag = temp('cache-flag');
    const variable = temp('cache-env');
    const first = await runCliInProcess(['.', '--cache-dir', flag], { cwd: dir, env: { DRIFTCHECK_CACHE_DIR: variable } });
    expect(first.status).toBe(0);
    expect(readdirSync(join(flag, 'results')).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    expect(existsSync(join(variable, 'results'))).toBe(false);
  });

  it('colour: --color=always|never|auto, FORCE_COLOR, NO_COLOR and --no-color', async () => {
    // Not a terminal (the in-process helper's stdout is a pipe): no colour unless asked.
    const cases: [string[], Record<string, string>, boolean][] = [
      [[], {}, false],
      [['--color=always'], {}, true],
      [['--color', 'always'], {}, true],
      [['--color'], {}, true],
      [['--color=auto'], { FORCE_COLOR: '1' }, true],
      [['--color', 'auto'], {}, false],
      [[], { FORCE_COLOR: '1' }, true],
      [[], { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
      [[], { FORCE_COLOR: '0' }, false],
      [[], { FORCE_COLOR: '' }, false],
      [['--color=never'], { FORCE_COLOR: '1' }, false],
      [['--no-color'], { FORCE_COLOR: '1' }, false],
      [['--color=never', '--color=always'], {}, true],
      [['--format', 'concise', '--color=always'], {}, true],
    ];
    for (const [args, env, expected] of cases) {
      const out = await runCliInProcess([SUTAZAI, '--select', 'PROD001', ...args], { env: { NO_COLOR: '', ...env } });
      expect(out.stdout.includes('\u001b['), `${args.join(' ')} ${JSON.stringify(env)}`).toBe(expected);
    }
    // FORCE_COLOR is for the terminal: a report written with -o stays plain unless --color=always.
    const file = join(temp('color-out'), 'report.txt');
    await runCliInProcess([SUTAZAI, '-o', file], { env: { FORCE_COLOR: '1' } });
    expect(readFileSync(file, 'utf8')).not.toContain('\u001b[');
    await runCliInProcess([SUTAZAI, '-o', file, '--color=always']);
    expect(readFileSync(file, 'utf8')).toContain('\u001b[');
  });
});
