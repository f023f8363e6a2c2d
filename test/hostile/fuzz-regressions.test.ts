// Shrunk counterexamples the fuzzer found (test/hostile/fuzz.test.ts), kept as unit tests.
import { describe, expect, it } from 'vitest';
import { parseCompose } from '../../src/parsers/compose.js';
import { parsePyproject } from '../../src/parsers/pyproject.js';
import { parseRequirements } from '../../src/parsers/requirements.js';
import { LineIndex } from '../../src/source.js';
import { assertWellBehaved, checkResult } from './fuzz-support.js';

describe('fuzz regressions', () => {
  it('LineIndex: a lone CR ends a line, as in the Dockerfile parser and the Python scanner', () => {
    const index = new LineIndex('a\rb\r\nc\nd');
    expect(index.position(2)).toEqual({ line: 2, column: 1 });
    expect(index.position(5)).toEqual({ line: 3, column: 1 });
    expect(index.position(7)).toEqual({ line: 4, column: 1 });
    assertWellBehaved('dockerfile', 'q\u00e9\rt');
    assertWellBehaved('python-imports', ':\r\ufffd[\ufffd');
  });

  it('requirements: a lone CR ends a line, as pip\'s splitlines() does', () => {
    const text = 'Flask==3.0.3\rreque\rb==1\r\n';
    const model = parseRequirements(text);
    expect(model.requirements.map((r) => [r.name, r.line])).toEqual([['Flask', 1], ['reque', 2], ['b', 3]]);
    expect(checkResult(text, model)).toBeNull();
    assertWellBehaved('requirements', '\r(~=COPY -r <');
  });

  it('compose: a YAML error at end of input stays inside the text', () => {
    const text = '  {COPY !!str dependencies = [<< WORKDIR pip install ';
    const model = parseCompose(text);
    for (const d of model.diagnostics) expect(d.span.end).toBeLessThanOrEqual(text.length);
    assertWellBehaved('compose', '[>\ufffd\ufffdT\b\ufffd\f');
  });

  it('compose: line/column of a YAML error agree with its offset after an unterminated quote', () => {
    assertWellBehaved('compose', '*: .\n    command: ["gunicorn", "-b", \'');
  });

  it('pyproject: an invalid-TOML diagnostic points at the error, not at offset 0', () => {
    const text = '[project]\nAS &a "a>=1"';
    const [d] = parsePyproject(text).diagnostics;
    expect(d?.line).toBe(2);
    expect(d?.span.start).toBe(new LineIndex(text).offset(d?.line ?? 0, d?.column ?? 0));
    assertWellBehaved('pyproject', '\t\u{f4a8f}');
  });
});

describe('fix-engine fuzz regressions', () => {
  it('appending to a file that ends in a lone CR adds no blank line (was "uvicorn==0.32.1\\r\\r\\n")', async () => {
    const { appendLine } = await import('../../src/rules/edits.js');
    const { makeSourceFile } = await import('../../src/source.js');
    const file = makeSourceFile('requirements.txt', 'requirements', 'fastapi==0.115.6\r\nuvicorn==0.32.1\r');
    expect(appendLine(file, 'PyYAML==6.0.2').text).toBe('PyYAML==6.0.2\r\n');
  });
});

describe('pathological-input regressions', () => {
  it('dockerfile: a single line of 50k "#" parses in well under a second (was 10 s in dockerfile-ast)', async () => {
    const { parseDockerfile } = await import('../../src/parsers/dockerfile.js');
    const started = performance.now();
    parseDockerfile('#'.repeat(50_000));
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('1M-run fuzz regressions', () => {
  it('requirements: an empty diagnostic span at a continuation boundary has that line/column', () => {
    assertWellBehaved('requirements', 'if [\\\n# driftcheck: ignore[DEP001] -- r)');
  });

  it('pyproject: a dependency string with leading blanks is located at its name', () => {
    const text = '[project]\ndependencies = [\n    " PyYAML>=6.0",\n]\n';
    const [dep] = parsePyproject(text).dependencies;
    expect(dep?.column).toBe(7);
    assertWellBehaved('pyproject', text);
  });

  it('inputs that were over 1 s once in the niced 1M run parse fast alone (CPU contention, not a hang)', () => {
    assertWellBehaved('requirements', '\u{6841b}\u{f8fd2}\u{40ebe}\u{e7aa9}\u{783ff}', 500);
    assertWellBehaved('requirements', 'fasta\u{9a804}\u{412d4}0.1\ngunicorn==22.0.0\ncelery=\u{f0a35}\u{33c4d}=5', 500);
    assertWellBehaved('compose', '\u{46493}\u{8209d}\u{fd42e}\u{c081b}', 500);
    assertWellBehaved('dockerfile', 'FROM python:3.12-slim\nWORKDIR /app\nRUN pip install -r requirements.txt\n pip install -r requirementall -r require$$ments.txt\nCOPY app/./app/\nCMD ["uvicorn", "app.main:a\u{f4226}", "0.0rt", "8000"]\n"]\n', 500);
  });
});
