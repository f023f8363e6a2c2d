// The layers stay visible (#14): imports flow one way, from the command line down to the shared
// vocabulary, and the model has no import cycles. Type-only imports count as well: a type from a
// higher layer would still couple the lower one to it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';

const SRC = join(REPO_ROOT, 'src');

/** Lower ranks are lower layers; a file may import only from its own rank or below. */
const RANK: Readonly<Record<string, number>> = {
  findings: 0, util: 0, version: 0, source: 0, knowledge: 0,
  parsers: 1, discover: 1,
  model: 2, config: 2,
  metadata: 3, parallel: 3,
  rules: 4,
  engine: 5, audit: 5, baseline: 5,
  fix: 6,
  report: 7, cache: 7,
  tui: 8, cli: 8,
  index: 9,
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

const layerOf = (file: string): string => {
  const parts = relative(SRC, file).split(sep);
  return parts.length === 1 ? (parts[0] ?? '').replace(/\.tsx?$/, '') : (parts[0] ?? '');
};

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s+'(\.[^']+)'/gm)].map((m) => resolve(dirname(file), m[1] ?? '').replace(/\.js$/, '.ts'));
}

describe('architecture', () => {
  const files = sources(SRC);

  it('every source file belongs to a known layer', () => {
    expect(files.map(layerOf).filter((layer) => RANK[layer] === undefined)).toEqual([]);
  });

  it('no import runs up a layer', () => {
    const upward: string[] = [];
    for (const file of files) {
      for (const target of importsOf(file)) {
        const from = RANK[layerOf(file)] ?? -1;
        const to = RANK[layerOf(target)] ?? 99;
        if (to > from) upward.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('knowledge/ is a leaf of data: at run time it imports nothing but its own helpers', () => {
    const knowledge = files.filter((f) => layerOf(f) === 'knowledge');
    expect(knowledge.length).toBeGreaterThan(0);
    for (const file of knowledge) expect(readFileSync(file, 'utf8')).not.toMatch(/^\s*import\s(?!type\s)[^;]*from\s+'(?!\.\/[a-z-]+\.js')/m);
  });

  it('rules do not parse files: the Repository parses each file once (pyprojectAt, jsonAt, the parsed maps)', () => {
    const rules = files.filter((f) => layerOf(f) === 'rules');
    expect(rules.length).toBeGreaterThan(20);
    for (const file of rules) {
      const text = readFileSync(file, 'utf8');
      expect(text, relative(SRC, file)).not.toMatch(/from '(?:\.\.\/)+parsers\/(?:pyproject|requirements|dockerfile|compose|python-imports|json|dotenv|index)\.js'/);
      expect(text, relative(SRC, file)).not.toMatch(/\bJSON\.parse\(/);
    }
  });

  it('model/ has no import cycle', () => {
    const model = files.filter((f) => layerOf(f) === 'model');
    const edges = new Map(model.map((f) => [f, importsOf(f).filter((t) => layerOf(t) === 'model')]));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of edges.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of model) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
