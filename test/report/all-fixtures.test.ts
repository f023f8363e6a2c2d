// Every fixture (fixtures/projects/*, fixtures/rules/*/*) through the CLI (in process) in each machine
// format: SARIF valid against the official 2.1.0 schema plus GitHub code scanning's demands, no
// absolute paths, fingerprints that survive line shifts; JSON valid against
// schema/report.schema.json; GitLab Code Quality issues well formed with repo-relative paths.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log, Result } from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { FIXTURE_DIRS } from './fixtures.js';
import { pool, runCliAsync } from './run-async.js';
import { validateReport, validateSarif } from './validate.js';

interface JsonFinding {
  readonly ruleId: string;
  readonly file: string;
  readonly line: number;
  readonly endLine: number;
  readonly message: string;
  readonly suppressed: boolean;
  readonly fix: { readonly applicability: string } | null;
}

interface Outputs {
  readonly json: { findings: JsonFinding[] } & Record<string, unknown>;
  readonly sarif: Log;
  readonly sarifText: string;
  readonly gitlab: unknown;
  readonly gitlabText: string;
  /** SARIF of a temp copy whose flagged files got SHIFT lines inserted at the top (null: nothing to shift). */
  readonly shifted: { readonly log: Log; readonly files: ReadonlySet<string>; readonly copy: string } | null;
}

const SHIFT = 3;
const outputs = new Map<string, Outputs>();
const temps: string[] = [];

async function format(dir: string, name: string): Promise<string> {
  const run = await runCliAsync(['.', '--format', name, '--fail-on', 'never'], dir);
  if (run.status !== 0 || run.stderr !== '') throw new Error(`--format ${name} in ${dir}: exit ${run.status}: ${run.stderr}`);
  return run.stdout;
}

const fingerprint = (r: Result): string => r.partialFingerprints?.['driftcheck/v1'] ?? '';
const uriOf = (r: Result): string => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
const lineOf = (r: Result): number => r.locations?.[0]?.physicalLocation?.region?.startLine ?? 0;

/** Copies the fixture and pushes every flagged file down by SHIFT lines (a comment in the file's language, or blank lines for JSON and notebooks). */
function shiftedCopy(dir: string, results: readonly Result[]): { copy: string; files: Set<string> } {
  const copy = mkdtempSync(join(tmpdir(), 'driftcheck-shift-'));
  temps.push(copy);
  cpSync(dir, copy, { recursive: true });
  const files = new Set<string>();
  for (const uri of new Set(results.map(uriOf))) {
    const file = decodeURIComponent(uri);
    if (file === '.' || file === '') continue;
    const path = join(copy, file);
    const raw = readFileSync(path, 'utf8');
    const bom = raw.startsWith('\ufeff') ? '\ufeff' : '';
    const text = raw.slice(bom.length);
    if (/^#\s*(syntax|escape|check)\s*=/i.test(text)) continue; // Dockerfile parser directives must stay first
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const comment = /\.[cm]?[jt]sx?$/.test(file) ? '//' : '#';
    const top = /\.(json|ipynb)$/.test(file) ? eol.repeat(SHIFT) : `${comment} shifted by the fingerprint test${eol}${eol.repeat(SHIFT - 1)}`;
    writeFileSync(path, `${bom}${top}${text}`);
    files.add(uri);
  }
  return { copy, files };
}

beforeAll(async () => {
  await pool(FIXTURE_DIRS, async ({ name, dir }) => {
    const [jsonText, sarifText] = await Promise.all([format(dir, 'json'), format(dir, 'sarif')]);
    // GitLab only where there is something to report (an empty report is checked in gitlab.test.ts).
    const hasShown = (JSON.parse(jsonText) as Outputs['json']).findings.some((f) => !f.suppressed);
    const gitlabText = hasShown ? await format(dir, 'gitlab') : '[]\n';
    const sarif = JSON.parse(sarifText) as Log;
    const results = sarif.runs[0]?.results ?? [];
    let shifted: Outputs['shifted'] = null;
    if (results.some((r) => uriOf(r) !== '.')) {
      const { copy, files } = shiftedCopy(dir, results);
      if (files.size > 0) shifted = { log: JSON.parse(await format(copy, 'sarif')) as Log, files, copy };
    }
    outputs.set(name, { json: JSON.parse(jsonText) as Outputs['json'], sarif, sarifText, gitlab: JSON.parse(gitlabText) as unknown, gitlabText, shifted });
  });
}, 900_000);

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function get(name: string): Outputs {
  const o = outputs.get(name);
  if (!o) throw new Error(`no outputs for ${name}`);
  return o;
}

function allUris(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) allUris(item, out);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'uri' && typeof child === 'string') out.push(child);
      else allUris(child, out);
    }
  }
  return out;
}

it('covers every fixture directory', () => {
  expect(FIXTURE_DIRS.filter((f) => f.name.startsWith('projects/')).length).toBeGreaterThan(0);
  expect(FIXTURE_DIRS.filter((f) => f.name.startsWith('rules/')).length).toBeGreaterThan(10);
  expect(outputs.size).toBe(FIXTURE_DIRS.length);
  // Enough fixtures really exercise the shift test.
  expect([...outputs.values()].filter((o) => o.shifted !== null).length).toBeGreaterThan(10);
});

describe.each(FIXTURE_DIRS)('$name', ({ name }) => {
  it('sarif validates against the SARIF 2.1.0 schema', () => {
    const { sarif } = get(name);
    expect(validateSarif(sarif)).toEqual([]);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/^https:\/\//);
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0]?.columnKind).toBe('utf16CodeUnits');
    expect(sarif.runs[0]?.tool.driver.name).toBe('driftcheck');
  });

  it('sarif meets GitHub code scanning requirements', () => {
    const run = get(name).sarif.runs[0];
    const rules = run?.tool.driver.rules ?? [];
    expect(rules.length).toBeGreaterThan(0);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.fullDescription?.text, rule.id).toBeTruthy();
      expect(rule.shortDescription?.text, rule.id).toBeTruthy();
      expect(rule.help?.text, rule.id).toBeTruthy();
      expect(rule.help?.markdown, rule.id).toBeTruthy();
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration?.level);
      expect((rule.properties?.tags ?? []).length, rule.id).toBeGreaterThan(0);
    }
    for (const result of run?.results ?? []) {
      expect(rules.map((r) => r.id)).toContain(result.ruleId);
      expect(rules[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
      expect(result.message.text).toBeTruthy();
      expect(result.locations).toHaveLength(1);
      expect(result.locations?.[0]?.physicalLocation?.artifactLocation?.uriBaseId).toBe('%SRCROOT%');
      expect(lineOf(result)).toBeGreaterThanOrEqual(1);
      expect(result.locations?.[0]?.physicalLocation?.region?.startColumn).toBeGreaterThanOrEqual(1);
      expect(fingerprint(result)).toMatch(/^[0-9a-f]{16}$/);
      for (const related of result.relatedLocations ?? []) expect(result.message.text).toContain(`](${related.id})`);
    }
  });

  it('sarif has no absolute paths', () => {
    const { sarif, sarifText } = get(name);
    expect(sarifText).not.toContain('file:///');
    expect(sarifText).not.toContain(REPO_ROOT);
    for (const uri of allUris(sarif)) {
      expect(uri.startsWith('/'), uri).toBe(false);
      expect(uri, uri).not.toMatch(/^[a-z][a-z0-9+.-]*:/i);
      expect(uri, uri).not.toContain('\\');
    }
    const base = sarif.runs[0]?.originalUriBaseIds?.['%SRCROOT%'];
    expect(base?.uri).toBeUndefined();
  });

  it('sarif mirrors the JSON findings (order, suppressions, fixes) with unique fingerprints', () => {
    const { sarif, json } = get(name);
    const results = sarif.runs[0]?.results ?? [];
    expect(results.map((r) => [r.ruleId, decodeURIComponent(uriOf(r)), lineOf(r)])).toEqual(json.findings.map((f) => [f.ruleId, f.file, f.line]));
    json.findings.forEach((f, i) => {
      const result = results[i];
      expect((result?.suppressions ?? []).length > 0, `${f.ruleId} suppressed`).toBe(f.suppressed);
      if (f.fix === null) expect(result?.fixes).toBeUndefined();
      for (const fix of result?.fixes ?? []) {
        expect(fix.description?.text).toBeTruthy();
        for (const change of fix.artifactChanges) for (const r of change.replacements) expect(r.deletedRegion.charOffset).toBeGreaterThanOrEqual(0);
      }
    });
    expect(new Set(results.map(fingerprint)).size).toBe(results.length);
  });

  it('sarif fingerprints do not change when the flagged files shift down', () => {
    const { sarif, shifted } = get(name);
    if (shifted === null) return;
    const before = sarif.runs[0]?.results ?? [];
    const after = shifted.log.runs[0]?.results ?? [];
    expect(JSON.stringify(shifted.log)).not.toContain(shifted.copy);
    expect(after.map(fingerprint).sort()).toEqual(before.map(fingerprint).sort());
    for (const b of before) {
      const a = after.find((r) => fingerprint(r) === fingerprint(b));
      expect(a?.ruleId).toBe(b.ruleId);
      expect(a && uriOf(a)).toBe(uriOf(b));
      if (a && shifted.files.has(uriOf(b))) expect(lineOf(a), `${b.ruleId} ${uriOf(b)}`).toBe(lineOf(b) + SHIFT);
    }
  });

  it('json validates against schema/report.schema.json', () => {
    expect(validateReport(get(name).json)).toEqual([]);
  });

  it('gitlab code quality issues are well formed, unsuppressed only, with repo-relative paths', () => {
    const { gitlab, gitlabText, json, sarif } = get(name);
    expect(gitlabText).not.toContain(REPO_ROOT);
    expect(Array.isArray(gitlab)).toBe(true);
    const issues = gitlab as Record<string, unknown>[];
    const shown = json.findings.filter((f) => !f.suppressed);
    expect(issues).toHaveLength(shown.length);
    const sarifPrints = (sarif.runs[0]?.results ?? []).filter((r) => !r.suppressions?.length).map(fingerprint);
    issues.forEach((issue, i) => {
      const finding = shown[i];
      expect(Object.keys(issue).sort()).toEqual(['check_name', 'description', 'fingerprint', 'location', 'severity']);
      expect(issue['check_name']).toBe(finding?.ruleId);
      expect(typeof issue['description']).toBe('string');
      expect(issue['description']).toContain(finding?.message);
      expect(issue['fingerprint']).toBe(sarifPrints[i]);
      expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(issue['severity']);
      const location = issue['location'] as { path: string; lines: { begin: number; end: number } };
      expect(Object.keys(location).sort()).toEqual(['lines', 'path']);
      expect(location.path).toBe(finding?.file);
      expect(location.path.startsWith('/')).toBe(false);
      expect(location.path).not.toContain('\\');
      expect(location.lines.begin).toBe(finding?.line);
      expect(location.lines.end).toBeGreaterThanOrEqual(location.lines.begin);
    });
    expect(new Set(issues.map((i) => i['fingerprint'])).size).toBe(issues.length);
  });
});
