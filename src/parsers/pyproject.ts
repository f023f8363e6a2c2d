// pyproject.toml: the dependencies a project declares (PEP 621 and Poetry). smol-toml gives no
// positions, so each dependency string is located by searching the text after the section.
import { parseToml } from '../util/toml.js';
import { LineIndex } from '../source.js';
import { parseRequirements } from './requirements.js';
import type { ParseDiagnostic, Requirement } from './types.js';

export interface PyprojectModel {
  readonly name: string | null;
  readonly requiresPython: string | null;
  readonly dependencies: readonly Requirement[];
  /** Extras and dependency groups (PEP 735, Poetry groups), by name. */
  readonly optional: Readonly<Record<string, readonly Requirement[]>>;
  readonly diagnostics: readonly ParseDiagnostic[];
}

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
    return { name: null, requiresPython: null, dependencies: [], optional: {}, diagnostics: [{ message: `invalid TOML: ${message}`, line: at.line, column: at.column, span: { start, end: start }, severity: 'error' }] };
  }
  const locator = new Locator(text);
  const project = isTable(data['project']) ? data['project'] : {};
  const tool = isTable(data['tool']) ? data['tool'] : {};
  const poetry = isTable(tool['poetry']) ? tool['poetry'] : {};
  const dependencies = locator.all(strings(project['dependencies']));
  const optional: Record<string, Requirement[]> = {};
  const extras = isTable(project['optional-dependencies']) ? project['optional-dependencies'] : {};
  for (const [extra, list] of Object.entries(extras)) optional[extra] = locator.all(strings(list));
  const groups = isTable(data['dependency-groups']) ? data['dependency-groups'] : {};
  for (const [group, list] of Object.entries(groups)) optional[group] = locator.all(strings(list));
  if (isTable(poetry['dependencies'])) dependencies.push(...poetryDeps(poetry['dependencies'], locator));
  const poetryGroups = isTable(poetry['group']) ? poetry['group'] : {};
  for (const [group, body] of Object.entries(poetryGroups)) {
    if (isTable(body) && isTable(body['dependencies'])) optional[group] = poetryDeps(body['dependencies'], locator);
  }
  if (isTable(poetry['dev-dependencies'])) optional['dev'] = poetryDeps(poetry['dev-dependencies'], locator);
  const poetryPython = isTable(poetry['dependencies']) && typeof poetry['dependencies']['python'] === 'string' ? poetryConstraint(poetry['dependencies']['python']) : null;
  const requiresPython = typeof project['requires-python'] === 'string' ? project['requires-python'] : poetryPython;
  const name = typeof project['name'] === 'string' ? project['name'] : typeof poetry['name'] === 'string' ? poetry['name'] : null;
  return { name, requiresPython, dependencies, optional, diagnostics: [] };
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
