// pyproject.toml: the dependencies a project declares (PEP 621 and Poetry). smol-toml gives no
// positions, so each dependency string is located by searching the text after the section.
import { parseToml } from '../util/toml.js';
import { LineIndex } from '../source.js';
import { parseRequirements } from './requirements.js';
import type { ParseDiagnostic, Requirement } from './types.js';

export interface PyprojectModel {
  readonly name: string | null;
  readonly requiresPython: string | null;
  /** `[project] dependencies` and Poetry's `[tool.poetry.dependencies]` (python aside), each name once. */
  readonly dependencies: readonly Requirement[];
  /** Extras (`[project.optional-dependencies]`), by name: what `pip install .[extra]` adds. */
  readonly optional: Readonly<Record<string, readonly Requirement[]>>;
  /** Every other table of dependencies: extras, dependency groups, dev tables of Poetry, uv and PDM. */
  readonly tables: readonly DependencyTable[];
  /** `[tool.setuptools.dynamic]`: the requirements files `dependencies` and each extra are read from. */
  readonly dynamic: DynamicDependencies;
  readonly diagnostics: readonly ParseDiagnostic[];
}

/**
 * One table of dependencies besides the main list. An extra and a dependency group of the same
 * name are two tables (`[project.optional-dependencies] bar` is installed by `pip install .[bar]`,
 * `[dependency-groups] bar` never is).
 */
export interface DependencyTable {
  /** extra: `[project.optional-dependencies]`; group: `[dependency-groups]`, Poetry groups; dev: uv's and PDM's dev tables, Poetry's `dev-dependencies`. */
  readonly kind: 'extra' | 'group' | 'dev';
  readonly name: string;
  /** Where it is written, e.g. `dependency-groups.test`, `tool.uv.dev-dependencies`. */
  readonly section: string;
  /** Its own entries (`{include-group = …}` entries are in `includes`). */
  readonly requirements: readonly Requirement[];
  /** `[dependency-groups]` names this group includes (PEP 735 `{include-group = "name"}`). */
  readonly includes: readonly string[];
}

export interface DynamicDependencies {
  /** Files of `dependencies = {file = [...]}`; empty when not dynamic. */
  readonly dependencies: readonly string[];
  /** Files of each `[tool.setuptools.dynamic.optional-dependencies]` entry, by extra. */
  readonly optional: Readonly<Record<string, readonly string[]>>;
}

const NO_DYNAMIC: DynamicDependencies = { dependencies: [], optional: {} };

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parsePyproject(text: string): PyprojectModel {
  let data: Table;
  try {
    data = parseToml(text) as Table;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] ?? 'invalid TOML' : 'invalid TOML';
    const line = error && typeof error === 'object' && 'line' in error && typeof error.line === 'number' ? error.line : 1;
    const column = error && typeof error === 'object' && 'column' in error && typeof error.column === 'number' ? error.column : 1;
    // The span sits where the TOML parser stopped; line/column are recomputed from it so they agree.
    const index = new LineIndex(text);
    const start = index.offset(line, column);
    const at = index.position(start);
    return { name: null, requiresPython: null, dependencies: [], optional: {}, tables: [], dynamic: NO_DYNAMIC, diagnostics: [{ message: `invalid TOML: ${message}`, line: at.line, column: at.column, span: { start, end: start }, severity: 'error' }] };
  }
  const locator = new Locator(text);
  const project = isTable(data['project']) ? data['project'] : {};
  const tool = isTable(data['tool']) ? data['tool'] : {};
  const poetry = isTable(tool['poetry']) ? tool['poetry'] : {};
  const uv = isTable(tool['uv']) ? tool['uv'] : {};
  const pdm = isTable(tool['pdm']) ? tool['pdm'] : {};
  const dependencies = locator.all(strings(project['dependencies']));
  const optional: Record<string, Requirement[]> = {};
  const tables: DependencyTable[] = [];
  const extras = isTable(project['optional-dependencies']) ? project['optional-dependencies'] : {};
  for (const [extra, list] of Object.entries(extras)) {
    optional[extra] = locator.all(strings(list));
    tables.push({ kind: 'extra', name: extra, section: `project.optional-dependencies.${extra}`, requirements: optional[extra], includes: [] });
  }
  const groups = isTable(data['dependency-groups']) ? data['dependency-groups'] : {};
  for (const [group, list] of Object.entries(groups)) {
    const includes = Array.isArray(list) ? list.flatMap((item) => (isTable(item) && typeof item['include-group'] === 'string' ? [item['include-group']] : [])) : [];
    tables.push({ kind: 'group', name: group, section: `dependency-groups.${group}`, requirements: locator.all(strings(list)), includes });
  }
  if (isTable(poetry['dependencies'])) {
    // `[project] dependencies` and Poetry's table may name the same distribution (Poetry adds a source or version to it): one declaration.
    const listed = new Set(dependencies.map((r) => r.key));
    for (const requirement of poetryDeps(poetry['dependencies'], locator)) if (!listed.has(requirement.key)) dependencies.push(requirement);
  }
  const poetryGroups = isTable(poetry['group']) ? poetry['group'] : {};
  for (const [group, body] of Object.entries(poetryGroups)) {
    if (isTable(body) && isTable(body['dependencies'])) tables.push({ kind: 'group', name: group, section: `tool.poetry.group.${group}.dependencies`, requirements: poetryDeps(body['dependencies'], locator), includes: [] });
  }
  if (isTable(poetry['dev-dependencies'])) tables.push({ kind: 'dev', name: 'dev', section: 'tool.poetry.dev-dependencies', requirements: poetryDeps(poetry['dev-dependencies'], locator), includes: [] });
  if (Array.isArray(uv['dev-dependencies'])) tables.push({ kind: 'dev', name: 'dev', section: 'tool.uv.dev-dependencies', requirements: locator.all(strings(uv['dev-dependencies'])), includes: [] });
  const pdmDev = isTable(pdm['dev-dependencies']) ? pdm['dev-dependencies'] : {};
  for (const [group, list] of Object.entries(pdmDev)) tables.push({ kind: 'dev', name: group, section: `tool.pdm.dev-dependencies.${group}`, requirements: locator.all(strings(list)), includes: [] });
  const poetryPython = isTable(poetry['dependencies']) && typeof poetry['dependencies']['python'] === 'string' ? poetryConstraint(poetry['dependencies']['python']) : null;
  const requiresPython = typeof project['requires-python'] === 'string' ? project['requires-python'] : poetryPython;
  const name = typeof project['name'] === 'string' ? project['name'] : typeof poetry['name'] === 'string' ? poetry['name'] : null;
  return { name, requiresPython, dependencies, optional, tables, dynamic: dynamicOf(tool), diagnostics: [] };
}

/** `[tool.setuptools.dynamic]`: `dependencies = {file = [...]}` and `optional-dependencies.<extra> = {file = ...}`. */
function dynamicOf(tool: Table): DynamicDependencies {
  const setuptools = isTable(tool['setuptools']) ? tool['setuptools'] : {};
  const dynamic = isTable(setuptools['dynamic']) ? setuptools['dynamic'] : {};
  const filesOf = (entry: unknown): string[] => {
    const file = isTable(entry) ? entry['file'] : undefined;
    return typeof file === 'string' ? [file] : strings(file);
  };
  const optionalTable = isTable(dynamic['optional-dependencies']) ? dynamic['optional-dependencies'] : {};
  const optional: Record<string, string[]> = {};
  for (const [extra, entry] of Object.entries(optionalTable)) optional[extra] = filesOf(entry);
  return { dependencies: filesOf(dynamic['dependencies']), optional };
}

/**
 * A Poetry version constraint as the PEP 440 specifier poetry-core writes into Requires-Python:
 * `^3.11` → `>=3.11,<4.0`, `~3.11` → `>=3.11,<3.12`, `3.12.1` → `==3.12.1`, `3.11.*` → `==3.11.*`,
 * `*` → '' (any), PEP 440 clauses unchanged. Null for what has no single specifier (`||`) or is
 * not understood: unknown, never "any Python".
 */
export function poetryConstraint(constraint: string): string | null {
  if (constraint.includes('||') || constraint.includes('|')) return null;
  const clauses = constraint.split(/\s*,\s*|\s+(?=[<>=!~^])/).map((c) => c.trim()).filter((c) => c !== '');
  const out: string[] = [];
  for (const clause of clauses) {
    if (clause === '*') continue;
    const caret = /^\^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(clause);
    const tilde = /^~\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(clause);
    if (caret) {
      const [major, minor, patch] = [Number(caret[1]), caret[2] === undefined ? null : Number(caret[2]), caret[3] === undefined ? null : Number(caret[3])];
      const upper = major > 0 || minor === null ? `${major + 1}.0` : minor > 0 || patch === null ? `0.${minor + 1}` : `0.0.${(patch ?? 0) + 1}`;
      out.push(`>=${clause.replace(/^\^\s*/, '')}`, `<${upper}`);
    } else if (tilde) {
      const [major, minor] = [Number(tilde[1]), tilde[2] === undefined ? null : Number(tilde[2])];
      out.push(`>=${clause.replace(/^~\s*/, '')}`, minor === null ? `<${major + 1}.0` : `<${major}.${minor + 1}`);
    } else if (/^\d+(?:\.\d+)*(?:\.\*)?$/.test(clause)) out.push(`==${clause}`);
    else if (/^(?:===?|!=|<=?|>=?|~=)\s*\d+(?:\.\d+)*(?:\.\*)?$/.test(clause)) out.push(clause.replace(/\s+/g, ''));
    else return null;
  }
  return out.join(',');
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function poetryDeps(table: Table, locator: Locator): Requirement[] {
  return locator.all(Object.keys(table).filter((name) => name.toLowerCase() !== 'python'));
}

class Locator {
  private cursor = 0;
  private index: LineIndex | null = null;
  constructor(private readonly text: string) {}

  all(specs: readonly string[]): Requirement[] {
    return specs.flatMap((spec) => {
      const found = this.requirement(spec);
      return found ? [found] : [];
    });
  }

  /** Parses one dependency string and shifts its spans to where it appears in the file. */
  requirement(spec: string): Requirement | null {
    const parsed = parseRequirements(spec).requirements[0];
    if (!parsed) return null;
    let at = this.text.indexOf(spec, this.cursor);
    if (at === -1) at = this.text.indexOf(spec);
    if (at === -1) at = 0;
    else this.cursor = at + spec.length;
    const shift = (s: { start: number; end: number }) => ({ start: s.start + at, end: s.end + at });
    this.index ??= new LineIndex(this.text);
    const span = shift(parsed.span);
    // line/column of the requirement itself, not of the string (which may start with blanks)
    const { line, column } = this.index.position(span.start);
    return { ...parsed, span, nameSpan: shift(parsed.nameSpan), specifierSpan: shift(parsed.specifierSpan), lineSpan: span, line, column };
  }
}
