// Finds, reads and validates the configuration: `--config FILE`, else the nearest of
// `.driftcheck.yaml`/`.yml` or a pyproject.toml with `[tool.driftcheck]`, looked for in the
// audited folder and then each folder above it, up to the repository's top (the folder holding
// `.git`) or the filesystem root, as ruff and ESLint do; else defaults.
// Every problem is one line naming the file, the line when known, the key and what was expected;
// file content appears in a message only as a short, escaped excerpt. Config files are read
// through the same guard as discovery (regular files, size-limited, resolving inside the folder
// they are found in: a symbolic link never leads the search out of it).
import { lstatSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { Composer, LineCounter, Parser, isNode } from 'yaml';
import { DEFAULT_DISCOVER_OPTIONS } from '../discover.js';
import type { Severity } from '../findings/types.js';
import { normalizeName as normalize } from '../util/names.js';
import { parseToml, tomlKeyLines } from '../util/toml.js';
import { MAX_YAML_DEPTH, yamlTooDeepAt } from '../util/yaml-depth.js';
import { errorCode, excerpt, readGuarded, refusalMessage } from '../util/safe-fs.js';
import { DEFAULT_CONFIG, type Config, type IgnoreEntry, type RuleSetting } from './types.js';

export class ConfigError extends Error {}

const CONFIG_FILES = ['.driftcheck.yaml', '.driftcheck.yml'];
const SETTINGS: readonly RuleSetting[] = ['error', 'warning', 'info', 'off'];
const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;
const TOP_KEYS = ['select', 'rules', 'ignore', 'moduleMap', 'allowUnused', 'production', 'development', 'composeSets', 'failOn', 'baseline'] as const;
const IGNORE_KEYS = ['path', 'package', 'rules', 'reason'] as const;

type Path = readonly (string | number)[];

interface RawConfig {
  /** How messages name the file (with ` [tool.driftcheck]` for a pyproject.toml). */
  readonly label: string;
  /** The file alone, for `file:line:` in messages, and what comes before the message. */
  readonly file: string;
  readonly section: string;
  readonly data: unknown;
  readonly lineOf: (path: Path) => number | null;
  /** The audited root relative to the config's folder (POSIX, ending in "/"), "" when the same. */
  readonly pathBase: string;
}

/**
 * What the config needs to know about rules. It is passed in (the CLI builds it from the rule
 * registry: `ruleLookup` in src/rules/index.ts) so this module does not depend on the registry
 * (config sits below rules in the import order).
 */
export interface RuleLookup {
  /** Whether a rule id or name exists. */
  readonly known: (idOrName: string) => boolean;
  /** Whether a `select:` item names rules (an id, a name or an id prefix); default: `known`. */
  readonly selector?: (item: string) => boolean;
  /** The nearest rule id or name to a mistyped one, for "did you mean". */
  readonly suggest?: (word: string) => string | undefined;
  /** The id of the rule a shorthand key stands for (the rule whose meta declares `configShorthand`). */
  readonly shorthand: (key: 'allowUnused') => string | undefined;
  /** What to add to "unknown rule" for a code that was renamed (` (renamed DEP002 … in 0.2.0)`), else ''. */
  readonly hint?: (idOrName: string) => string;
}

export function loadConfig(
  root: string, explicit: string | null, rules: RuleLookup,
  { maxBytes = DEFAULT_DISCOVER_OPTIONS.maxFileBytes, cwd = process.cwd() }: { readonly maxBytes?: number; readonly cwd?: string } = {},
): Config {
  const raw = explicit !== null ? readExplicit(explicit, cwd, maxBytes) : findConfig(resolve(cwd, root), cwd, maxBytes);
  if (!raw) return DEFAULT_CONFIG;
  return validate(raw, rules);
}

/**
 * `--config FILE` may live outside the root (the user named it), but is still a regular file within
 * the limit. `file` as the user wrote it (the label in messages), relative to `cwd`.
 */
function readExplicit(file: string, cwd: string, maxBytes: number): RawConfig {
  const text = readText(resolve(cwd, file), file, null, maxBytes, 'fail');
  if (text === null) throw new ConfigError(`${file}: config file not found`);
  return file.endsWith('.toml') ? fromPyproject(file, text, true, '') ?? { label: file, file, section: '', data: {}, lineOf: () => null, pathBase: '' } : fromYaml(file, text, '');
}

/**
 * The nearest config: in `root`, then in each folder above it, stopping after the folder that
 * holds `.git` (the repository's top) or at the filesystem root. A pyproject.toml without
 * `[tool.driftcheck]` does not stop the search. One in the audited root is named as before
 * (`.driftcheck.yaml`); one above it by its path from the working directory.
 */
function findConfig(root: string, cwd: string, maxBytes: number): RawConfig | null {
  for (let dir = root; ; dir = dirname(dir)) {
    const label = (name: string): string => (dir === root ? name : labelFrom(cwd, join(dir, name)));
    const base = dir === root ? '' : `${relative(dir, root).split(sep).join('/')}/`;
    const found = readConfigIn(dir, label, base, maxBytes);
    if (found !== null) return found;
    if (holdsGit(dir) || dirname(dir) === dir) return null;
  }
}

function readConfigIn(dir: string, label: (name: string) => string, pathBase: string, maxBytes: number): RawConfig | null {
  let dirReal: string;
  try {
    dirReal = realpathSync(dir);
  } catch {
    return null; // a folder above that cannot be resolved holds no config we can read
  }
  for (const name of CONFIG_FILES) {
    const text = readText(join(dir, name), label(name), dirReal, maxBytes, 'fail');
    if (text !== null) return fromYaml(label(name), text, pathBase);
  }
  // A broken, oversized or outside pyproject.toml is reported by the audit itself (PARSE, a
  // discovery warning); here it just has no config.
  const text = readText(join(dir, 'pyproject.toml'), label('pyproject.toml'), dirReal, maxBytes, 'skip');
  return text === null ? null : fromPyproject(label('pyproject.toml'), text, false, pathBase);
}

/** A folder holding `.git` (a directory, or the file of a worktree or submodule) is a repository's top. */
function holdsGit(dir: string): boolean {
  try {
    lstatSync(join(dir, '.git'));
    return true;
  } catch {
    return false;
  }
}

function labelFrom(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' || isAbsolute(rel) ? path : rel.split(sep).join('/');
}

/** The file's text, or null when it does not exist (or is refused, with `onRefusal: 'skip'`). */
function readText(path: string, label: string, rootReal: string | null, maxBytes: number, onRefusal: 'fail' | 'skip'): string | null {
  try {
    const read = readGuarded(path, { rootReal, maxBytes, followLinks: true });
    if (!('refused' in read)) return read.bytes.toString('utf8').replace(/^\uFEFF/, '');
    if (onRefusal === 'skip') return null;
    throw new ConfigError(`${label}: ${refusalMessage(read.refused, read.stat, maxBytes)}`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (onRefusal === 'skip') return null;
    throw new ConfigError(`${label}: cannot read the config file (${errorCode(error)})`);
  }
}

function fromYaml(label: string, text: string, pathBase: string): RawConfig {
  const counter = new LineCounter();
  // What parseDocument does, with the CST checked for depth before the Composer recurses over it.
  const tokens = [...new Parser(counter.addNewLine).parse(text)];
  const tooDeep = yamlTooDeepAt(tokens);
  if (tooDeep !== null) throw new ConfigError(`${label}:${counter.linePos(tooDeep).line}: invalid YAML: nested deeper than ${MAX_YAML_DEPTH} levels`);
  const [doc, second] = [...new Composer({ uniqueKeys: true }).compose(tokens, true, text.length)];
  if (!doc) throw new ConfigError(`${label}: invalid YAML`);
  if (second) throw new ConfigError(`${label}:${counter.linePos(second.range[0]).line}: invalid YAML: more than one document`);
  const first = doc.errors[0];
  if (first) throw new ConfigError(`${label}:${counter.linePos(first.pos[0]).line}: invalid YAML: ${excerpt(first.message.split('\n')[0] ?? '', 120)}`);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    // An unresolved alias or an alias bomb: toJS throws rather than reporting.
    throw new ConfigError(`${label}: invalid YAML: ${excerpt(error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error), 120)}`);
  }
  return {
    label,
    file: label,
    section: '',
    data,
    pathBase,
    lineOf: (path) => {
      const node = doc.getIn(path, true);
      return isNode(node) && node.range ? counter.linePos(node.range[0]).line : null;
    },
  };
}

function fromPyproject(label: string, text: string, required: boolean, pathBase: string): RawConfig | null {
  let data: Record<string, unknown>;
  try {
    data = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    if (!required) return null;
    throw new ConfigError(`${label}: invalid TOML: ${excerpt(error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error), 120)}`);
  }
  const tool = data['tool'] as Record<string, unknown> | undefined;
  const section = tool && typeof tool === 'object' ? tool['driftcheck'] : undefined;
  if (section === undefined) return null;
  const lines = tomlKeyLines(text);
  // The line of the key itself, else of the nearest enclosing key or table written in the file.
  const lineOf = (path: Path): number | null => {
    const full = ['tool', 'driftcheck', ...path.map(String)];
    for (let n = full.length; n >= 2; n--) {
      const line = lines.get(full.slice(0, n).join('\0'));
      if (line !== undefined) return line;
    }
    return null;
  };
  return { label: `${label} [tool.driftcheck]`, file: label, section: '[tool.driftcheck] ', data: section, lineOf, pathBase };
}

// ------------------------------------------------------------------ validation

function validate(raw: RawConfig, { known, selector = known, suggest, shorthand, hint: renamed = () => '' }: RuleLookup): Config {
  const fail = (path: Path, message: string): never => {
    const line = raw.lineOf(path);
    throw new ConfigError(`${raw.file}${line ? `:${line}` : ''}: ${raw.section}${message}`);
  };
  /** ` (renamed DEP002 … in 0.2.0)` for an old code, else ` (did you mean DEP001?)`, else the pointer to the list. */
  const hint = (word: string): string => {
    const near = suggest?.(word);
    return renamed(word) || (near ? ` (did you mean ${near}?)` : ' (run "driftcheck rules" for the list)');
  };
  const rules: RuleCheck = { known, hint };
  const top = asMap(raw.data, [], fail, 'the config');
  for (const key of Object.keys(top)) {
    if (!(TOP_KEYS as readonly string[]).includes(key)) fail([key], `unknown key "${excerpt(key)}" (expected one of: ${TOP_KEYS.join(', ')})`);
  }
  const allowUnused = stringList(top['allowUnused'], ['allowUnused'], fail).map((n) => normalize(n.trim()));
  // `allowUnused: [x]` is shorthand for `ignore: [{package: x, rules: [DEP002]}]` (the rule that declares it).
  const allowRule = shorthand('allowUnused');
  if (allowUnused.length > 0 && allowRule === undefined) fail(['allowUnused'], '"allowUnused": no rule declares this shorthand');
  const allowEntries = allowUnused.map((pkg) => ({ path: null, package: pkg, rules: [allowRule ?? ''], reason: `allowUnused in ${raw.label}` }));
  const select = stringList(top['select'], ['select'], fail).map((item) => item.trim());
  select.forEach((item, i) => {
    if (!selector(item)) fail(['select', i], `"select": unknown rule "${excerpt(item)}"${hint(item)}`);
  });
  return {
    source: raw.label,
    pathBase: raw.pathBase,
    select,
    rules: readRules(top['rules'], fail, rules),
    ignore: [...readIgnores(top['ignore'], fail, rules), ...allowEntries],
    moduleMap: readModuleMap(top['moduleMap'], fail),
    allowUnused,
    production: stringList(top['production'], ['production'], fail),
    development: stringList(top['development'], ['development'], fail),
    composeSets: readComposeSets(top['composeSets'], fail, raw.pathBase),
    failOn: readFailOn(top['failOn'], fail),
    baseline: readBaselinePath(top['baseline'], fail),
  };
}

type Fail = (path: Path, message: string) => never;

interface RuleCheck {
  readonly known: (idOrName: string) => boolean;
  readonly hint: (word: string) => string;
}

function asMap(value: unknown, path: Path, fail: Fail, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return fail(path, `${what} must be a mapping (got ${describe(value)})`);
  return value as Record<string, unknown>;
}

function readRules(value: unknown, fail: Fail, { known, hint }: RuleCheck): Record<string, RuleSetting> {
  const map = asMap(value, ['rules'], fail, '"rules"');
  const out: Record<string, RuleSetting> = {};
  for (const [rule, setting] of Object.entries(map)) {
    if (!known(rule)) fail(['rules', rule], `"rules.${excerpt(rule)}": unknown rule${hint(rule)}`);
    if (typeof setting !== 'string' || !(SETTINGS as readonly string[]).includes(setting)) {
      fail(['rules', rule], `"rules.${excerpt(rule)}" must be one of ${SETTINGS.join(', ')} (got ${describe(setting)})`);
    }
    out[rule] = setting as RuleSetting;
  }
  return out;
}

function readIgnores(value: unknown, fail: Fail, { known, hint }: RuleCheck): IgnoreEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return fail(['ignore'], `"ignore" must be a list of {path, package, rules, reason} entries (got ${describe(value)})`);
  return value.map((item, index) => {
    const at = ['ignore', index];
    const entry = asMap(item, at, fail, `"ignore[${index}]"`);
    for (const key of Object.keys(entry)) {
      if (!(IGNORE_KEYS as readonly string[]).includes(key)) fail([...at, key], `unknown key "ignore[${index}].${excerpt(key)}" (expected one of: ${IGNORE_KEYS.join(', ')})`);
    }
    const path = optionalString(entry['path'], [...at, 'path'], `ignore[${index}].path`, fail);
    const pkg = optionalString(entry['package'], [...at, 'package'], `ignore[${index}].package`, fail);
    const rules = typeof entry['rules'] === 'string' ? [entry['rules']] : stringList(entry['rules'], [...at, 'rules'], fail, `ignore[${index}].rules`);
    for (const rule of rules) if (!known(rule)) fail([...at, 'rules'], `"ignore[${index}].rules": unknown rule "${excerpt(rule)}"${hint(rule)}`);
    if (path === null && pkg === null && rules.length === 0) fail(at, `"ignore[${index}]" needs at least one of path, package, rules`);
    return { path, package: pkg === null ? null : normalize(pkg.trim()), rules, reason: optionalString(entry['reason'], [...at, 'reason'], `ignore[${index}].reason`, fail) };
  });
}

function readModuleMap(value: unknown, fail: Fail): Record<string, readonly string[]> {
  const map = asMap(value, ['moduleMap'], fail, '"moduleMap"');
  const out: Record<string, readonly string[]> = {};
  for (const [module, dist] of Object.entries(map)) {
    if (!/^[A-Za-z_][\w.]*$/.test(module)) fail(['moduleMap', module], `"moduleMap.${excerpt(module)}": not a Python module name`);
    const list = typeof dist === 'string' ? [dist] : stringList(dist, ['moduleMap', module], fail, `moduleMap.${excerpt(module)}`);
    if (list.length === 0) fail(['moduleMap', module], `"moduleMap.${excerpt(module)}" must name a distribution (a string or a list of strings)`);
    out[module] = list;
  }
  return out;
}

function readFailOn(value: unknown, fail: Fail): Severity | 'never' | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !(FAIL_ON as readonly string[]).includes(value)) fail(['failOn'], `"failOn" must be one of ${FAIL_ON.join(', ')} (got ${describe(value)})`);
  return value as Severity | 'never';
}

/**
 * `baseline: path`: relative to the audited root and inside it (the repository chose it), even in
 * a config found above the audited folder: a baseline's entries are paths in the audited folder,
 * so each audited folder has its own.
 */
function readBaselinePath(value: unknown, fail: Fail): string | null {
  const path = optionalString(value, ['baseline'], 'baseline', fail);
  if (path === null) return null;
  const clean = posix.normalize(path.replace(/\\/g, '/'));
  if (posix.isAbsolute(clean) || /^[A-Za-z]:/.test(clean) || clean === '..' || clean.startsWith('../') || clean === '.') {
    fail(['baseline'], `"baseline" must be a file path relative to the audited root, inside it (got "${excerpt(path)}")`);
  }
  return clean;
}

/**
 * `composeSets: [[docker-compose.yml, docker-compose.prod.yml]]`: each a `docker compose -f … -f …`
 * set, relative to the config's folder; rebased onto the audited root (`pathBase`), where files
 * outside it are dropped (they are not audited).
 */
function readComposeSets(value: unknown, fail: Fail, pathBase: string): string[][] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return fail(['composeSets'], `"composeSets" must be a list of lists of compose file paths (got ${describe(value)})`);
  const sets = value.map((set, i) => {
    const files = stringList(set, ['composeSets', i], fail, `composeSets[${i}]`);
    if (files.length === 0) fail(['composeSets', i], `"composeSets[${i}]" must name at least one compose file`);
    return files.map((f) => f.replace(/\\/g, '/').replace(/^\.\//, ''));
  });
  if (pathBase === '') return sets;
  return sets.map((files) => files.filter((f) => f.startsWith(pathBase)).map((f) => f.slice(pathBase.length))).filter((files) => files.length > 0);
}

function stringList(value: unknown, path: Path, fail: Fail, name = String(path[0])): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail(path, `"${name}" must be a list of strings (got ${describe(value)})`);
  return value as string[];
}

function optionalString(value: unknown, path: Path, name: string, fail: Fail): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value === '') fail(path, `"${name}" must be a non-empty string (got ${describe(value)})`);
  return value as string;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${excerpt(value)}"`;
  return `${typeof value} ${excerpt(String(value))}`;
}

