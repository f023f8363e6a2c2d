// Shared pieces of the parser fuzzing: the parsers by kind, fixture corpora, input generators and
// the structural checks every parse result must pass (spans inside the text, line/column agree).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseDockerignore } from '../../src/model/dockerignore.js';
import { readLockfile } from '../../src/metadata/lockfiles.js';
import { parseCoreMetadata } from '../../src/metadata/requires.js';
import { lockDrift } from '../../src/model/npm-lock.js';
import { parseJsonObject as parseJson } from '../../src/parsers/json.js';
import { parseCompose } from '../../src/parsers/compose.js';
import { parseDotenv } from '../../src/parsers/dotenv.js';
import { readDirective } from '../../src/parsers/directives.js';
import { parseDockerfile } from '../../src/parsers/dockerfile.js';
import { parsePyproject } from '../../src/parsers/pyproject.js';
import { scanPythonImports } from '../../src/parsers/python-imports.js';
import { parseRequirements } from '../../src/parsers/requirements.js';
import { LineIndex } from '../../src/source.js';
import { REPO_ROOT } from '../helpers/cli.js';

export type ParserName =
  | 'requirements'
  | 'dockerfile'
  | 'compose'
  | 'pyproject'
  | 'python-imports'
  | 'directives'
  | 'dotenv'
  | 'dockerignore'
  | 'python-lock'
  | 'core-metadata'
  | 'npm-lock';

/** Paths every fuzzed .dockerignore is asked about, besides each of its own lines read as a path. */
const CONTEXT_PATHS = ['a', 'a/b', 'a/b/c.py', '.git', 'node_modules/x/y.js', 'src/app/__pycache__/m.pyc', 'Dockerfile', 'x y/ü/\n'];

/** A package.json and its lock from one JSON text: `{pkg, lock}` when given, else the text as both. */
function npmLockDrift(text: string): unknown {
  const doc = parseJson(text);
  if (!doc) return null;
  const part = (key: string) => (typeof doc[key] === 'object' && doc[key] !== null && !Array.isArray(doc[key]) ? (doc[key] as Record<string, unknown>) : doc);
  const pkg = part('pkg');
  const workspaces = new Map(Object.entries(pkg).filter((e): e is [string, Record<string, unknown>] => typeof e[1] === 'object' && e[1] !== null && !Array.isArray(e[1])));
  return { drift: lockDrift(pkg, part('lock'), workspaces) };
}

/** Each parser as text -> result; `directives` runs on every line of the text as a comment. */
export const PARSERS: Record<ParserName, (text: string) => unknown> = {
  requirements: parseRequirements,
  dockerfile: parseDockerfile,
  compose: parseCompose,
  pyproject: parsePyproject,
  'python-imports': scanPythonImports,
  directives: (text) => {
    const out = [];
    let offset = 0;
    let line = 1;
    for (const l of text.split('\n')) {
      const d = readDirective(l, offset, line, line + 1);
      if (d) out.push(d);
      offset += l.length + 1;
      line++;
    }
    return { directives: out };
  },
  dotenv: (text) => ({ vars: [...parseDotenv(text)] }),
  dockerignore: (text) => {
    const ignore = parseDockerignore(text);
    const paths = [...CONTEXT_PATHS, ...text.split('\n').slice(0, 50)];
    return { ignored: paths.map((path) => ignore.ignoredBy(path)) };
  },
  'python-lock': (text) => ({ poetry: readLockfile('poetry.lock', text), uv: readLockfile('uv.lock', text) }),
  'core-metadata': parseCoreMetadata,
  'npm-lock': npmLockDrift,
};

const KIND_OF_FILE: [RegExp, ParserName][] = [
  [/(^|\/)(requirements[^/]*|constraints[^/]*|base|prod|dev)\.(txt|in)$/, 'requirements'],
  [/(^|\/)(Dockerfile[^/]*|[^/]*\.dockerfile)$/, 'dockerfile'],
  [/(^|\/)(docker-)?compose[^/]*\.ya?ml$/, 'compose'],
  [/(^|\/)pyproject\.toml$/, 'pyproject'],
  [/\.py$/, 'python-imports'],
  [/(^|\/)\.env[^/]*$/, 'dotenv'],
  [/(^|\/)[^/]*\.dockerignore$/, 'dockerignore'],
  [/(^|\/)(poetry|uv)\.lock$/, 'python-lock'],
  [/(^|\/)(METADATA|PKG-INFO)$/, 'core-metadata'],
  [/(^|\/)package(-lock)?\.json$/, 'npm-lock'],
];

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const abs = join(dir, name);
    if (statSync(abs).isDirectory()) walk(abs, out);
    else out.push(abs);
  }
}

/** Texts of the real fixture files, by the parser that reads them (directives: every kind). */
export function fixtureCorpus(): Record<ParserName, string[]> {
  const files: string[] = [];
  walk(join(REPO_ROOT, 'fixtures'), files);
  const corpus = Object.fromEntries(Object.keys(PARSERS).map((name) => [name, [] as string[]])) as Record<ParserName, string[]>;
  for (const abs of files) {
    if (abs.includes('/adversarial/')) continue;
    const rel = abs.slice(REPO_ROOT.length + 1);
    const kind = KIND_OF_FILE.find(([re]) => re.test(rel))?.[1];
    if (!kind) continue;
    const text = readFileSync(abs, 'utf8');
    if (text.length === 0 || text.length > 20_000) continue;
    corpus[kind].push(text);
    if (text.includes('#')) corpus.directives.push(text);
  }
  return corpus;
}

/** Characters that mean something to at least one parser: far likelier to reach deep states. */
const SYNTAX = [
  '\n', '\r\n', '\r', '\t', ' ', '#', '=', '==', '>=', '~=', '!=', '<', '>', '[', ']', '(', ')', '{', '}', ',', ';', ':', '@',
  '\\', '\\\n', '"', "'", '"""', "'''", '$', '${', '$$', '-', '--', '-r ', '-c ', '-e ', '.', '*', '&', '|', '&&', '<<',
  '<<EOF\n', 'EOF\n', 'FROM ', 'RUN ', 'COPY ', 'CMD ', 'ENV ', 'ARG ', 'WORKDIR ', 'AS ', '--from=', 'pip install ',
  'import ', 'from ', ' as ', 'if ', 'try:\n', 'except ImportError:\n', 'def ', 'class ', '    ', 'services:\n', '  ', '- ',
  '&a ', '*a', '<<: ', '!!str ', '---\n', '...\n', '|\n', '>-\n', 'x', 'a1', 'é', '\u0000', '\ufeff', '\u2028', '😀', '\udc00',
  '# driftcheck: ignore[DEP001] -- r', '# hadolint ignore=DL3008', 'build:', 'context: .', 'command: ', '[project]\n',
  'dependencies = [', '"a>=1"', '[tool.poetry]', 'git+https://x/y.git#egg=z', ' @ https://x/y.whl', '; python_version<"3.9"',
  '**', '**/', '?', '[a-z]', '[^', '[!', '!', '/', 'export ', 'KEY=', '[[package]]\n', 'name = "a"\n', 'version = "1"\n',
  '[package.dependencies]\n', 'Requires-Dist: ', 'Name: ', 'Version: ', 'extra == "x"', '{"', '":', '"packages"', '"node_modules/a"',
];

const NPM_KEYS = ['', 'pkg', 'lock', 'lockfileVersion', 'packages', 'dependencies', 'devDependencies', 'optionalDependencies', 'version', 'link', 'resolved', 'node_modules/a', 'node_modules/b', 'a', 'b', 'workspaces', 'ws', 'ws/node_modules/a', 'requires'];
/** JSON documents built from package.json / lockfile keys, so the drift check sees real shapes. */
const npmJson: fc.Arbitrary<string> = fc
  .letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom<unknown>(1, 2, 3, true, null, '1.0.0', '^1.0.0', '*', 'ws', 'file:ws', 'latest', '>=2 <3', 'node_modules/b', 'npm:a@1'),
      fc.string({ maxLength: 6 }),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom(...NPM_KEYS), tie('value'), { maxKeys: 5 }),
    ),
  }))
  .value.map((v) => JSON.stringify(v));

/** Generators a parser gets besides the four common ones. */
export const EXTRA_GENERATORS: Partial<Record<ParserName, [string, fc.Arbitrary<string>][]>> = { 'npm-lock': [['package JSON', npmJson]] };

export const arbitraries = {
  bytes: fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('utf8')),
  unicode: fc.string({ unit: 'binary', maxLength: 300 }),
  syntax: fc.array(fc.constantFrom(...SYNTAX), { maxLength: 80 }).map((parts) => parts.join('')),
};

type Mutation = { op: 'insert' | 'delete' | 'duplicate' | 'replace'; at: number; len: number; piece: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('insert', 'delete', 'duplicate', 'replace'),
  at: fc.nat(),
  len: fc.nat({ max: 40 }),
  piece: fc.oneof(fc.constantFrom(...SYNTAX), fc.string({ unit: 'binary', maxLength: 8 })),
}) as fc.Arbitrary<Mutation>;

function mutate(text: string, mutations: readonly Mutation[]): string {
  let t = text;
  for (const m of mutations) {
    const at = t.length === 0 ? 0 : m.at % (t.length + 1);
    const end = Math.min(t.length, at + m.len);
    if (m.op === 'insert') t = t.slice(0, at) + m.piece + t.slice(at);
    else if (m.op === 'delete') t = t.slice(0, at) + t.slice(end);
    else if (m.op === 'duplicate') t = t.slice(0, end) + t.slice(at, end) + t.slice(end);
    else t = t.slice(0, at) + m.piece + t.slice(end);
  }
  return t;
}

/** A fixture text of one kind with 1-8 random edits. */
export function mutatedFixture(texts: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...texts), fc.array(mutation, { minLength: 1, maxLength: 8 })).map(([t, ms]) => mutate(t, ms));
}

/**
 * Checks a parse result: every `{start, end}` object anywhere in it (diagnostic, requirement,
 * include, import, directive, word spans...) lies inside the text with start <= end, and every
 * object that has `line`, `column` and `span` (diagnostics, requirements, includes) puts that
 * line/column at the span's start. Returns a description of the first violation, or null.
 */
export function checkResult(text: string, result: unknown): string | null {
  const index = new LineIndex(text);
  const seen = new Set<unknown>();
  const visit = (value: unknown, path: string): string | null => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return null;
    seen.add(value);
    const o = value as Record<string, unknown>;
    if (typeof o['start'] === 'number' && typeof o['end'] === 'number') {
      const s = o['start'];
      const e = o['end'];
      if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e < s || e > text.length) return `${path}: span ${s}..${e} outside text of length ${text.length}`;
    }
    const span = o['span'] as { start?: unknown } | undefined;
    if (typeof o['line'] === 'number' && typeof o['column'] === 'number' && span && typeof span.start === 'number') {
      const pos = index.position(span.start);
      if (pos.line !== o['line'] || pos.column !== o['column']) return `${path}: line/column ${o['line']}:${o['column']} but span starts at ${pos.line}:${pos.column}`;
    }
    for (const [k, v] of Array.isArray(value) ? value.entries() : Object.entries(o)) {
      const problem = visit(v, `${path}.${k}`);
      if (problem) return problem;
    }
    return null;
  };
  return visit(result, '$');
}

/** Runs one parser on one input: never throws, returns within `budgetMs`, result well-formed. */
export function assertWellBehaved(name: ParserName, text: string, budgetMs = 1000): void {
  const started = cpuMs();
  let result: unknown;
  try {
    result = PARSERS[name](text);
  } catch (error) {
    throw new Error(`${name} threw on ${JSON.stringify(text)}: ${error instanceof Error ? error.stack : String(error)}`, { cause: error });
  }
  const elapsed = cpuMs() - started;
  if (elapsed > budgetMs) throw new Error(`${name} took ${elapsed.toFixed(0)} ms of CPU (> ${budgetMs}) on ${JSON.stringify(text.slice(0, 200))}`);
  const problem = checkResult(text, result);
  if (problem) throw new Error(`${name} on ${JSON.stringify(text)}: ${problem}`);
}

/**
 * CPU time of this process (user + system) in ms: budgets use it instead of wall time, so other
 * processes on a loaded 2-core CI machine (vitest runs test files in parallel) cannot fail them.
 */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
