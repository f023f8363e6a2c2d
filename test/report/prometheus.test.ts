// --format prometheus: node_exporter textfile metrics, read back with a strict exposition-format
// parser (test/helpers/exposition.ts) and compared with the JSON report of the same audit.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prometheusReport } from '../../src/report/prometheus.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { parseExposition, type MetricFamily } from '../helpers/exposition.js';
import { runCliInProcess } from '../helpers/in-process.js';
import { auditResult, finding } from './synthetic.js';

interface JsonFinding {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly severity: string;
  readonly service: string | null;
  readonly message: string;
  readonly suppressed: boolean;
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function family(families: ReadonlyMap<string, MetricFamily>, name: string): MetricFamily {
  const found = families.get(name);
  if (!found) throw new Error(`no ${name} in the metrics`);
  return found;
}

describe('the strict exposition-format reader used by these tests', () => {
  it('accepts a valid document and rejects each kind of violation', () => {
    const ok = '# HELP a_b Some \\\\ help\\nmore\n# TYPE a_b gauge\na_b{x="q\\"\\\\\\n",y="2"} 1\na_b 2.5e3\n';
    const parsed = parseExposition(ok);
    expect(parsed.get('a_b')?.help).toBe('Some \\ help\nmore');
    expect(parsed.get('a_b')?.samples.map((s) => [s.labels, s.value])).toEqual([[{ x: 'q"\\\n', y: '2' }, 1], [{}, 2500]]);
    const bad: [string, RegExp][] = [
      ['# TYPE a gauge\na 1', /line feed/],
      ['# TYPE a gauge\na{x="a"b"} 1\n', /expected , or }/],
      ['# TYPE a gauge\na{x="\\t"} 1\n', /invalid escape/],
      ['# TYPE a gauge\na 1\na 2\n', /duplicate series/],
      ['# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x="1"} 1\n', /single group/],
      ['a 1\n# TYPE a gauge\n', /after its samples/],
      ['# TYPE a gauge\n# TYPE a gauge\n', /second TYPE/],
      ['# TYPE a gauge\na 1 1700000000000\n', /timestamp/],
      ['# TYPE a gauge\na one\n', /not a float/],
      ['# TYPE a gauge\na{__x="1"} 1\n', /invalid label name/],
      ['# TYPE a gauge\na{1x="1"} 1\n', /invalid label name/],
      ['# TYPE a gauge\na{x="1",x="2"} 1\n', /twice/],
      ['# TYPE 1a gauge\n', /invalid metric name/],
      ['# TYPE a gauges\n', /unknown type/],
      ['# TYPE a gauge\na 1\n# TYPE a_total counter\na_total 1\n# HELP a again\n', /single group/],
    ];
    for (const [text, error] of bad) expect(() => parseExposition(text), text).toThrow(error);
  });
});

describe('prometheus report', () => {
  it('audits the incident fixture into metrics that match its JSON report', async () => {
    const fixture = 'fixtures/projects/sutazai';
    const before = Math.floor(Date.now() / 1000);
    const run = await runCliInProcess([fixture, '--format', 'prometheus', '--fail-on', 'never']);
    const after = Math.ceil(Date.now() / 1000);
    expect(run.status, run.stderr).toBe(0);
    const metrics = parseExposition(run.stdout);
    for (const f of metrics.values()) {
      expect(f.type, f.name).toBe('gauge');
      expect(f.help, f.name).toBeTruthy();
      for (const sample of f.samples) expect(sample.labels['root'], f.name).toBe(fixture);
    }

    const json = JSON.parse((await runCliInProcess([fixture, '--format', 'json', '--fail-on', 'never'])).stdout) as { findings: JsonFinding[] };
    const shown = json.findings.filter((f) => !f.suppressed);

    // One gauge per service x module the image lacks: the incident's chromadb and aio-pika.
    const missing = family(metrics, 'driftcheck_dependency_missing').samples;
    expect(missing.map((s) => [s.labels['service'], s.labels['module'], s.labels['severity'], s.value])).toEqual([
      ['backend', 'aio_pika', 'error', 1],
      ['backend', 'chromadb', 'error', 1],
    ]);
    const dep001 = shown.filter((f) => f.ruleId === 'DEP001');
    expect(missing).toHaveLength(dep001.length);
    for (const sample of missing) {
      expect(dep001.some((f) => f.service === sample.labels['service'] && f.message.startsWith(`"${sample.labels['module']}"`))).toBe(true);
    }

    // Counts per rule and severity, and per severity, are the JSON report's.
    const expected = new Map<string, number>();
    for (const f of shown) expected.set(`${f.ruleId}|${f.ruleName}|${f.severity}`, (expected.get(`${f.ruleId}|${f.ruleName}|${f.severity}`) ?? 0) + 1);
    const counts = family(metrics, 'driftcheck_findings').samples;
    expect(new Map(counts.map((s) => [`${s.labels['rule']}|${s.labels['name']}|${s.labels['severity']}`, s.value]))).toEqual(expected);
    expect(counts.reduce((sum, s) => sum + s.value, 0)).toBe(shown.length);
    const bySeverity = family(metrics, 'driftcheck_findings_by_severity').samples;
    for (const severity of ['error', 'warning', 'info']) {
      expect(bySeverity.find((s) => s.labels['severity'] === severity)?.value, severity).toBe(shown.filter((f) => f.severity === severity).length);
    }
    expect(family(metrics, 'driftcheck_findings_suppressed').samples[0]?.value).toBe(json.findings.length - shown.length);

    expect(family(metrics, 'driftcheck_last_run_success').samples[0]?.value).toBe(1);
    const stamp = family(metrics, 'driftcheck_last_run_timestamp_seconds').samples[0]?.value ?? 0;
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(after);
  });

  it('leaves suppressed findings out of the gauges and counts them apart', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'driftcheck-prom-'));
    temps.push(copy);
    cpSync(join(REPO_ROOT, 'fixtures/projects/sutazai'), copy, { recursive: true });
    writeFileSync(join(copy, '.driftcheck.yaml'), 'ignore:\n  - rules: [DEP001]\n    path: "backend/app/api/vectors.py"\n    reason: chromadb arrives with the next image\n');
    const run = await runCliInProcess(['.', '--format', 'prometheus', '--fail-on', 'never', '--no-cache'], { cwd: copy });
    const metrics = parseExposition(run.stdout);
    expect(family(metrics, 'driftcheck_dependency_missing').samples.map((s) => s.labels['module'])).toEqual(['aio_pika']);
    expect(family(metrics, 'driftcheck_findings').samples.find((s) => s.labels['rule'] === 'DEP001')?.value).toBe(1);
    expect(family(metrics, 'driftcheck_findings_suppressed').samples[0]?.value).toBe(1);
    expect(family(metrics, 'driftcheck_dependency_missing').samples[0]?.labels['root']).toBe('.');
  });

  it('escapes label values, names the program a command lacks, and reports a failed rule', () => {
    const text = prometheusReport(
      auditResult([
        finding({ service: 'we"ird\\svc\nx', module: 'chromadb' }),
        finding({ service: 'we"ird\\svc\nx', module: 'chromadb', file: 'other.py', severity: 'info' }),
        finding({ service: null, module: 'requests', severity: 'info' }),
        finding({ module: 'uvicorn', message: 'the command runs uvicorn, but the image of service "api" never installs uvicorn' }),
        finding({ ruleId: 'DEP001', module: null, severity: 'info' }),
        finding({ ruleId: 'INTERNAL', ruleName: 'internal-error', module: null }),
      ]),
      { displayRoot: 'C:\\repos\\"x"', now: 1_800_000_000_999 },
    );
    const metrics = parseExposition(text);
    const missing = family(metrics, 'driftcheck_dependency_missing').samples;
    expect(missing.map((s) => [s.labels['service'], s.labels['module'], s.labels['severity']])).toEqual([
      ['', 'requests', 'info'],
      ['api', 'uvicorn', 'error'],
      ['we"ird\\svc\nx', 'chromadb', 'error'], // two findings, one series, the worse severity
    ]);
    expect(missing[0]?.labels['root']).toBe('C:\\repos\\"x"');
    expect(family(metrics, 'driftcheck_findings').samples.find((s) => s.labels['rule'] === 'DEP001' && s.labels['severity'] === 'info')?.value).toBe(3);
    expect(family(metrics, 'driftcheck_last_run_success').samples[0]?.value).toBe(0);
    expect(family(metrics, 'driftcheck_last_run_timestamp_seconds').samples[0]?.value).toBe(1_800_000_000);
  });

  it('writes every family, with zero counts, for a clean repository', () => {
    const metrics = parseExposition(prometheusReport(auditResult([]), { displayRoot: '.', now: 0 }));
    expect([...metrics.keys()].sort()).toEqual([
      'driftcheck_dependency_missing',
      'driftcheck_findings',
      'driftcheck_findings_by_severity',
      'driftcheck_findings_suppressed',
      'driftcheck_last_run_success',
      'driftcheck_last_run_timestamp_seconds',
    ]);
    expect(family(metrics, 'driftcheck_findings_by_severity').samples.map((s) => s.value)).toEqual([0, 0, 0]);
    expect(family(metrics, 'driftcheck_dependency_missing').samples).toEqual([]);
  });
});
