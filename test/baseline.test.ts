// Baselines by fingerprint (#19 point 5): a new subject in a file the baseline knows is new, line
// moves are not; stale entries are reported; `baseline:` in the config is used without a flag;
// format-1 files are still read, by message. Through the CLI, in process.
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../src/findings/fingerprint.js';
import { baselineOf, matchBaseline } from '../src/engine/baseline.js';
import { findingFingerprints } from '../src/report/sarif.js';
import { runCliInProcess } from './helpers/in-process.js';
import { finding } from './report/synthetic.js';
import { validateReport } from './report/validate.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A small Python project with one missing module (redis). */
function project(files: Record<string, string> = {}): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'driftcheck-baseline-')));
  temps.push(dir);
  write(dir, { 'requirements.txt': 'requests==2.32.3\n', 'app.py': 'import requests\nimport redis\n', ...files });
  return dir;
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

interface JsonReport {
  findings: { ruleId: string; file: string; message: string; suppressed: boolean; suppression?: { kind: string } }[];
  warnings: { file: string; message: string }[];
}

async function json(dir: string, args: string[]): Promise<{ status: number; stderr: string; report: JsonReport }> {
  const out = await runCliInProcess(['.', '--format', 'json', ...args], { cwd: dir });
  expect(out.status, out.stderr).not.toBe(2);
  const report = JSON.parse(out.stdout) as JsonReport;
  expect(validateReport(report)).toEqual([]);
  return { status: out.status, stderr: out.stderr, report };
}

/** The modules of the unsuppressed DEP001 findings. */
const missing = (report: JsonReport): string[] =>
  report.findings.filter((f) => f.ruleId === 'DEP001' && !f.suppressed).map((f) => /"([^"]+)"/.exec(f.message)?.[1] ?? f.message).sort();

describe('baseline entries are fingerprints (rule, file, service, message)', () => {
  it('replacing `import redis` by `import boto3` in the same file is a new finding; moving lines is not', async () => {
    const dir = project();
    expect((await runCliInProcess(['.', '--update-baseline', '--baseline', 'base.json'], { cwd: dir })).status).toBe(0);

    write(dir, { 'app.py': '"""Moved down."""\n\nimport requests\nimport redis\n' });
    const moved = await json(dir, ['--baseline', 'base.json']);
    expect([moved.status, missing(moved.report), moved.report.warnings]).toEqual([0, [], []]);

    write(dir, { 'app.py': 'import requests\nimport boto3\n' });
    const swapped = await json(dir, ['--baseline', 'base.json']);
    expect(missing(swapped.report)).toEqual(['boto3']);
    expect(swapped.status).toBe(1);

    const written = JSON.parse(readFileSync(join(dir, 'base.json'), 'utf8')) as { version: number; findings: { fingerprint: string; ruleId: string; file: string; count: number }[] };
    expect(written.version).toBe(2);
    expect(written.findings).toMatchObject([{ ruleId: 'DEP001', file: 'app.py', count: 1 }]);
  });

  it('the fingerprint is the one SARIF and GitLab report (first occurrence)', async () => {
    const dir = project();
    await runCliInProcess(['.', '--update-baseline', '--baseline', 'base.json'], { cwd: dir });
    const entry = (JSON.parse(readFileSync(join(dir, 'base.json'), 'utf8')) as { findings: { fingerprint: string; ruleId: string; file: string; service: string | null; message: string }[] }).findings[0];
    const sarif = await runCliInProcess(['.', '--format', 'sarif'], { cwd: dir });
    const result = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; partialFingerprints: Record<string, string> }[] }[] }).runs[0]?.results.find((r) => r.ruleId === 'DEP001');
    expect(entry && fingerprint(entry)).toBe(entry?.fingerprint);
    expect(result?.partialFingerprints['driftcheck/v1']).toBe(entry?.fingerprint);
    expect(entry && findingFingerprints([entry, entry])).toEqual([entry?.fingerprint, expect.not.stringMatching(entry?.fingerprint ?? '')]);
  });

  it('an entry counts its findings: two in the baseline, three now, one is new (the last in report order)', () => {
    const twin = (line: number) => finding({ line, endLine: line });
    const baseline = baselineOf([twin(3), twin(9)]);
    expect(baseline.entries).toMatchObject([{ count: 2 }]);
    const now = [twin(4), twin(10), twin(20)];
    const { findings, stale } = matchBaseline(now, baseline);
    expect(findings.map((f) => f.suppressed !== false)).toEqual([true, true, false]);
    expect(stale).toEqual([]);
    expect(matchBaseline([twin(1)], baseline).stale).toMatchObject([{ count: 1, ruleId: 'DEP001', file: 'app/main.py' }]);
  });
});

describe('stale baseline entries', () => {
  it('are listed in the text summary and as JSON warnings, and do not change the exit code', async () => {
    const dir = project({ 'app.py': 'import requests\nimport redis\nimport celery\n' });
    await runCliInProcess(['.', '--update-baseline', '--baseline', 'base.json'], { cwd: dir });
    write(dir, { 'app.py': 'import requests\nimport redis\n' }); // celery fixed
    const text = await runCliInProcess(['.', '--baseline', 'base.json'], { cwd: dir });
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^warning: app\.py: stale baseline entry in base\.json, no such finding any more: DEP001 "celery" is imported but not declared as a dependency; --update-baseline drops it\nNo problems found/m);
    const out = await json(dir, ['--baseline', 'base.json']);
    expect(out.report.warnings).toEqual([{ file: 'app.py', message: expect.stringMatching(/^stale baseline entry in base\.json, .*"celery"/) }]);
  });

  it('an entry of a rule that did not run (--select) is unchecked, not stale', async () => {
    const dir = project({ 'app.py': 'import requests\nimport redis\n', 'requirements.txt': 'requests==2.32.3\nflask==3.1.0\n' });
    await runCliInProcess(['.', '--update-baseline', '--baseline', 'base.json'], { cwd: dir });
    const rules = (JSON.parse(readFileSync(join(dir, 'base.json'), 'utf8')) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId);
    expect(rules.length).toBeGreaterThan(1); // DEP001 for redis and the unused flask
    const out = await json(dir, ['--baseline', 'base.json', '--select', 'DEP001']);
    expect(out.report.warnings).toEqual([]);
  });
});

describe('baseline: in the configuration', () => {
  it('is used without --baseline, written by --update-baseline, and --baseline wins', async () => {
    const dir = project({ '.driftcheck.yaml': 'baseline: ci/driftcheck-baseline.json\n' });
    mkdirSync(join(dir, 'ci'));
    const update = await runCliInProcess(['.', '--update-baseline'], { cwd: dir });
    expect([update.status, update.stderr]).toEqual([0, 'wrote ci/driftcheck-baseline.json: 1 finding in the baseline\n']);
    const clean = await json(dir, []);
    expect([clean.status, missing(clean.report)]).toEqual([0, []]);
    expect(clean.report.findings.find((f) => f.ruleId === 'DEP001')?.suppression?.kind).toBe('baseline');
    // From the parent folder, the path is still relative to the audited root.
    const parent = await runCliInProcess([dir, '--format', 'json'], { cwd: dirname(dir) });
    expect(parent.status).toBe(0);
    // An explicit --baseline replaces the configured one.
    writeFileSync(join(dir, 'empty.json'), '{"version": 2, "findings": []}\n');
    expect(missing((await json(dir, ['--baseline', 'empty.json'])).report)).toEqual(['redis']);
  });

  it('in a config found above the audited folder, stays relative to the audited folder', async () => {
    const top = project({ '.driftcheck.yaml': 'baseline: .driftcheck-baseline.json\n' });
    write(top, { 'services/api/requirements.txt': 'requests==2.32.3\n', 'services/api/app.py': 'import requests\nimport redis\n' });
    mkdirSync(join(top, '.git'));
    const update = await runCliInProcess(['services/api', '--update-baseline'], { cwd: top });
    expect([update.status, update.stderr]).toEqual([0, 'wrote services/api/.driftcheck-baseline.json: 1 finding in the baseline\n']);
    expect(readFileSync(join(top, 'services/api/.driftcheck-baseline.json'), 'utf8')).toContain('"file": "app.py"');
    expect((await runCliInProcess(['services/api'], { cwd: top })).status).toBe(0);
  });

  it('is the same in [tool.driftcheck] of pyproject.toml', async () => {
    const dir = project({ 'pyproject.toml': '[tool.driftcheck]\nbaseline = "base.json"\n' });
    await runCliInProcess(['.', '--update-baseline'], { cwd: dir });
    expect(readFileSync(join(dir, 'base.json'), 'utf8')).toContain('"version": 2');
    expect((await runCliInProcess(['.'], { cwd: dir })).status).toBe(0);
  });

  it('must stay inside the audited root: a path that leaves it, or a link out of it, is refused (exit 2, one line)', async () => {
    const dir = project({ '.driftcheck.yaml': 'baseline: ../elsewhere.json\n' });
    const out = await runCliInProcess(['.'], { cwd: dir });
    expect([out.status, out.stderr]).toEqual([2, 'driftcheck: .driftcheck.yaml:1: "baseline" must be a file path relative to the audited root, inside it (got "../elsewhere.json")\n']);

    const outside = project();
    writeFileSync(join(outside, 'base.json'), '{"version": 2, "findings": []}\n');
    const linked = project({ '.driftcheck.yaml': 'baseline: base.json\n' });
    symlinkSync(join(outside, 'base.json'), join(linked, 'base.json'));
    const refused = await runCliInProcess(['.'], { cwd: linked });
    expect([refused.status, refused.stderr]).toEqual([2, 'driftcheck: base.json: symbolic link points outside the audited root; not read\n']);
    const write = await runCliInProcess(['.', '--update-baseline'], { cwd: linked });
    expect([write.status, write.stderr]).toEqual([2, 'driftcheck: base.json: is a symbolic link; refusing to write through it\n']);
  });

  it('a configured baseline that does not exist yet is a one-line error', async () => {
    const dir = project({ '.driftcheck.yaml': 'baseline: base.json\n' });
    const out = await runCliInProcess(['.'], { cwd: dir });
    expect([out.status, out.stdout, out.stderr]).toEqual([2, '', 'driftcheck: base.json: cannot read the baseline (ENOENT); create it with --update-baseline\n']);
  });
});

describe('format-1 baselines (driftcheck 0.1: counts per file and rule)', () => {
  const FORMAT_1 = {
    version: 1,
    tool: 'driftcheck',
    findings: { 'app.py': { DEP001: { count: 1, messages: { '"redis" is imported but not declared as a dependency': 1 } } } },
  };

  it('are read by rule, file and message with a note, so a new module in the same file is reported', async () => {
    const dir = project();
    writeFileSync(join(dir, 'old.json'), JSON.stringify(FORMAT_1));
    const same = await json(dir, ['--baseline', 'old.json']);
    expect([same.status, missing(same.report)]).toEqual([0, []]);
    expect(same.stderr).toBe('note: old.json: a format-1 baseline (counts per file and rule); its findings are matched by rule, file and message; rewrite it with --update-baseline\n');

    write(dir, { 'app.py': 'import requests\nimport boto3\n' });
    const swapped = await json(dir, ['--baseline', 'old.json']);
    expect([swapped.status, missing(swapped.report)]).toEqual([1, ['boto3']]);
    expect(swapped.report.warnings).toEqual([{ file: 'app.py', message: expect.stringContaining('DEP001 "redis" is imported') }]);

    // --update-baseline rewrites it in format 2.
    await runCliInProcess(['.', '--update-baseline', '--baseline', 'old.json'], { cwd: dir });
    expect((JSON.parse(readFileSync(join(dir, 'old.json'), 'utf8')) as { version: number }).version).toBe(2);
  });

  it('are read with the rule codes of 0.1 translated (DEP004 was unused-dependency, now DEP002)', async () => {
    const dir = project({ 'requirements.txt': 'requests==2.32.3\nflask==3.1.0\n' });
    const findings = {
      'app.py': FORMAT_1.findings['app.py'],
      'requirements.txt': { DEP004: { count: 1, messages: { '"flask" is declared as a dependency but nothing imports or runs it': 1 } } },
    };
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ ...FORMAT_1, findings }));
    const out = await json(dir, ['--baseline', 'old.json']);
    expect(out.report.findings.filter((f) => !f.suppressed)).toEqual([]);
    expect(out.report.findings.find((f) => f.ruleId === 'DEP002')?.suppression?.kind).toBe('baseline');
    expect(out.report.warnings).toEqual([]);
  });

  it('a file of neither format is a one-line error naming the expected shape', async () => {
    const dir = project();
    writeFileSync(join(dir, 'bad.json'), '{"version": 2, "findings": [{"ruleId": "DEP001"}]}');
    const out = await runCliInProcess(['.', '--baseline', 'bad.json'], { cwd: dir });
    expect([out.status, out.stdout]).toEqual([2, '']);
    expect(out.stderr).toMatch(/^driftcheck: bad\.json: not a driftcheck baseline \(expected \{"version": 2, "findings": \[\{fingerprint, ruleId, file, service, message, count\}\]\}\); recreate it with --update-baseline\n$/);
  });
});
