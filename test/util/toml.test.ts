import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import fc from 'fast-check';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { MAX_TOML_DEPTH, TomlTooDeepError, parseToml, tomlTooDeepAt } from '../../src/util/toml.js';
import { REPO_ROOT } from '../helpers/cli.js';

const nested = (depth: number, inner = '1'): string => {
  let value = inner;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? `[${value}, "]]}"]` : `{ k = ${value}, 's' = '}]' }`;
  return value;
};

describe('TOML nesting limit', () => {
  it(`parses ${MAX_TOML_DEPTH} levels and refuses one more, at the bracket too deep`, () => {
    expect(parseToml(`a = ${nested(MAX_TOML_DEPTH)}\n`)).toEqual(parse(`a = ${nested(MAX_TOML_DEPTH)}\n`));
    const text = `# header [[[\n[tool.x]\nb = ${'['.repeat(MAX_TOML_DEPTH + 1)}${']'.repeat(MAX_TOML_DEPTH + 1)}\n`;
    const error = (() => {
      try {
        parseToml(text);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(TomlTooDeepError);
    expect(error).toMatchObject({ line: 3, column: 5 + MAX_TOML_DEPTH, message: `nested deeper than ${MAX_TOML_DEPTH} levels` });
  });

  it('brackets inside strings of every kind and comments do not count', () => {
    const many = '['.repeat(500);
    for (const text of [`a = "${many}"`, `a = '${many}'`, `a = """\n${many}\n"""`, `a = '''\n${many}'''`, `a = 1 # ${many}`, `a = "\\"${many}"`, `a = """x\\"""${many}"""`]) {
      expect(tomlTooDeepAt(text), text.slice(0, 20)).toBeNull();
    }
  });

  it('agrees with the nesting smol-toml builds, for random depths and string contents', () => {
    const filler = fc.constantFrom('"]"', "'['", '"""\n]]\n"""', "'''{{'''", '1', '"\\"]"');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), filler, (depth, inner) => {
        const text = `x = ${nested(depth, inner)}\n`;
        expect(tomlTooDeepAt(text) !== null).toBe(depth > MAX_TOML_DEPTH);
        if (depth <= MAX_TOML_DEPTH) expect(parseToml(text)).toEqual(parse(text));
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('every TOML file in the repository passes the check and parses as smol-toml parses it', () => {
    const files = execSync('git ls-files "*.toml" "*.lock"', { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(`${REPO_ROOT}/${file}`, 'utf8');
      expect(tomlTooDeepAt(text), file).toBeNull();
      let expected: unknown;
      try {
        expected = parse(text);
      } catch (e) {
        expected = (e as Error).message;
      }
      let actual: unknown;
      try {
        actual = parseToml(text);
      } catch (e) {
        actual = (e as Error).message;
      }
      expect(actual, file).toEqual(expected);
    }
  });
});
