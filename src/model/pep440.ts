// PEP 440 specifiers and PEP 508 markers, for the image's environment. Wraps
// @renovatebot/pep440 4 behind guards: it throws on invalid versions, treats `+local` loosely
// (`1.0+cu118` satisfies `==1.0+cpu`) and has no intersection API (libraries.md §5). Every
// function here answers `null` ("cannot tell") rather than guess: rules report nothing then.
import { satisfies as pepSatisfies, valid } from '@renovatebot/pep440';

export interface Clause {
  readonly op: '~=' | '===' | '==' | '!=' | '<=' | '>=' | '<' | '>';
  readonly version: string; // as written, may end in `.*`
}

const CLAUSE = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*([^\s,;]+)\s*$/;

/** `>=1.0, <2` -> clauses; null when any part is not a PEP 440 clause. '' -> []. */
export function parseSpecifier(specifier: string): Clause[] | null {
  const text = specifier.trim();
  if (text === '') return [];
  const out: Clause[] = [];
  for (const part of text.split(',')) {
    const match = CLAUSE.exec(part);
    if (!match) return null;
    const op = match[1] as Clause['op'];
    const version = match[2] ?? '';
    if (op !== '===' && !isVersion(version.replace(/\.\*$/, ''))) return null;
    out.push({ op, version });
  }
  return out;
}

/**
 * The library parses with large regular expressions on every call, and a monorepo asks the same
 * questions thousands of times (400 requirements files pinning the same few hundred versions):
 * answers of these pure functions are remembered, up to a bound.
 */
function memoize<R>(fn: (key: string) => R): (key: string) => R {
  const answers = new Map<string, R>();
  return (key) => {
    const known = answers.get(key);
    if (known !== undefined || answers.has(key)) return known as R;
    const answer = fn(key);
    if (answers.size >= 100_000) answers.clear();
    answers.set(key, answer);
    return answer;
  };
}

export const isVersion = memoize((version: string): boolean => {
  try {
    return valid(version) !== null;
  } catch {
    return false;
  }
});

function splitLocal(version: string): { public: string; local: string | null } {
  const plus = version.indexOf('+');
  return plus === -1 ? { public: version, local: null } : { public: version.slice(0, plus), local: version.slice(plus + 1).toLowerCase().replace(/[-_]/g, '.') };
}

/** Does `version` satisfy one clause? null when either side is not understood. */
export function satisfiesClause(version: string, clause: Clause): boolean | null {
  if (clause.op === '===') return version.toLowerCase() === clause.version.toLowerCase();
  return satisfiesRangeClause(`${version}\u0000${clause.op}${clause.version}`);
}

const satisfiesRangeClause = memoize((key: string): boolean | null => {
  const cut = key.indexOf('\u0000');
  const version = key.slice(0, cut);
  const match = /^(~=|==|!=|<=|>=|<|>)(.*)$/s.exec(key.slice(cut + 1));
  if (!match) return null;
  const clause: Clause = { op: match[1] as Clause['op'], version: match[2] ?? '' };
  const v = splitLocal(version);
  const c = splitLocal(clause.version);
  if (!isVersion(v.public)) return null;
  // A local label in the clause (`==2.1.0+cpu`) must match exactly; 4.2.4 ignores it.
  if (c.local !== null) {
    if (clause.op !== '==' && clause.op !== '!=') return null;
    const same = v.local === c.local && safe(() => pepSatisfies(v.public, `==${c.public}`, { prereleases: true }));
    return same === null ? null : clause.op === '==' ? same : !same;
  }
  return safe(() => pepSatisfies(version, `${clause.op}${clause.version}`, { prereleases: true }));
});

function safe(fn: () => boolean): boolean | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

/** Does `version` satisfy every clause of `specifier`? null when not understood. */
export function satisfiesSpecifier(version: string, specifier: string): boolean | null {
  const clauses = parseSpecifier(specifier);
  if (!clauses) return null;
  let unknown = false;
  for (const clause of clauses) {
    const ok = satisfiesClause(version, clause);
    if (ok === false) return false;
    if (ok === null) unknown = true;
  }
  return unknown ? null : true;
}

/**
 * Is there any version satisfying every specifier? There is no intersection API, and writing
 * interval arithmetic over PEP 440 (epochs, pre/post/dev releases, `~=`, wildcards, locals) is
 * where bugs hide. Instead: every version that can decide a boundary is named in some clause, so
 * probing the named versions and their neighbours (the version itself, just above it — `.post1`,
 * `.0.1` — and just below/above each release prefix: `X.Y-1.999`, `X.Y+1`) finds a common
 * version whenever one exists for the clause shapes real requirements use. Checked against the
 * ten cases in libraries.md §5 (`==1.0.7` ∩ `==1.*` agree, `~=1.4` ∩ `<1.4` conflict, ...).
 * Returns the first satisfying candidate (preferring versions named in a `==`/`===` clause),
 * false when none does, null when a specifier is not understood.
 */
export function commonVersion(specifiers: readonly string[]): string | false | null {
  return commonVersionOf(JSON.stringify(specifiers));
}

const commonVersionOf = memoize((key: string): string | false | null => {
  const specifiers = JSON.parse(key) as string[];
  const clauses: Clause[] = [];
  for (const specifier of specifiers) {
    const parsed = parseSpecifier(specifier);
    if (!parsed) return null;
    clauses.push(...parsed);
  }
  if (clauses.length === 0) return '0';
  const exact = clauses.filter((c) => (c.op === '==' || c.op === '===') && !c.version.endsWith('.*')).map((c) => c.version);
  const candidates = [...exact, ...clauses.flatMap((c) => neighbours(c.version)), '0', '0.0.1', '9999'];
  let unknown = false;
  for (const candidate of candidates) {
    let all = true;
    for (const clause of clauses) {
      const ok = satisfiesClause(candidate, clause);
      if (ok === null) unknown = true;
      if (ok !== true) {
        all = false;
        break;
      }
    }
    if (all) return candidate;
  }
  return unknown ? null : false;
});

function neighbours(written: string): string[] {
  const { public: version, local } = splitLocal(written.replace(/\.\*$/, ''));
  const release = /^(?:\d+!)?(\d+(?:\.\d+)*)/.exec(version)?.[1];
  const out = [version];
  if (local !== null) out.push(written);
  if (!release) return out;
  const parts = release.split('.').map(Number);
  out.push(`${release}.post1`, `${release}.0.1`, `${release}.999`);
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i);
    const last = prefix[i - 1] ?? 0;
    out.push([...prefix.slice(0, -1), last + 1].join('.'));
    if (last > 0) out.push(`${[...prefix.slice(0, -1), last - 1].join('.')}.999`);
  }
  return out;
}

// ---------------------------------------------------------------- PEP 508 markers

/** What driftcheck knows about the image's environment: Linux, CPython, the FROM's Python. */
export interface MarkerEnv {
  readonly python_version: string;
  readonly extras?: readonly string[];
}

const KNOWN_STRINGS: Readonly<Record<string, string>> = {
  sys_platform: 'linux',
  platform_system: 'Linux',
  os_name: 'posix',
  implementation_name: 'cpython',
  platform_python_implementation: 'CPython',
};

type Tri = boolean | null;

/**
 * Evaluates a PEP 508 marker for the image: true, false, or null when it depends on something
 * unknown (`platform_machine`, `platform_release`, a patch-level `python_full_version`) or does
 * not parse. Callers keep a requirement unless the marker is definitely false.
 */
export function evaluateMarker(marker: string | null, env: MarkerEnv): Tri {
  if (marker === null || marker.trim() === '') return true;
  const tokens = tokenize(marker);
  if (!tokens) return null;
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const orExpr = (): Tri => {
    let value = andExpr();
    while (peek() === 'or') {
      pos++;
      const right = andExpr();
      value = value === true || right === true ? true : value === false && right === false ? false : null;
    }
    return value;
  };
  const andExpr = (): Tri => {
    let value = atom();
    while (peek() === 'and') {
      pos++;
      const right = atom();
      value = value === false || right === false ? false : value === true && right === true ? true : null;
    }
    return value;
  };
  const atom = (): Tri => {
    if (peek() === '(') {
      pos++;
      const value = orExpr();
      if (peek() !== ')') throw new Error('unbalanced');
      pos++;
      return value;
    }
    const left = tokens[pos++];
    let op = tokens[pos++];
    if (op === 'not' && peek() === 'in') {
      pos++;
      op = 'not in';
    }
    const right = tokens[pos++];
    if (left === undefined || op === undefined || right === undefined) throw new Error('short');
    return compareMarker(left, op, right, env);
  };
  try {
    const value = orExpr();
    return pos === tokens.length ? value : null;
  } catch {
    return null;
  }
}

function tokenize(marker: string): string[] | null {
  const out: string[] = [];
  const re = /\s*(?:(\(|\))|("[^"]*"|'[^']*')|(===|==|!=|<=|>=|~=|<|>)|([A-Za-z_][A-Za-z0-9_.]*))/y;
  let index = 0;
  while (index < marker.length) {
    if (/^\s*$/.test(marker.slice(index))) break;
    re.lastIndex = index;
    const match = re.exec(marker);
    if (!match) return null;
    out.push(match[1] ?? match[2] ?? match[3] ?? match[4] ?? '');
    index = re.lastIndex;
  }
  return out;
}

function compareMarker(left: string, op: string, right: string, env: MarkerEnv): Tri {
  const value = (token: string): { kind: 'literal' | 'var'; text: string | null; name: string } => {
    if (/^["']/.test(token)) return { kind: 'literal', text: token.slice(1, -1), name: '' };
    return { kind: 'var', text: variable(token, env), name: token };
  };
  const l = value(left);
  const r = value(right);
  if (l.name === 'extra' || r.name === 'extra') {
    const wanted = (l.kind === 'literal' ? l.text : r.text) ?? '';
    const has = (env.extras ?? []).some((e) => normalizeExtra(e) === normalizeExtra(wanted));
    return op === '==' ? has : op === '!=' ? !has : null;
  }
  if (l.name === 'python_full_version' || r.name === 'python_full_version') {
    // The image's patch level is unknown: decide only when .0 and a late patch agree.
    const at = (patch: string): Tri => compareMarker(left.replace('python_full_version', `'${env.python_version}.${patch}'`), op, right.replace('python_full_version', `'${env.python_version}.${patch}'`), env);
    const low = at('0');
    const high = at('99');
    return low === high ? low : null;
  }
  if (l.text === null || r.text === null) return null;
  const versionVar = ['python_version', 'implementation_version'].includes(l.name || r.name);
  if (op === 'in') return r.text.includes(l.text);
  if (op === 'not in') return !r.text.includes(l.text);
  if (versionVar || (isVersion(l.text) && isVersion(r.text) && op !== '==' && op !== '!=')) {
    const clause = parseSpecifier(`${op}${r.text}`)?.[0];
    if (clause && isVersion(l.text)) return satisfiesClause(l.text, clause);
  }
  if (op === '==' || op === '===') return l.text === r.text;
  if (op === '!=') return l.text !== r.text;
  return null;
}

function variable(name: string, env: MarkerEnv): string | null {
  if (name === 'python_version') return env.python_version;
  if (name === 'implementation_version') return null;
  return KNOWN_STRINGS[name] ?? null;
}

function normalizeExtra(extra: string): string {
  return extra.toLowerCase().replace(/[-_.]+/g, '-');
}

/** PEP 503: lowercase, runs of `-`, `_`, `.` become one `-`. */
export function normalizeDistribution(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
