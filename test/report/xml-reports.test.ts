// --format junit and --format checkstyle: read back by a real XML parser (expat, test/helpers/xml.ts)
// and compared with the JSON report of the same audit; hostile text must stay well-formed.
import { describe, expect, it } from 'vitest';
import { checkstyleReport } from '../../src/report/checkstyle.js';
import { junitReport } from '../../src/report/junit.js';
import { RULES } from '../../src/rules/index.js';
import { runCliInProcess } from '../helpers/in-process.js';
import { elements, parseXml, parseXmlEach } from '../helpers/xml.js';
import { auditResult, finding } from './synthetic.js';

interface JsonFinding {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly severity: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly suppressed: boolean;
}

const FIXTURE = 'fixtures/projects/sutazai';

async function jsonFindings(): Promise<JsonFinding[]> {
  const run = await runCliInProcess([FIXTURE, '--format', 'json', '--fail-on', 'never']);
  return (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings;
}

// Control characters, a lone surrogate, markup, quotes, a CDATA end and line breaks: none may break the XML.
const HOSTILE = 'a <b> & "c" \'d\' ]]> \u0001\u001b[31m \ud800 tab\there\nnext\r\nline';
const HOSTILE_READ = 'a <b> & "c" \'d\' ]]> \\u0001\\u001B[31m \\uD800 tab\there\nnext\r\nline';

describe('the XML parser used by these tests', () => {
  it('rejects what is not well-formed', () => {
    expect(parseXml('<a x="1"><b>t</b></a>').children[0]?.text).toBe('t');
    const bad = ['<a>&</a>', '<a b="<"/>', '<a>&#1;</a>', '<a><b></a>', '<a/><a/>', '<a>\u0001</a>'];
    expect(parseXmlEach(bad).map((r) => (typeof r === 'string' ? r.slice(0, 21) : r))).toEqual(bad.map(() => 'not well-formed XML: '));
  });
});

describe('junit report', () => {
  it('has one testsuite per rule and one failing testcase per finding of the fixture audit', async () => {
    const run = await runCliInProcess([FIXTURE, '--format', 'junit', '--fail-on', 'never']);
    expect(run.status, run.stderr).toBe(0);
    const root = parseXml(run.stdout);
    const shown = (await jsonFindings()).filter((f) => !f.suppressed);
    expect(root.tag).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: String(shown.length), failures: String(shown.length), errors: '0', skipped: '0' });
    const suites = elements(root, 'testsuite');
    // in the registry's order (`driftcheck rules`)
    const order = RULES.map((r) => `${r.meta.id} ${r.meta.name}`);
    expect(suites.map((s) => s.attrs['name'])).toEqual(order.filter((name) => shown.some((f) => name === `${f.ruleId} ${f.ruleName}`)));
    for (const suite of suites) {
      const rule = suite.attrs['name']?.split(' ')[0];
      const expected = shown.filter((f) => f.ruleId === rule);
      expect(suite.attrs['tests'], rule).toBe(String(expected.length));
      expect(suite.attrs['failures'], rule).toBe(String(expected.length));
      const cases = elements(suite, 'testcase');
      expect(cases.map((c) => [c.attrs['file'], c.attrs['line'], c.attrs['classname']])).toEqual(expected.map((f) => [`${FIXTURE}/${f.file}`, String(f.line), `driftcheck.${f.ruleId}`]));
      for (const [i, testcase] of cases.entries()) {
        const failure = elements(testcase, 'failure')[0];
        expect(failure?.attrs).toEqual({ message: expected[i]?.message, type: expected[i]?.severity });
        expect(failure?.text).toContain(`${FIXTURE}/${expected[i]?.file}:${expected[i]?.line}:${expected[i]?.column}: ${expected[i]?.message}`);
      }
    }
    const chromadb = elements(root, 'failure').find((f) => f.attrs['message']?.startsWith('"chromadb"'));
    expect(chromadb?.text).toContain(`-> ${FIXTURE}/backend/requirements.txt:1 chromadb is not in it`);
    expect(chromadb?.text).toContain('fix (safe): Add chromadb==0.5.0');
  });

  it('marks suppressed findings skipped, stays well-formed with hostile text, and passes one test case when nothing is found', () => {
    const root = parseXml(
      junitReport(
        auditResult([
          finding({ message: HOSTILE, service: HOSTILE, evidence: [{ file: 'x<y>.txt', line: 2, message: HOSTILE }] }),
          finding({ ruleId: 'PROD005', ruleName: 'runs-as-root', severity: 'warning', file: 'Dockerfile', suppressed: { kind: 'inline', reason: 'root & "needed"' } }),
          finding({ file: '.', ruleId: 'PARSE', ruleName: 'parse-error' }),
        ]),
        { pathPrefix: 'svc/' },
      ),
    );
    expect(root.attrs).toMatchObject({ tests: '3', failures: '2', skipped: '1' });
    expect(elements(root, 'testsuite').map((s) => [s.attrs['name'], s.attrs['skipped']])).toEqual([
      ['DEP001 missing-dependency', '0'],
      ['PROD005 runs-as-root', '1'],
      ['PARSE parse-error', '0'],
    ]);
    const [hostile, suppressed, parse] = elements(root, 'testcase');
    expect(elements(hostile ?? root, 'failure')[0]?.attrs['message']).toBe(HOSTILE_READ);
    expect(elements(hostile ?? root, 'failure')[0]?.text).toContain(`-> svc/x<y>.txt:2 ${HOSTILE_READ.replace(/\r\n/g, '\n')}`);
    expect(elements(suppressed ?? root, 'skipped')[0]?.attrs['message']).toBe('suppressed (inline): root & "needed"');
    expect(elements(suppressed ?? root, 'failure')).toEqual([]);
    expect(parse?.attrs['file']).toBe('svc');

    const empty = parseXml(junitReport(auditResult([])));
    expect(empty.attrs).toMatchObject({ tests: '1', failures: '0' });
    expect(elements(empty, 'testcase').map((c) => [c.attrs['name'], c.children.length])).toEqual([['no findings', 0]]);
  });
});

describe('checkstyle report', () => {
  it('has one file element per path and one error per unsuppressed finding of the fixture audit', async () => {
    const run = await runCliInProcess([FIXTURE, '--format', 'checkstyle', '--fail-on', 'never']);
    expect(run.status, run.stderr).toBe(0);
    const root = parseXml(run.stdout);
    expect(root.tag).toBe('checkstyle');
    const shown = (await jsonFindings()).filter((f) => !f.suppressed);
    const files = elements(root, 'file');
    expect(files.map((f) => f.attrs['name'])).toEqual([...new Set(shown.map((f) => `${FIXTURE}/${f.file}`))].sort());
    const read = files.flatMap((file) => elements(file, 'error').map((e) => ({ file: file.attrs['name'], ...e.attrs })));
    const expected = shown.map((f) => ({ file: `${FIXTURE}/${f.file}`, line: String(Math.max(1, f.line)), column: String(Math.max(1, f.column)), severity: f.severity, message: f.message, source: `driftcheck.${f.ruleId}` }));
    const key = (e: { file?: string; line?: string; source?: string; message?: string }): string => `${e.file}|${e.line?.padStart(6, '0')}|${e.source}|${e.message}`;
    expect(read.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(expected.sort((a, b) => key(a).localeCompare(key(b))));
  });

  it('leaves suppressed findings out and stays well-formed with hostile text', () => {
    const root = parseXml(
      checkstyleReport(
        auditResult([
          finding({ message: HOSTILE, file: 'a&b/"q".py' }),
          finding({ severity: 'info', line: 0, column: 0, file: 'a&b/"q".py' }),
          finding({ file: 'hidden.py', suppressed: { kind: 'config', reason: null } }),
        ]),
      ),
    );
    expect(elements(root, 'file').map((f) => f.attrs['name'])).toEqual(['a&b/"q".py']);
    expect(elements(root, 'error').map((e) => [e.attrs['message'], e.attrs['severity'], e.attrs['line'], e.attrs['column']])).toEqual([
      [HOSTILE_READ, 'error', '3', '8'],
      [finding().message, 'info', '1', '1'],
    ]);
    expect(parseXml(checkstyleReport(auditResult([]))).children).toEqual([]);
  });
});
