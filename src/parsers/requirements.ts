// requirements.txt parser: pip's own line preprocessing (continuations, comments, options, -r/-c,
// -e, URLs and paths), then PEP 508 for what is left. Common PEP 508 lines take a hand-written fast
// path that computes exactly what pip-requirements-js would; anything else goes to that library,
// which is loaded lazily because it costs ~50 ms to load and ~0.5 ms per line.
import { LineIndex } from '../source.js';
import { createRequire } from 'node:module';
import type {
  LooseProjectNameRequirementWithLocation,
  RequirementWithLocation,
} from 'pip-requirements-js';
import type { Span } from '../findings/types.js';
import { readDirective } from './directives.js';
import type {
  Directive,
  ParseDiagnostic,
  Requirement,
  RequirementsFileModel,
  RequirementsInclude,
  RequirementsOption,
} from './types.js';

/** PEP 503 normalisation: lower case, runs of `-`, `_`, `.` become one `-`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

// ---------------------------------------------------------------- the library, loaded on first need

interface PipLibrary {
  parsePipRequirementsLine(line: string, options: { includeLocations: true }): RequirementWithLocation | null;
  parsePipRequirementsLineLoosely(
    line: string,
    options: { includeLocations: true },
  ): LooseProjectNameRequirementWithLocation | null;
}

let library: PipLibrary | null | undefined;

function pipLibrary(): PipLibrary | null {
  if (library === undefined) {
    try {
      library = createRequire(import.meta.url)('pip-requirements-js') as PipLibrary;
    } catch {
      library = null;
    }
  }
  return library;
}

/** Lines longer than this never reach the library (its PEG parser is slow on long input). */
const LIBRARY_MAX_LENGTH = 1000;

// ---------------------------------------------------------------- character classes

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isNameSep(c: number): boolean {
  return c === 45 || c === 95 || c === 46; // - _ .
}

/** Characters of a PEP 440 version as pip-requirements-js accepts them: alnum - _ . * + ! */
function isVersionChar(c: number): boolean {
  return isAlnum(c) || c === 45 || c === 95 || c === 46 || c === 42 || c === 43 || c === 33;
}

/** The library's (and packaging's) inner whitespace: space and tab only. */
function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** Any whitespace, as Python's str.strip()/\s and JS's \s see it. */
function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 128) return false;
  return /\s/.test(String.fromCharCode(c));
}

function skipBlank(s: string, i: number, b: number): number {
  while (i < b && isBlank(s.charCodeAt(i))) i++;
  return i;
}

/** End of a PEP 508 name starting at `i` (`[A-Za-z0-9]([-_.]*[A-Za-z0-9])*`), or -1. */
function scanName(s: string, i: number, b: number): number {
  if (i >= b || !isAlnum(s.charCodeAt(i))) return -1;
  let j = i + 1;
  for (;;) {
    while (j < b && isAlnum(s.charCodeAt(j))) j++;
    let k = j;
    while (k < b && isNameSep(s.charCodeAt(k))) k++;
    if (k > j && k < b && isAlnum(s.charCodeAt(k))) j = k;
    else return j;
  }
}

function scanVersion(s: string, i: number, b: number): number {
  while (i < b && isVersionChar(s.charCodeAt(i))) i++;
  return i;
}

const VERSION_OPERATORS = new Set(['===', '==', '!=', '<=', '>=', '~=', '<', '>']);

/** The version operator at `i`, longest first (`===` before `==`), or null. */
function matchOperator(s: string, i: number, b: number): string | null {
  const c = s.charCodeAt(i);
  const d = i + 1 < b ? s.charCodeAt(i + 1) : -1;
  if (c === 61) {
    if (d !== 61) return null;
    return i + 2 < b && s.charCodeAt(i + 2) === 61 ? '===' : '==';
  }
  if (c === 60) return d === 61 ? '<=' : '<';
  if (c === 62) return d === 61 ? '>=' : '>';
  if (c === 33) return d === 61 ? '!=' : null;
  if (c === 126) return d === 61 ? '~=' : null;
  return null;
}

// ---------------------------------------------------------------- environment markers (fast check)

const ENV_VARS = new Set([
  'python_version',
  'python_full_version',
  'os_name',
  'sys_platform',
  'platform_release',
  'platform_system',
  'platform_version',
  'platform_machine',
  'platform_python_implementation',
  'implementation_name',
  'implementation_version',
  'extra',
]);

/** pip-requirements-js's pythonStrChar, ASCII part (the quotes are handled by the caller). */
const STRING_CHARS = new Set(Array.from(' \t(){}.-_*#:;,/?[]!~`@$%^&=+|<>'));

function isWordChar(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 46;
}

/**
 * True when the marker text s[a, b) is one the library accepts. Conservative: a false answer only
 * sends the line to the library, so anything unusual (non-ASCII, glued keywords) is rejected here.
 */
function fastMarkerValid(s: string, a: number, b: number): boolean {
  let i = a;

  const word = (): string => {
    let j = i;
    while (j < b && isWordChar(s.charCodeAt(j))) j++;
    return s.slice(i, j);
  };

  const variable = (): boolean => {
    i = skipBlank(s, i, b);
    if (i >= b) return false;
    const q = s.charCodeAt(i);
    if (q === 34 || q === 39) {
      let j = i + 1;
      for (; j < b; j++) {
        const c = s.charCodeAt(j);
        if (c === q) break;
        if (!(isAlnum(c) || c === 34 || c === 39 || STRING_CHARS.has(s.charAt(j)))) return false;
      }
      if (j >= b) return false;
      i = j + 1;
      return true;
    }
    const w = word();
    if (!ENV_VARS.has(w)) return false;
    i += w.length;
    return true;
  };

  const operator = (): boolean => {
    i = skipBlank(s, i, b);
    const op = matchOperator(s, i, b);
    if (op !== null) {
      if (op === '===') return false; // the library's PEG takes `==` and then fails
      i += op.length;
      return true;
    }
    const w = word();
    if (w === 'in') {
      i += 2;
      return true;
    }
    if (w === 'not') {
      let j = i + 3;
      if (j >= b || !isBlank(s.charCodeAt(j))) return false;
      j = skipBlank(s, j, b);
      i = j;
      if (word() !== 'in') return false;
      i += 2;
      return true;
    }
    return false;
  };

  const keyword = (kw: string): boolean => {
    const save = i;
    i = skipBlank(s, i, b);
    if (word() === kw) {
      i += kw.length;
      return true;
    }
    i = save;
    return false;
  };

  let depth = 0;
  const expr = (): boolean => {
    i = skipBlank(s, i, b);
    if (s.charCodeAt(i) === 40) {
      if (++depth > 50) return false;
      i++;
      if (!or()) return false;
      i = skipBlank(s, i, b);
      if (s.charCodeAt(i) !== 41) return false;
      i++;
      depth--;
      return true;
    }
    return variable() && operator() && variable();
  };
  const and = (): boolean => {
    if (!expr()) return false;
    while (keyword('and')) if (!expr()) return false;
    return true;
  };
  const or = (): boolean => {
    if (!and()) return false;
    while (keyword('or')) if (!and()) return false;
    return true;
  };

  if (!or()) return false;
  return skipBlank(s, i, b) === b;
}

/** Marker validity: the fast check, else the library on a stand-in requirement. */
function markerValid(s: string, a: number, b: number): boolean {
  if (fastMarkerValid(s, a, b)) return true;
  if (b - a > LIBRARY_MAX_LENGTH) return false;
  const lib = pipLibrary();
  if (!lib) return false;
  try {
    return lib.parsePipRequirementsLine(`x;${s.slice(a, b)}`, { includeLocations: true }) !== null;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- logical lines

interface Segment {
  readonly l: number; // logical index where this segment starts
  readonly p: number; // physical offset of that index
  readonly line: number; // 1-based physical line
  readonly lineStart: number; // physical offset of that line's start
}

/** One entry after pip's `\` joining, with a map from its indices back to the file. */
class LogicalLine {
  constructor(
    readonly text: string,
    readonly segments: readonly Segment[],
    readonly firstLine: number,
    readonly lineSpan: Span,
  ) {}

  private segment(i: number): Segment {
    const segs = this.segments;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((segs[mid] as Segment).l <= i) lo = mid;
      else hi = mid - 1;
    }
    return segs[lo] as Segment;
  }

  /** Physical offset of logical index `i` (a start position). */
  off(i: number): number {
    const seg = this.segment(i);
    return seg.p + (i - seg.l);
  }

  /** Physical offset just after logical char `i - 1` (an end position). */
  endOff(i: number): number {
    return i <= 0 ? this.off(0) : this.off(i - 1) + 1;
  }

  span(a: number, b: number): Span {
    return a >= b ? { start: this.endOff(a), end: this.endOff(a) } : { start: this.off(a), end: this.endOff(b) };
  }

  lineOf(i: number): number {
    return this.segment(i).line;
  }

  position(i: number): { line: number; column: number } {
    const seg = this.segment(i);
    return { line: seg.line, column: seg.p + (i - seg.l) - seg.lineStart + 1 };
  }

  /** Logical index where the segment holding `i` ends. */
  segmentEnd(i: number): number {
    const segs = this.segments;
    for (let k = 0; k < segs.length; k++) {
      const next = segs[k + 1];
      if (next === undefined || next.l > i) return next === undefined ? this.text.length : next.l;
    }
    return this.text.length;
  }
}

/** pip's `COMMENT_RE.match(line)`: the line is only a comment. */
function isCommentLine(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 35) return true;
    if (!isSpace(c)) return false;
  }
  return false;
}
const COMMENT = /(?:^|\s)#/;

// ---------------------------------------------------------------- options

type OptionKind = 'global' | 'requirement' | 'constraint' | 'editable' | 'hash' | 'per-requirement';

const LONG_OPTIONS: ReadonlyMap<string, { readonly value: boolean; readonly kind: OptionKind }> = new Map([
  ['--index-url', { value: true, kind: 'global' }],
  ['--extra-index-url', { value: true, kind: 'global' }],
  ['--no-index', { value: false, kind: 'global' }],
  ['--constraint', { value: true, kind: 'constraint' }],
  ['--requirement', { value: true, kind: 'requirement' }],
  ['--editable', { value: true, kind: 'editable' }],
  ['--find-links', { value: true, kind: 'global' }],
  ['--no-binary', { value: true, kind: 'global' }],
  ['--only-binary', { value: true, kind: 'global' }],
  ['--prefer-binary', { value: false, kind: 'global' }],
  ['--require-hashes', { value: false, kind: 'global' }],
  ['--pre', { value: false, kind: 'global' }],
  ['--trusted-host', { value: true, kind: 'global' }],
  ['--use-feature', { value: true, kind: 'global' }],
  ['--global-option', { value: true, kind: 'per-requirement' }],
  ['--install-option', { value: true, kind: 'per-requirement' }],
  ['--config-settings', { value: true, kind: 'per-requirement' }],
  ['--hash', { value: true, kind: 'hash' }],
] as const);

/** Options that take effect on a requirement line too (pip's format control, shared with its finder). */
const FORMAT_CONTROL: ReadonlySet<string> = new Set(['--no-binary', '--only-binary']);

const SHORT_OPTIONS: ReadonlyMap<string, string> = new Map([
  ['-i', '--index-url'],
  ['-c', '--constraint'],
  ['-r', '--requirement'],
  ['-e', '--editable'],
  ['-f', '--find-links'],
  ['-C', '--config-settings'],
]);

/** optparse semantics: an exact long name, else a unique prefix of one. */
function resolveLong(name: string): string | null | 'ambiguous' {
  if (LONG_OPTIONS.has(name)) return name;
  let found: string | null = null;
  for (const key of LONG_OPTIONS.keys()) {
    if (key.startsWith(name)) {
      if (found !== null) return 'ambiguous';
      found = key;
    }
  }
  return found;
}

interface Token {
  readonly start: number;
  readonly end: number;
}

/** Whitespace-separated words of s[a, b); quotes keep spaces inside a word. */
function tokenize(s: string, a: number, b: number): Token[] {
  const tokens: Token[] = [];
  let i = a;
  while (i < b) {
    while (i < b && isSpace(s.charCodeAt(i))) i++;
    if (i >= b) break;
    const start = i;
    let quote = 0;
    for (; i < b; i++) {
      const c = s.charCodeAt(i);
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === 34 || c === 39) quote = c;
      else if (isSpace(c)) break;
    }
    tokens.push({ start, end: i });
  }
  return tokens;
}

/** A value without surrounding quotes, with the span of what is inside them. */
function unquote(s: string, start: number, end: number): { value: string; start: number; end: number } {
  const q = s.charCodeAt(start);
  if (end - start >= 2 && (q === 34 || q === 39) && s.charCodeAt(end - 1) === q) {
    return { value: s.slice(start + 1, end - 1), start: start + 1, end: end - 1 };
  }
  return { value: s.slice(start, end), start, end };
}

// ---------------------------------------------------------------- URLs, paths, file names

const URL_SCHEME = /^(?:https?|file|ftp|git|svn|(?:git|hg|svn|bzr)\+[a-z-]+):/i;
const ARCHIVE_EXTENSIONS = [
  '.whl',
  '.tar.gz',
  '.tgz',
  '.zip',
  '.tar.bz2',
  '.tbz',
  '.tar.xz',
  '.txz',
  '.tar.lzma',
  '.tlz',
  '.tar.lz',
  '.tar',
];

function archiveExtension(name: string): string | null {
  // Every extension ends in one of l z p 2 a r: a cheap filter for the common case.
  const last = name.charCodeAt(name.length - 1) | 0x20;
  if (last !== 108 && last !== 122 && last !== 112 && last !== 50 && last !== 97 && last !== 114) return null;
  const lower = name.toLowerCase();
  for (const ext of ARCHIVE_EXTENSIONS) if (lower.endsWith(ext)) return ext;
  return null;
}

function looksLikePath(s: string): boolean {
  return s.includes('/') || s.includes('\\') || s.startsWith('.') || archiveExtension(s) !== null;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

interface NameFound {
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly extras: readonly string[];
  readonly afterExtras: number;
  readonly version: string | null;
  readonly wheel?: boolean;
}

/** Name and extras of `#egg=name[extra]` inside s[a, b) (a URL), or null. */
function eggName(s: string, a: number, b: number): NameFound | null {
  const frag = s.slice(a, b);
  const m = /[#&]egg=/.exec(frag);
  if (!m) return null;
  const start = a + m.index + m[0].length;
  const end = scanName(s, start, b);
  if (end < 0) return null;
  let after = end;
  const extras: string[] = [];
  if (s.charCodeAt(end) === 91) {
    const close = s.indexOf(']', end);
    if (close < 0 || close >= b) return null;
    for (const e of s.slice(end + 1, close).split(',')) if (e.trim() !== '') extras.push(e.trim());
    after = close + 1;
  }
  if (after < b && !'&#'.includes(s.charAt(after))) return null;
  return { nameStart: start, nameEnd: end, extras, afterExtras: after, version: null };
}

/** Name (and version) from a wheel or sdist file name at the end of the URL/path s[a, b). */
function fileName(s: string, a: number, b: number): NameFound | null {
  let end = b;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c === 35 || c === 63) {
      end = i;
      break;
    }
  }
  let start = a;
  for (let i = end - 1; i >= a; i--) {
    const c = s.charCodeAt(i);
    if (c === 47 || c === 92) {
      start = i + 1;
      break;
    }
  }
  const file = s.slice(start, end);
  const ext = archiveExtension(file);
  if (ext === null) return null;
  const stem = file.slice(0, file.length - ext.length);
  let name: string;
  let version: string;
  if (ext === '.whl') {
    const parts = stem.split('-');
    if (parts.length !== 5 && parts.length !== 6) return null;
    name = parts[0] ?? '';
    version = parts[1] ?? '';
  } else {
    let k = -1;
    for (let i = stem.length - 2; i > 0; i--) {
      if (stem.charCodeAt(i) === 45 && stem.charCodeAt(i + 1) >= 48 && stem.charCodeAt(i + 1) <= 57) {
        k = i;
        break;
      }
    }
    if (k < 0) return null;
    name = stem.slice(0, k);
    version = stem.slice(k + 1);
  }
  if (name === '' || version === '' || scanName(name, 0, name.length) !== name.length) return null;
  const nameEnd = start + name.length;
  return { nameStart: start, nameEnd, extras: [], afterExtras: nameEnd, version: decode(version), wheel: ext === '.whl' };
}

// ---------------------------------------------------------------- PEP 508 fast path

interface Pep508Parts {
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly extras: readonly string[];
  readonly afterExtras: number;
  readonly specs: readonly { readonly op: string; readonly version: string }[];
  readonly specStart: number;
  readonly specEnd: number;
  readonly markerStart: number; // -1 when there is no marker
  readonly markerEnd: number;
}

/**
 * `name[extras] specs ; marker` over s[a, b) with a and b at non-blank characters. Returns null for
 * anything it is not sure about; what it returns is what pip-requirements-js returns (plus `===`,
 * which the library's grammar cannot parse, and an empty marker after `;`, which pip accepts).
 */
export function fastPep508(s: string, a: number, b: number): Pep508Parts | null {
  let i = skipBlank(s, a, b);
  const nameStart = i;
  const nameEnd = scanName(s, i, b);
  if (nameEnd < 0) return null;
  i = skipBlank(s, nameEnd, b);
  const extras: string[] = [];
  let afterExtras = nameEnd;
  if (s.charCodeAt(i) === 91) {
    i = skipBlank(s, i + 1, b);
    if (s.charCodeAt(i) !== 93) {
      for (;;) {
        const e = scanName(s, i, b);
        if (e < 0) return null;
        extras.push(s.slice(i, e));
        i = skipBlank(s, e, b);
        const c = s.charCodeAt(i);
        if (c === 93) break;
        if (c !== 44) return null;
        i = skipBlank(s, i + 1, b);
      }
    }
    i++;
    afterExtras = i;
    i = skipBlank(s, i, b);
  }
  const paren = s.charCodeAt(i) === 40;
  if (paren) i = skipBlank(s, i + 1, b);
  const specs: { op: string; version: string }[] = [];
  let specStart = afterExtras;
  let specEnd = afterExtras;
  let op = matchOperator(s, i, b);
  if (op !== null) {
    specStart = i;
    for (;;) {
      const v = skipBlank(s, i + op.length, b);
      const ve = scanVersion(s, v, b);
      if (ve === v) return null;
      specs.push({ op, version: s.slice(v, ve) });
      specEnd = ve;
      i = skipBlank(s, ve, b);
      if (s.charCodeAt(i) !== 44) break;
      i = skipBlank(s, i + 1, b);
      op = matchOperator(s, i, b);
      if (op === null) return null;
    }
  }
  if (paren) {
    if (s.charCodeAt(i) !== 41) return null;
    i = skipBlank(s, i + 1, b);
  }
  let markerStart = -1;
  let markerEnd = -1;
  if (i < b) {
    if (s.charCodeAt(i) !== 59) return null;
    const m = skipBlank(s, i + 1, b);
    if (m < b) {
      let e = b;
      while (e > m && isBlank(s.charCodeAt(e - 1))) e--;
      if (!fastMarkerValid(s, m, e)) return null;
      markerStart = m;
      markerEnd = e;
    }
  }
  return { nameStart, nameEnd, extras, afterExtras, specs, specStart, specEnd, markerStart, markerEnd };
}

/** The library's answer as the same parts (offsets into s), or null when it cannot parse s[a, b). */
function libraryPep508(s: string, a: number, b: number): { parts: Pep508Parts | null; loose: boolean } {
  if (b - a > LIBRARY_MAX_LENGTH) return { parts: null, loose: false };
  const lib = pipLibrary();
  if (!lib) return { parts: null, loose: false };
  const text = s.slice(a, b);
  const attempts = text.includes('===') ? [text, text.replaceAll('===', '== ')] : [text];
  for (const attempt of attempts) {
    let r: RequirementWithLocation | null;
    try {
      r = lib.parsePipRequirementsLine(attempt, { includeLocations: true });
    } catch {
      continue;
    }
    if (r === null) return { parts: null, loose: false };
    const d = r.data;
    if (d.type !== 'ProjectName') return { parts: null, loose: false };
    if (a + r.location.endIdx < b) return { parts: null, loose: false }; // e.g. a glued `#comment`
    const nameStart = a + d.name.location.startIdx;
    const nameEnd = a + d.name.location.endIdx;
    const afterExtras = d.extras !== undefined ? closingBracket(s, nameEnd, b) : nameEnd;
    const specs = (d.versionSpec ?? []).map((v) => {
      const opStart = a + v.data.operator.location.startIdx;
      const op = s.startsWith('===', opStart) ? '===' : v.data.operator.data;
      return { op, version: v.data.version.data };
    });
    const first = d.versionSpec?.[0];
    const last = d.versionSpec?.[d.versionSpec.length - 1];
    const marker = d.environmentMarkerTree?.location;
    return {
      parts: {
        nameStart,
        nameEnd,
        extras: (d.extras ?? []).map((e) => e.data),
        afterExtras,
        specs,
        specStart: first ? a + first.location.startIdx : afterExtras,
        specEnd: last ? a + last.location.endIdx : afterExtras,
        markerStart: marker ? a + marker.startIdx : -1,
        markerEnd: marker ? a + marker.endIdx : -1,
      },
      loose: false,
    };
  }
  let r: LooseProjectNameRequirementWithLocation | null;
  try {
    r = lib.parsePipRequirementsLineLoosely(text, { includeLocations: true });
  } catch {
    return { parts: null, loose: false };
  }
  if (r === null) return { parts: null, loose: false };
  const d = r.data;
  const specs: { op: string; version: string }[] = [];
  for (const v of d.versionSpec ?? []) {
    const version = v.data.version?.data;
    if (version === undefined || !VERSION_OPERATORS.has(v.data.operator.data)) return { parts: null, loose: false };
    specs.push({ op: v.data.operator.data, version });
  }
  const nameStart = a + d.name.location.startIdx;
  const nameEnd = a + d.name.location.endIdx;
  const afterExtras = d.extras !== undefined ? closingBracket(s, nameEnd, b) : nameEnd;
  const first = d.versionSpec?.[0];
  const last = d.versionSpec?.[d.versionSpec.length - 1];
  return {
    parts: {
      nameStart,
      nameEnd,
      extras: (d.extras ?? []).map((e) => e.data),
      afterExtras,
      specs,
      specStart: first ? a + first.location.startIdx : afterExtras,
      specEnd: last ? a + last.location.endIdx : afterExtras,
      markerStart: -1,
      markerEnd: -1,
    },
    loose: true,
  };
}

function closingBracket(s: string, from: number, b: number): number {
  const close = s.indexOf(']', from);
  return close < 0 || close >= b ? from : close + 1;
}

/** Why s[a, b) is not a valid requirement: the logical index of the problem and a phrase. */
function diagnose(s: string, a: number, b: number): { at: number; what: string } {
  let i = skipBlank(s, a, b);
  const nameEnd = scanName(s, i, b);
  if (nameEnd < 0) {
    return { at: i, what: `expected a package name at "${clip(s.slice(i, b), 20)}"` };
  }
  i = skipBlank(s, nameEnd, b);
  if (s.charCodeAt(i) === 91) {
    i = skipBlank(s, i + 1, b);
    for (;;) {
      if (i >= b) return { at: i, what: `unclosed "[" in extras` };
      if (s.charCodeAt(i) === 93) break;
      const e = scanName(s, i, b);
      if (e < 0) return { at: i, what: `invalid extra name at "${clip(s.slice(i, b), 20)}"` };
      i = skipBlank(s, e, b);
      const c = s.charCodeAt(i);
      if (c === 93) break;
      if (i >= b) return { at: i, what: `unclosed "[" in extras` };
      if (c !== 44) return { at: i, what: `expected "," or "]" in extras, found "${s.charAt(i)}"` };
      i = skipBlank(s, i + 1, b);
      if (s.charCodeAt(i) === 93) return { at: i, what: `trailing "," in extras` };
    }
    i = skipBlank(s, i + 1, b);
  }
  const paren = s.charCodeAt(i) === 40;
  if (paren) i = skipBlank(s, i + 1, b);
  let op = matchOperator(s, i, b);
  if (op === null && i < b && s.charCodeAt(i) !== 59 && !(paren && s.charCodeAt(i) === 41)) {
    return { at: i, what: `expected version specifier after "${clip(s.slice(a, i).trim(), 40)}"` };
  }
  while (op !== null) {
    const v = skipBlank(s, i + op.length, b);
    const ve = scanVersion(s, v, b);
    if (ve === v) return { at: v, what: `expected a version after "${op}"` };
    i = skipBlank(s, ve, b);
    if (s.charCodeAt(i) === 44) {
      i = skipBlank(s, i + 1, b);
      op = matchOperator(s, i, b);
      if (op === null) return { at: i, what: `expected a version specifier after ","` };
    } else {
      op = null;
      if (matchOperator(s, i, b) !== null) {
        return { at: i, what: `expected "," between version specifiers, before "${clip(s.slice(i, b), 20)}"` };
      }
    }
  }
  if (paren) {
    if (s.charCodeAt(i) !== 41) return { at: i, what: `expected ")" to close the version specifier` };
    i = skipBlank(s, i + 1, b);
  }
  if (i < b && s.charCodeAt(i) === 59) {
    const m = skipBlank(s, i + 1, b);
    if (!markerValid(s, m, b)) return { at: m, what: `invalid environment marker "${clip(s.slice(m, b), 40)}"` };
    return { at: a, what: 'unsupported syntax' };
  }
  if (i < b) return { at: i, what: `unexpected text "${clip(s.slice(i, b), 30)}"` };
  return { at: a, what: 'unsupported syntax' };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// ---------------------------------------------------------------- the parser

class RequirementsParser {
  readonly requirements: Requirement[] = [];
  readonly includes: RequirementsInclude[] = [];
  readonly options: RequirementsOption[] = [];
  readonly directives: Directive[] = [];
  readonly diagnostics: ParseDiagnostic[] = [];

  private index: LineIndex | null = null;

  constructor(private readonly text: string) {}

  run(): void {
    const text = this.text;
    const n = text.length;
    const hasCr = text.includes('\r');
    let lineNo = 0;
    let start = 0;
    let buf = '';
    let segments: Segment[] = [];
    let first = 0;
    let firstStart = 0;
    while (start < n) {
      lineNo++;
      // pip splits with str.splitlines(): `\n`, `\r\n` and a lone `\r` each end a line.
      let next = text.indexOf('\n', start);
      if (hasCr) {
        const cr = text.indexOf('\r', start);
        if (cr >= 0 && (next < 0 || cr < next - 1)) next = cr;
      }
      let contentEnd: number;
      if (next < 0) {
        next = n;
        contentEnd = n;
      } else {
        contentEnd = next;
        next++;
      }
      if (contentEnd > start && text.charCodeAt(contentEnd - 1) === 13) contentEnd--;
      let content = text.slice(start, contentEnd);
      const commentLine = isCommentLine(content);
      if (segments.length === 0) {
        first = lineNo;
        firstStart = start;
      } else if (commentLine) {
        // pip prefixes a comment line with a space so that it is always seen as a comment.
        segments.push({ l: buf.length, p: start, line: lineNo, lineStart: start });
        buf += ' ';
      }
      const continued = !commentLine && content.charCodeAt(content.length - 1) === 92;
      if (continued) {
        let e = content.length;
        while (e > 0 && content.charCodeAt(e - 1) === 92) e--;
        content = content.slice(0, e);
      }
      segments.push({ l: buf.length, p: start, line: lineNo, lineStart: start });
      buf += content;
      if (!continued) {
        this.entry(new LogicalLine(buf, segments, first, { start: firstStart, end: next }));
        buf = '';
        segments = [];
      }
      start = next;
    }
    if (segments.length > 0) this.entry(new LogicalLine(buf, segments, first, { start: firstStart, end: n }));
  }

  private diagnostic(
    ll: LogicalLine,
    at: number,
    end: number,
    severity: ParseDiagnostic['severity'],
    message: string,
  ): void {
    const span = ll.span(at, Math.max(at, end));
    // From the span itself: an empty span at a continuation boundary sits at the end of the earlier
    // physical line, where ll.position(at) would name the start of the next one.
    this.index ??= new LineIndex(this.text);
    const pos = this.index.position(span.start);
    this.diagnostics.push({ message, line: pos.line, column: pos.column, span, severity });
  }

  private entry(ll: LogicalLine): void {
    const s = ll.text;
    let end = s.length;
    const comment = COMMENT.exec(s);
    if (comment) {
      const hash = comment.index + comment[0].length - 1;
      end = hash;
      const segEnd = ll.segmentEnd(hash);
      const commentText = s.slice(hash, segEnd).trimEnd();
      const commentLine = ll.lineOf(hash);
      const directive = readDirective(commentText, ll.off(hash), commentLine, ll.firstLine);
      if (directive) this.directives.push(directive);
      if (segEnd < s.length && s.slice(segEnd).trim() !== '') {
        this.diagnostic(
          ll,
          hash,
          segEnd,
          'warning',
          `comment ends with "\\", so pip joins line ${ll.lineOf(segEnd)} into the comment and ignores it`,
        );
      }
    }
    let a = 0;
    while (a < end && isSpace(s.charCodeAt(a))) a++;
    while (end > a && isSpace(s.charCodeAt(end - 1))) end--;
    if (a >= end) return;

    // pip's break_args_options: the requirement is everything before the first word starting with `-`.
    let optStart = end;
    for (let i = a; i < end; i++) {
      if (s.charCodeAt(i) === 45 && (i === a || isSpace(s.charCodeAt(i - 1)))) {
        optStart = i;
        break;
      }
    }
    let argsEnd = optStart;
    while (argsEnd > a && isSpace(s.charCodeAt(argsEnd - 1))) argsEnd--;
    const hashes: string[] = [];
    const isRequirementLine = argsEnd > a;
    this.readOptions(ll, optStart, end, isRequirementLine, hashes);
    if (isRequirementLine) this.requirement(ll, a, argsEnd, hashes);
  }

  private readOptions(ll: LogicalLine, a: number, b: number, onRequirement: boolean, hashes: string[]): void {
    const s = ll.text;
    const tokens = tokenize(s, a, b);
    for (let t = 0; t < tokens.length; t++) {
      const tok = tokens[t] as Token;
      const raw = s.slice(tok.start, tok.end);
      if (!raw.startsWith('-') || raw === '-' || raw === '--') {
        this.diagnostic(ll, tok.start, tok.end, 'warning', `unexpected argument "${clip(raw, 40)}" (ignored by pip)`);
        continue;
      }
      let name: string;
      let inline: number = -1; // logical index where a glued or `=` value starts
      if (raw.startsWith('--')) {
        const eq = raw.indexOf('=');
        const written = eq < 0 ? raw : raw.slice(0, eq);
        const resolved = resolveLong(written);
        if (resolved === null || resolved === 'ambiguous') {
          const why = resolved === null ? 'unknown option' : 'ambiguous option';
          this.diagnostic(ll, tok.start, tok.end, 'warning', `${why} "${clip(written, 40)}" (pip will refuse this file)`);
          continue;
        }
        name = resolved;
        if (eq >= 0) inline = tok.start + eq + 1;
      } else {
        const short = SHORT_OPTIONS.get(raw.slice(0, 2));
        if (short === undefined) {
          this.diagnostic(ll, tok.start, tok.end, 'warning', `unknown option "${clip(raw, 40)}" (pip will refuse this file)`);
          continue;
        }
        name = short;
        if (raw.length > 2) inline = tok.start + (raw.charCodeAt(2) === 61 ? 3 : 2);
      }
      const spec = LONG_OPTIONS.get(name);
      if (spec === undefined) continue;
      let value: { value: string; start: number; end: number } | null = null;
      if (spec.value) {
        if (inline >= 0) value = unquote(s, inline, tok.end);
        else if (t + 1 < tokens.length) {
          const v = tokens[++t] as Token;
          value = unquote(s, v.start, v.end);
        }
        if (value === null || value.value === '') {
          this.diagnostic(ll, tok.start, tok.end, 'error', `option ${name} requires a value`);
          continue;
        }
      } else if (inline >= 0) {
        this.diagnostic(ll, tok.start, tok.end, 'warning', `option ${name} takes no value`);
      }

      if (spec.kind === 'hash') {
        if (onRequirement && value) hashes.push(value.value);
        else {
          this.diagnostic(
            ll,
            tok.start,
            value ? value.end : tok.end,
            'warning',
            '--hash without a requirement on the same line is ignored by pip (missing "\\" on the line before?)',
          );
        }
        continue;
      }
      if (spec.kind === 'per-requirement') continue;
      // pip parses every line's options into the finder's own format control, so --no-binary and
      // --only-binary after a requirement apply to the whole install, as on a line of their own
      // (checked with pip 23.2: `x==1.0 --no-binary x` refuses the only wheel of x). Any other
      // option there is parsed and dropped.
      if (onRequirement && !FORMAT_CONTROL.has(name)) {
        this.diagnostic(ll, tok.start, tok.end, 'warning', `option ${name} is ignored by pip on a requirement line`);
        continue;
      }
      const line = ll.lineOf(tok.start);
      if (spec.kind === 'global') {
        this.options.push({ name, value: value ? value.value : null, line });
      } else if (spec.kind === 'requirement' || spec.kind === 'constraint') {
        if (!value) continue;
        const pos = ll.position(value.start);
        this.includes.push({
          kind: spec.kind,
          path: value.value,
          line: pos.line,
          column: pos.column,
          span: ll.span(value.start, value.end),
          lineSpan: ll.lineSpan,
        });
      } else if (value) {
        this.editable(ll, value.start, value.end, line);
      }
    }
  }

  /** `-e <path or URL>`: a Requirement when the name is known, else an options entry `-e`. */
  private editable(ll: LogicalLine, a: number, b: number, line: number): void {
    const s = ll.text;
    const value = s.slice(a, b);
    const found = eggName(s, a, b);
    if (!found) {
      this.options.push({ name: '-e', value, line });
      return;
    }
    this.push(ll, found, {
      spanStart: a,
      spanEnd: b,
      url: value,
      editable: true,
      hashes: [],
      marker: null,
      specs: [],
      specStart: found.afterExtras,
      specEnd: found.afterExtras,
    });
  }

  private requirement(ll: LogicalLine, a: number, b: number, hashes: string[]): void {
    const s = ll.text;

    // `name [extras] @ url [; marker]`
    const nameEnd = scanName(s, a, b);
    if (nameEnd > a) {
      let i = skipBlank(s, nameEnd, b);
      let extrasEnd = nameEnd;
      let extrasOk = true;
      const extras: string[] = [];
      if (s.charCodeAt(i) === 91) {
        const close = s.indexOf(']', i);
        if (close > 0 && close < b) {
          for (const e of s.slice(i + 1, close).split(',')) {
            const x = e.trim();
            if (x === '') continue;
            if (scanName(x, 0, x.length) !== x.length) extrasOk = false;
            extras.push(x);
          }
          extrasEnd = close + 1;
          i = skipBlank(s, close + 1, b);
        }
      }
      if (s.charCodeAt(i) === 64 && extrasOk) {
        this.urlRequirement(ll, a, b, { nameStart: a, nameEnd, extras, afterExtras: extrasEnd, version: null }, i + 1, hashes);
        return;
      }
    }

    // A bare URL (pip splits its marker at "; ") or a local path (at ";").
    const urlLike = URL_SCHEME.test(s.slice(a, Math.min(b, a + 40)));
    let reqEnd = b;
    let markerAt = -1;
    const sep = s.indexOf(urlLike ? '; ' : ';', a);
    if (sep >= 0 && sep < b) {
      reqEnd = sep;
      markerAt = sep + 1;
    }
    while (reqEnd > a && isSpace(s.charCodeAt(reqEnd - 1))) reqEnd--;
    if (urlLike || looksLikePath(s.slice(a, reqEnd))) {
      this.bareUrlOrPath(ll, a, reqEnd, b, markerAt, urlLike, hashes);
      return;
    }

    // PEP 508.
    let parts = fastPep508(s, a, b);
    if (parts === null) {
      const r = libraryPep508(s, a, b);
      parts = r.parts;
      if (parts === null || r.loose) {
        const { at, what } = diagnose(s, a, b);
        this.diagnostic(ll, at, b, 'error', `invalid requirement: ${what} (in "${clip(s.slice(a, b), 60)}")`);
        if (parts === null) return;
      }
    }
    this.push(
      ll,
      { nameStart: parts.nameStart, nameEnd: parts.nameEnd, extras: parts.extras, afterExtras: parts.afterExtras, version: null },
      {
        spanStart: a,
        spanEnd: b,
        url: null,
        editable: false,
        hashes,
        marker: parts.markerStart >= 0 ? s.slice(parts.markerStart, parts.markerEnd) : null,
        specs: parts.specs,
        specStart: parts.specStart,
        specEnd: parts.specEnd,
      },
    );
  }

  /** `name @ url ; marker`; `at` is just after the `@`. pip splits the marker at the first `;`. */
  private urlRequirement(ll: LogicalLine, a: number, b: number, found: NameFound, at: number, hashes: string[]): void {
    const s = ll.text;
    const u = skipBlank(s, at, b);
    let urlEnd = b;
    let marker: string | null = null;
    const semi = s.indexOf(';', u);
    if (semi >= 0 && semi < b) {
      urlEnd = semi;
      const m = skipBlank(s, semi + 1, b);
      if (m < b) {
        if (markerValid(s, m, b)) marker = s.slice(m, b);
        else {
          this.diagnostic(ll, m, b, 'error', `invalid requirement: invalid environment marker "${clip(s.slice(m, b), 40)}" (in "${clip(s.slice(a, b), 60)}")`);
        }
      }
    }
    while (urlEnd > u && isSpace(s.charCodeAt(urlEnd - 1))) urlEnd--;
    let urlWordEnd = u;
    while (urlWordEnd < urlEnd && !isSpace(s.charCodeAt(urlWordEnd))) urlWordEnd++;
    if (urlWordEnd === u) {
      this.diagnostic(ll, u, b, 'error', `invalid requirement: expected a URL after "@" (in "${clip(s.slice(a, b), 60)}")`);
      return;
    }
    if (urlWordEnd < urlEnd) {
      const rest = skipBlank(s, urlWordEnd, urlEnd);
      this.diagnostic(ll, rest, urlEnd, 'error', `invalid requirement: unexpected text after the URL "${clip(s.slice(rest, urlEnd), 30)}" (in "${clip(s.slice(a, b), 60)}")`);
      return;
    }
    const file = fileName(s, u, urlEnd);
    this.push(ll, found, {
      spanStart: a,
      spanEnd: b,
      url: s.slice(u, urlEnd),
      editable: false,
      hashes,
      marker,
      specs: [],
      specStart: found.afterExtras,
      specEnd: found.afterExtras,
      pin: file && normalizeName(s.slice(file.nameStart, file.nameEnd)) === normalizeName(s.slice(found.nameStart, found.nameEnd)) ? file.version : null,
    });
  }

  private bareUrlOrPath(
    ll: LogicalLine,
    a: number,
    reqEnd: number,
    b: number,
    markerAt: number,
    urlLike: boolean,
    hashes: string[],
  ): void {
    const s = ll.text;
    let marker: string | null = null;
    if (markerAt >= 0) {
      const m = skipBlank(s, markerAt, b);
      if (m < b) {
        if (markerValid(s, m, b)) marker = s.slice(m, b);
        else {
          this.diagnostic(ll, m, b, 'error', `invalid requirement: invalid environment marker "${clip(s.slice(m, b), 40)}" (in "${clip(s.slice(a, b), 60)}")`);
        }
      }
    }
    // A local path may end in `[extras]`.
    let pathEnd = reqEnd;
    let extras: string[] = [];
    if (!urlLike && s.charCodeAt(reqEnd - 1) === 93) {
      const open = s.lastIndexOf('[', reqEnd);
      if (open > a) {
        extras = s
          .slice(open + 1, reqEnd - 1)
          .split(',')
          .map((e) => e.trim())
          .filter((e) => e !== '');
        pathEnd = open;
      }
    }
    // pip: a wheel's name comes from its file name, anything else's from `#egg=`; an sdist file
    // name is our own last resort.
    const file = fileName(s, a, pathEnd);
    const found = file?.wheel === true ? file : (eggName(s, a, pathEnd) ?? file);
    if (!found) {
      // A local project (`.`, `./pkg[extra]`): what it installs is read from its own metadata.
      if (!urlLike) this.options.push({ name: 'local-path', value: s.slice(a, reqEnd), line: ll.firstLine });
      if (urlLike) {
        this.diagnostic(
          ll,
          a,
          reqEnd,
          'info',
          `cannot tell which distribution "${clip(s.slice(a, reqEnd), 60)}" installs (add "#egg=name" or write "name @ url")`,
        );
      }
      return;
    }
    this.push(
      ll,
      { ...found, extras: found.extras.length > 0 ? found.extras : extras },
      {
        spanStart: a,
        spanEnd: b,
        url: s.slice(a, reqEnd),
        editable: false,
        hashes,
        marker,
        specs: [],
        specStart: found.afterExtras,
        specEnd: found.afterExtras,
        pin: found.version,
      },
    );
  }

  private push(
    ll: LogicalLine,
    name: NameFound,
    rest: {
      spanStart: number;
      spanEnd: number;
      url: string | null;
      editable: boolean;
      hashes: readonly string[];
      marker: string | null;
      specs: readonly { readonly op: string; readonly version: string }[];
      specStart: number;
      specEnd: number;
      pin?: string | null;
    },
  ): void {
    const s = ll.text;
    const written = s.slice(name.nameStart, name.nameEnd);
    const specifier = rest.specs.map((x) => x.op + x.version).join(',');
    let pin: string | null = rest.pin ?? null;
    const only = rest.specs.length === 1 ? rest.specs[0] : undefined;
    if (only && ((only.op === '==' && !only.version.includes('*')) || only.op === '===')) pin = only.version;
    const pos = ll.position(rest.spanStart);
    this.requirements.push({
      name: written,
      key: normalizeName(written),
      extras: name.extras,
      specifier,
      pin,
      marker: rest.marker,
      url: rest.url,
      editable: rest.editable,
      hashes: rest.hashes,
      line: pos.line,
      column: pos.column,
      span: ll.span(rest.spanStart, rest.spanEnd),
      nameSpan: ll.span(name.nameStart, name.nameEnd),
      specifierSpan: ll.span(rest.specStart, rest.specEnd),
      lineSpan: ll.lineSpan,
    });
  }
}

/**
 * Parses a requirements file (BOM already stripped; LF, CRLF or mixed line ends). Synchronous,
 * linear in the input, never throws: problems become diagnostics and other lines still parse.
 */
export function parseRequirements(text: string): RequirementsFileModel {
  const parser = new RequirementsParser(text);
  try {
    parser.run();
  } catch (err) {
    parser.diagnostics.push({
      message: `internal error while parsing requirements: ${err instanceof Error ? err.message : String(err)}`,
      line: 1,
      column: 1,
      span: { start: 0, end: 0 },
      severity: 'error',
    });
  }
  return {
    requirements: parser.requirements,
    includes: parser.includes,
    options: parser.options,
    directives: parser.directives,
    diagnostics: parser.diagnostics,
  };
}
