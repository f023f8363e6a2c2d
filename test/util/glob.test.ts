// The glob matcher behind .dockerignore, COPY sources and config paths: Docker/Go syntax on
// examples, its RegExp and state-simulation engines agreeing on random patterns and paths, and
// patterns that would make a backtracking RegExp hang staying fast.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, globEnginesForTest } from '../../src/util/glob.js';
import { cpuMs } from '../hostile/fuzz-support.js';

const docker = (pattern: string) => compileGlob(pattern, { doubleStar: true });

describe('glob syntax', () => {
  it.each([
    ['*.pyc', 'a.pyc', true],
    ['*.pyc', 'dir/a.pyc', false],
    ['**/*.pyc', 'a.pyc', true],
    ['**/*.pyc', 'x/y/a.pyc', true],
    ['**', 'x/y', true],
    ['docs/**', 'docs/a/b.md', true],
    ['a?c', 'abc', true],
    ['a?c', 'a/c', false],
    ['[a-c]x', 'bx', true],
    ['[^a-c]x', 'bx', false],
    ['[!a-c]x', 'dx', true],
    ['[z-a]x', 'zx', false], // inverted range: matches nothing, never an invalid RegExp
    ['[]x', 'x', false],
    ['[\\]]', ']', true],
    ['[abc', '[abc', true], // unclosed class: a literal '['
    ['\\*', '*', true],
    ['\\*', 'a', false],
    ['(a|b)+', '(a|b)+', true], // RegExp syntax is literal
    ['**', 'a\nb', true], // names with newlines
    ['a*', 'a\n', true],
  ] as const)('%s vs %j -> %s', (pattern, path, expected) => {
    expect(docker(pattern)(path)).toBe(expected);
  });

  it('without doubleStar, ** is two single stars', () => {
    expect(compileGlob('**.txt', { doubleStar: false })('a/b.txt')).toBe(false);
    expect(compileGlob('**.txt', { doubleStar: false })('b.txt')).toBe(true);
  });

  it('a pattern longer than any path (4,096) matches nothing', () => {
    expect(docker('a'.repeat(4097))('a'.repeat(4097))).toBe(false);
    expect(docker('a'.repeat(4096))('a'.repeat(4096))).toBe(true);
  });

  it('anywhere matches at the root or after any slash', () => {
    const m = compileGlob('*.py', { doubleStar: true, anywhere: true });
    expect([m('a.py'), m('x/y/a.py'), m('x/a.pyc')]).toEqual([true, true, false]);
  });
});

describe('glob engines agree', () => {
  const patternPart = fc.constantFrom('*', '**', '**/', '?', '/', 'a', 'b', '.', '[ab]', '[^a]', '[!/]', '[a-', '\\*', '[]', ']', '-');
  const pattern = fc.array(patternPart, { maxLength: 10 }).map((p) => p.join(''));
  const path = fc.array(fc.constantFrom('a', 'b', '/', '.', '*', '[', ']', '\n'), { maxLength: 14 }).map((p) => p.join(''));
  it.each([true, false])('doubleStar=%s: the direct matcher, the simulation and a RegExp give the same answer', (doubleStar) => {
    let directRuns = 0;
    fc.assert(
      fc.property(pattern, path, fc.boolean(), (p, s, anywhere) => {
        const engines = globEnginesForTest(p, { doubleStar, anywhere });
        if (engines.direct) directRuns++;
        expect(engines.simulate(s)).toBe(engines.regex(s));
        if (engines.direct) expect(engines.direct(s)).toBe(engines.regex(s));
        expect(compileGlob(p, { doubleStar, anywhere })(s)).toBe(engines.regex(s));
      }),
      { numRuns: 20_000, seed: 7 },
    );
    expect(directRuns).toBeGreaterThan(2_000); // both engines were really exercised
  });
});

describe('glob hostile patterns', () => {
  // Each would take minutes to hours as a backtracking RegExp against these paths.
  const cases: [string, string][] = [
    ['*a'.repeat(30) + 'b', 'a'.repeat(200)],
    ['**a'.repeat(30) + 'b', 'a/'.repeat(2000)],
    ['**/a'.repeat(30) + 'b', 'a/'.repeat(2000)],
    ['*'.repeat(100_000) + 'b', 'a'.repeat(5000)],
    ['[a-z]*'.repeat(200), 'a'.repeat(300) + '/'],
    ['*a'.repeat(2000), 'a'.repeat(3999) + 'b'], // 4,000 live states per character
    ['[\\]'.repeat(1000), ']'.repeat(1000) + 'x'], // each '[' would rescan to the end for its ']'
    ['['.repeat(4000), '['.repeat(3999)],
  ];
  it.each(cases.map(([p, s]) => [p.slice(0, 24), p, s]))('%s…', (_label, p, s) => {
    const started = cpuMs();
    expect(docker(p)(s)).toBe(false);
    expect(compileGlob(p, { doubleStar: false })(s)).toBe(false);
    expect(cpuMs() - started).toBeLessThan(2000);
  });
});
