// Catastrophic-backtracking and super-linear hang detector (issue #9): every parser and the import
// scanner on pathological inputs. The 2 s budget is deliberately generous: this is a hang detector,
// not a benchmark (performance is measured in bench/). Each input is ~50k-200k characters.
import { describe, expect, it } from 'vitest';
import { PARSERS, checkResult, cpuMs, type ParserName } from './fuzz-support.js';

const N = 50_000;
// Inputs of many short lines that are not requirements stay at 500 lines: the requirements parser
// sends each line it cannot parse itself to pip-requirements-js, ~0.5 ms a line (linear, not a
// hang; 8,000 such lines took ~4 s on this 2-core machine), which would blow the budget at 10k.
const LINES = 500;
const INPUTS: Record<string, string> = {
  'a x 50k': 'a'.repeat(N),
  'spaces x 50k': ' '.repeat(N),
  'tabs then x': '\t'.repeat(N) + 'x',
  'newlines x 50k': '\n'.repeat(N),
  'CR x 50k': '\r'.repeat(N),
  'CRLF x 50k': '\r\n'.repeat(N),
  '# x 50k': '#'.repeat(N),
  'nested [': '['.repeat(N),
  'nested (': '('.repeat(N),
  'nested {': '{'.repeat(N),
  'balanced brackets': '['.repeat(N / 2) + ']'.repeat(N / 2),
  '[( mix': '[('.repeat(N / 2),
  'backslash continuations': 'a \\\n'.repeat(N / 4),
  'backslashes': '\\'.repeat(N),
  '${ nesting': '${'.repeat(N / 2) + 'X' + '}'.repeat(N / 2),
  '${ unclosed': '${'.repeat(N / 2),
  '$$$': '$'.repeat(N),
  'quotes': '"'.repeat(N),
  "single quotes": "'".repeat(N),
  'triple quotes': '"""'.repeat(N / 3),
  'name==1.0 long specifier': 'pkg' + '==1.0,'.repeat(N / 6),
  'long dotted import': 'import ' + 'a.'.repeat(N / 2) + 'a\n',
  'from-import list': 'from x import (' + 'a, '.repeat(N / 3) + ')\n',
  'many imports': 'import os\n'.repeat(LINES),
  'dashes': '-'.repeat(N),
  'option soup': '-r '.repeat(N / 3),
  'equals': '='.repeat(N),
  'semicolons markers': 'a; ' + 'python_version<"3" and '.repeat(N / 24),
  'at signs': '@'.repeat(N),
  'YAML deep flow': 'x: ' + '['.repeat(5000) + ']'.repeat(5000),
  'YAML deep block': Array.from({ length: LINES }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'),
  'YAML many anchors': Array.from({ length: LINES }, (_, i) => `a${i}: &a${i} [${i > 0 ? `*a${i - 1}, *a${i - 1}` : '1'}]`).join('\n'),
  'Dockerfile many continuations': 'RUN ' + 'echo \\\n'.repeat(N / 7),
  'Dockerfile heredocs': 'RUN <<EOF\n'.repeat(LINES),
  'Dockerfile JSON array': 'CMD [' + '"a",'.repeat(N / 4),
  'TOML deep': 'a = ' + '['.repeat(5000) + ']'.repeat(5000),
  'TOML long string': 'a = "' + 'x'.repeat(N),
  'directive': '# driftcheck: ignore[' + 'A,'.repeat(N / 2),
  'directive spaces': '# driftcheck: ignore[x]' + ' --'.repeat(N / 3) + ' ',
  'hadolint spaces': '# hadolint ignore=' + 'DL3008 ,'.repeat(N / 8) + '!',
  'unicode': '😀é\u0000\ufeff'.repeat(N / 4),
};

const BUDGET_MS = 2000;

describe.each(Object.keys(PARSERS) as ParserName[])('pathological input: %s', (name) => {
  it.each(Object.keys(INPUTS))('%s', (label) => {
    const text = INPUTS[label] ?? '';
    const started = cpuMs(); // CPU time, not wall time: robust on a loaded machine
    const result = PARSERS[name](text);
    const elapsed = cpuMs() - started;
    expect(elapsed, `${name} on "${label}" took ${elapsed.toFixed(0)} ms`).toBeLessThan(BUDGET_MS);
    expect(checkResult(text, result)).toBeNull();
  });
});
