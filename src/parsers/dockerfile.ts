// Dockerfile parser. dockerfile-ast finds instruction boundaries, FROM parts, flags and comments;
// everything that needs exact semantics (line joining, Docker word expansion, JSON form, shell
// words, install commands) is done here on the original text, so every span is an offset into it.
import { DockerfileParser, From, ModifiableInstruction } from 'dockerfile-ast';
import type { Comment, Flag, Instruction } from 'dockerfile-ast';
import type { Span } from '../findings/types.js';
import { readDirective } from './directives.js';
import type {
  ArgInstruction,
  CommandInstruction,
  CopyInstruction,
  Directive,
  DockerCommand,
  DockerfileModel,
  DockerStage,
  EnvInstruction,
  ExposeInstruction,
  HealthcheckInstruction,
  NpmInstall,
  OtherInstruction,
  ParseDiagnostic,
  PipInstall,
  RunInstruction,
  StageInstruction,
  UserInstruction,
  Word,
  WorkdirInstruction,
} from './types.js';

// ------------------------------------------------------------------ positions

/** Line starts of `text`; `\r\n`, `\n` and a lone `\r` end a line (as in LSP TextDocument). */
class LineTable {
  private readonly starts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      } else if (c === 10) {
        this.starts.push(i + 1);
      }
    }
  }

  /** Offset of an LSP position (0-based line and UTF-16 character). */
  offset(pos: { line: number; character: number }): number {
    const start = this.starts[pos.line];
    if (start === undefined) return this.text.length;
    return Math.min(start + pos.character, this.text.length);
  }

  /** 0-based line of an offset. */
  lineIndex(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  line(offset: number): number {
    return this.lineIndex(offset) + 1;
  }

  column(offset: number): number {
    return offset - (this.starts[this.lineIndex(offset)] ?? 0) + 1;
  }
}

/** Length of the line break at `i` (0 when there is none). */
function newlineAt(text: string, i: number, to: number): number {
  if (i >= to) return 0;
  const c = text.charCodeAt(i);
  if (c === 10) return 1;
  if (c === 13) return i + 1 < to && text.charCodeAt(i + 1) === 10 ? 2 : 1;
  return 0;
}

// ------------------------------------------------------------------ logical text

/** Text as Docker/the shell sees it, with the file offset of every character (`map[s.length]` = end). */
interface Src {
  readonly s: string;
  readonly map: readonly number[];
}

function subSrc(src: Src, from: number, to = src.s.length): Src {
  return { s: src.s.slice(from, to), map: src.map.slice(from, to + 1) };
}

/** After a line continuation Docker drops empty lines and comment lines. */
function skipBlankAndCommentLines(text: string, i: number, to: number): number {
  for (;;) {
    let k = i;
    while (k < to && (text[k] === ' ' || text[k] === '\t')) k++;
    if (k >= to) return k;
    const nl = newlineAt(text, k, to);
    if (nl > 0) {
      i = k + nl;
      continue;
    }
    if (text[k] === '#') {
      while (k < to && newlineAt(text, k, to) === 0) k++;
      i = k + newlineAt(text, k, to);
      continue;
    }
    return i;
  }
}

/**
 * Joins `text[from, to)` across escape-char line continuations. With `stopAtNewline`, stops at the
 * first real line break (the end of the first line of a heredoc instruction); `next` is the offset
 * after it.
 */
function logicalLine(text: string, from: number, to: number, esc: string, stopAtNewline: boolean): { src: Src; next: number } {
  let s = '';
  const map: number[] = [];
  let i = from;
  while (i < to) {
    const c = text[i]!;
    if (c === esc) {
      let j = i + 1;
      while (j < to && (text[j] === ' ' || text[j] === '\t')) j++;
      const nl = newlineAt(text, j, to);
      if (nl > 0) {
        i = skipBlankAndCommentLines(text, j + nl, to);
        continue;
      }
      if (j >= to) {
        i = to;
        break;
      }
    }
    const nl = newlineAt(text, i, to);
    if (nl > 0) {
      if (stopAtNewline) {
        map.push(i);
        return { src: { s, map }, next: i + nl };
      }
      s += '\n';
      map.push(i);
      i += nl;
      continue;
    }
    s += c;
    map.push(i);
    i++;
  }
  map.push(Math.min(i, to));
  return { src: { s, map }, next: to };
}

/** `text[from, to)` verbatim, CRLF normalised to `\n` (heredoc bodies). */
function rawSrc(text: string, from: number, to: number): Src {
  let s = '';
  const map: number[] = [];
  for (let i = from; i < to; i++) {
    const c = text[i]!;
    if (c === '\r') {
      if (i + 1 < to && text[i + 1] === '\n') continue;
      s += '\n';
    } else {
      s += c;
    }
    map.push(i);
  }
  map.push(to);
  return { s, map };
}

function spanOf(src: Src, a: number, b: number): Span {
  if (b <= a) {
    const at = src.map[a] ?? src.map[src.map.length - 1] ?? 0;
    return { start: at, end: at };
  }
  return { start: src.map[a]!, end: src.map[b - 1]! + 1 };
}

// ------------------------------------------------------------------ Docker words and expansion

interface RawWord {
  readonly raw: string;
  readonly a: number; // logical indices [a, b)
  readonly b: number;
}

/** Splits at unquoted whitespace the way BuildKit's word processing does (quotes kept in `raw`). */
function splitDockerWords(s: string, esc: string): RawWord[] {
  const out: RawWord[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && /\s/.test(s[i]!)) i++;
    if (i >= n) break;
    const a = i;
    while (i < n && !/\s/.test(s[i]!)) {
      const c = s[i]!;
      if (c === esc) {
        i += 2;
      } else if (c === "'") {
        const j = s.indexOf("'", i + 1);
        i = j < 0 ? n : j + 1;
      } else if (c === '"') {
        i++;
        while (i < n && s[i] !== '"') i += s[i] === esc ? 2 : 1;
        i++;
      } else {
        i++;
      }
    }
    i = Math.min(i, n);
    out.push({ raw: s.slice(a, i), a, b: i });
  }
  return out;
}

type Lookup = (name: string) => string | undefined;

const MAX_EXPANSION_DEPTH = 16;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Index of the `}` closing a `${` whose body starts at `i`, or -1. */
function closingBrace(s: string, i: number): number {
  let depth = 1;
  for (let k = i; k < s.length; k++) {
    const c = s[k];
    if (c === '$' && s[k + 1] === '{') {
      depth++;
      k++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) return k;
    }
  }
  return -1;
}

/** Expands one `$...` at `s[i]` (which is `$`); returns the text and the index after it. */
function expandAt(s: string, i: number, lookup: Lookup, esc: string, depth: number): { text: string; next: number } {
  const next = s[i + 1];
  if (next === '{') {
    const close = closingBrace(s, i + 2);
    if (close < 0) return { text: s.slice(i), next: s.length };
    const body = s.slice(i + 2, close);
    let k = 0;
    while (k < body.length && NAME_CHAR.test(body[k]!)) k++;
    const name = body.slice(0, k);
    const value = name ? lookup(name) : undefined;
    const rest = body.slice(k);
    const sub = (w: string): string => (depth >= MAX_EXPANSION_DEPTH ? w : processWord(w, lookup, esc, depth + 1, true));
    let text: string;
    if (rest.startsWith(':-')) text = value !== undefined && value !== '' ? value : sub(rest.slice(2));
    else if (rest.startsWith('-')) text = value !== undefined ? value : sub(rest.slice(1));
    else if (rest.startsWith(':+')) text = value !== undefined && value !== '' ? sub(rest.slice(2)) : '';
    else if (rest.startsWith('+')) text = value !== undefined ? sub(rest.slice(1)) : '';
    else text = value ?? ''; // `${X}`, `${X:?msg}`, `${X%suffix}`... : the value
    return { text, next: close + 1 };
  }
  let k = i + 1;
  while (k < s.length && NAME_CHAR.test(s[k]!)) k++;
  if (k === i + 1) return { text: '$', next: i + 1 };
  return { text: lookup(s.slice(i + 1, k)) ?? '', next: k };
}

/**
 * BuildKit-style word processing: removes quotes, applies the escape character and expands
 * `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:+x}`, `${VAR+x}` (single quotes stay literal).
 * Defaults are processed recursively up to a fixed depth.
 */
function processWord(raw: string, lookup: Lookup, esc: string, depth = 0, quotes = true): string {
  let out = '';
  let i = 0;
  const n = raw.length;
  while (i < n) {
    const c = raw[i]!;
    if (quotes && c === esc) {
      if (i + 1 < n) out += raw[i + 1];
      i += 2;
    } else if (quotes && c === "'") {
      const j = raw.indexOf("'", i + 1);
      const end = j < 0 ? n : j;
      out += raw.slice(i + 1, end);
      i = end + 1;
    } else if (quotes && c === '"') {
      i++;
      while (i < n && raw[i] !== '"') {
        const d = raw[i]!;
        if (d === esc && i + 1 < n && (raw[i + 1] === '"' || raw[i + 1] === '$' || raw[i + 1] === esc)) {
          out += raw[i + 1];
          i += 2;
        } else if (d === '$') {
          const r = expandAt(raw, i, lookup, esc, depth);
          out += r.text;
          i = r.next;
        } else {
          out += d;
          i++;
        }
      }
      i++;
    } else if (c === '$') {
      const r = expandAt(raw, i, lookup, esc, depth);
      out += r.text;
      i = r.next;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

// ------------------------------------------------------------------ shell words

/** A shell token: a word (`op` null) or an operator; `cmap` gives the file offset of each value char. */
interface Tok {
  readonly value: string;
  readonly cmap: readonly number[];
  readonly span: Span;
  readonly op: string | null;
}

const OPS3 = ['<<-', '<<<', '&>>'];
const OPS2 = ['&&', '||', ';;', '|&', '<<', '>>', '&>', '>&', '<&', '>|', '<>'];
const OPS1 = [';', '|', '&', '(', ')', '<', '>', '\n'];
const REDIRECTS = new Set(['<<-', '<<<', '&>>', '<<', '>>', '&>', '>&', '<&', '>|', '<>', '<', '>']);

/** Index after the `)` closing a `$(` whose body starts at `i`. */
function skipParens(s: string, i: number): number {
  let depth = 1;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\\') i += 2;
    else if (c === "'") {
      const j = s.indexOf("'", i + 1);
      i = j < 0 ? s.length : j + 1;
    } else if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
      i++;
    } else {
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return i + 1;
      i++;
    }
  }
  return s.length;
}

/**
 * POSIX-ish shell tokenizer: quotes, backslash escapes (when `backslash`), `$(...)`, `${...}` and
 * backticks kept verbatim inside words, comments, operators and redirections.
 */
function lexShell(src: Src, backslash: boolean): Tok[] {
  const { s, map } = src;
  const n = s.length;
  const toks: Tok[] = [];
  let value = '';
  let cmap: number[] = [];
  let first = -1; // logical index of the word's first char
  let last = -1; // logical index of the word's last char
  let quoted = false;

  const flush = (): void => {
    if (first >= 0) toks.push({ value, cmap, span: { start: map[first]!, end: map[Math.max(first, last)]! + 1 }, op: null });
    value = '';
    cmap = [];
    first = -1;
    last = -1;
    quoted = false;
  };
  const begin = (i: number): void => {
    if (first < 0) first = i;
  };
  const lit = (i: number): void => {
    value += s[i];
    cmap.push(map[i]!);
  };
  const verbatim = (a: number, b: number): void => {
    for (let k = a; k < b && k < n; k++) lit(k);
  };

  let i = 0;
  while (i < n) {
    const c = s[i]!;
    if (c === ' ' || c === '\t') {
      flush();
      i++;
      continue;
    }
    if (c === '#' && first < 0) {
      while (i < n && s[i] !== '\n') i++;
      continue;
    }
    let op: string | undefined;
    const three = s.slice(i, i + 3);
    const two = s.slice(i, i + 2);
    if (OPS3.includes(three)) op = three;
    else if (OPS2.includes(two)) op = two;
    else if (OPS1.includes(c)) op = c;
    if (op !== undefined) {
      let start = i;
      if (REDIRECTS.has(op) && first >= 0 && !quoted && /^\d+$/.test(value)) {
        start = first; // `2>&1`: the fd number belongs to the operator
        value = '';
        cmap = [];
        first = -1;
      }
      flush();
      toks.push({ value: s.slice(start, i + op.length), cmap: [], span: { start: map[start]!, end: map[i + op.length - 1]! + 1 }, op });
      i += op.length;
      continue;
    }
    if (c === '\\' && backslash) {
      if (i + 1 >= n) {
        begin(i);
        lit(i);
        last = i;
        i++;
      } else if (s[i + 1] === '\n') {
        // line continuation inside heredoc/`sh -c` text: joins words, starts none (a word with
        // no character would have no end; found by the 1M-input fuzz run)
        i += 2;
      } else {
        begin(i);
        lit(i + 1);
        last = i + 1;
        i += 2;
      }
      continue;
    }
    if (c === "'" || (c === '$' && s[i + 1] === "'")) {
      begin(i);
      quoted = true;
      const open = c === '$' ? i + 1 : i;
      const j = s.indexOf("'", open + 1);
      const end = j < 0 ? n : j;
      verbatim(open + 1, end);
      last = Math.min(end, n - 1);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      begin(i);
      quoted = true;
      i++;
      while (i < n && s[i] !== '"') {
        if (s[i] === '\\' && backslash && i + 1 < n) {
          const d = s[i + 1]!;
          if (d === '\n') {
            i += 2;
            continue;
          }
          if (d === '$' || d === '`' || d === '"' || d === '\\') {
            lit(i + 1);
            i += 2;
            continue;
          }
        }
        lit(i);
        i++;
      }
      last = Math.min(i, n - 1);
      i++;
      continue;
    }
    if (c === '$' && s[i + 1] === '(') {
      begin(i);
      const end = skipParens(s, i + 2);
      verbatim(i, end);
      last = end - 1;
      i = end;
      continue;
    }
    if (c === '$' && s[i + 1] === '{') {
      begin(i);
      const close = closingBrace(s, i + 2);
      const end = close < 0 ? n : close + 1;
      verbatim(i, end);
      last = end - 1;
      i = end;
      continue;
    }
    if (c === '`') {
      begin(i);
      let j = i + 1;
      while (j < n && s[j] !== '`') j += s[j] === '\\' ? 2 : 1;
      const end = Math.min(j + 1, n);
      verbatim(i, end);
      last = end - 1;
      i = end;
      continue;
    }
    begin(i);
    lit(i);
    last = i;
    i++;
  }
  flush();
  return toks;
}

const SEPARATORS = new Set(['&&', '||', ';', ';;', '|', '|&', '&', '\n', '(', ')']);

/** Simple commands (words only; redirections and their targets dropped). */
function splitCommands(toks: readonly Tok[]): Tok[][] {
  const out: Tok[][] = [];
  let cur: Tok[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.op === null) {
      cur.push(t);
    } else if (SEPARATORS.has(t.op)) {
      if (cur.length) out.push(cur);
      cur = [];
    } else if (REDIRECTS.has(t.op) && toks[i + 1]?.op === null) {
      i++; // the redirection target
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

function basename(v: string): string {
  const k = Math.max(v.lastIndexOf('/'), v.lastIndexOf('\\'));
  return k < 0 ? v : v.slice(k + 1);
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'nohup']);
const SUDO_VALUE = new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '-R']);

/** Drops leading `FOO=1`, `sudo`, `exec`, `time`, `nice`, `env VAR=x` and shell keywords. */
function stripPrefixes(words: readonly Tok[]): Tok[] {
  let i = 0;
  const n = words.length;
  const skipOpts = (valueOpts: ReadonlySet<string>): void => {
    while (i < n) {
      const v = words[i]!.value;
      if (v === '--') {
        i++;
        return;
      }
      if (!v.startsWith('-') || v === '-') return;
      i += valueOpts.has(v) ? 2 : 1;
    }
  };
  while (i < n) {
    const v = words[i]!.value;
    if (ASSIGNMENT.test(v) || RESERVED.has(v)) {
      i++;
    } else if (v === 'sudo') {
      i++;
      skipOpts(SUDO_VALUE);
    } else if (v === 'exec') {
      i++;
      skipOpts(new Set(['-a']));
    } else if (v === 'time') {
      i++;
      skipOpts(new Set(['-f', '-o']));
    } else if (v === 'nice') {
      i++;
      skipOpts(new Set(['-n']));
    } else if (v === 'env') {
      i++;
      skipOpts(new Set(['-u', '-C', '-S']));
    } else {
      break;
    }
  }
  return words.slice(i);
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh']);

/** For `sh -c 'script'` (also `-ec`, `-o pipefail -c`), the index of the script word. */
function shellScriptIndex(words: readonly Tok[]): number {
  if (!SHELLS.has(basename(words[0]?.value ?? ''))) return -1;
  let sawC = false;
  for (let i = 1; i < words.length; i++) {
    const v = words[i]!.value;
    if (v === '-o' || v === '+o' || v === '-O' || v === '+O') {
      i++;
      continue;
    }
    if (/^[-+][A-Za-z]+$/.test(v)) {
      if (v.startsWith('-') && v.includes('c')) sawC = true;
      continue;
    }
    if (v === '--') continue;
    return sawC ? i : -1;
  }
  return -1;
}

const MAX_SHELL_DEPTH = 4;

/** Appends the simple commands of `cmd`, descending into `sh -c "..."`. */
function collectCommand(cmd: readonly Tok[], out: Tok[][], backslash: boolean, depth: number): void {
  const words = stripPrefixes(cmd);
  if (words.length === 0) return;
  const k = depth < MAX_SHELL_DEPTH ? shellScriptIndex(words) : -1;
  if (k >= 0) {
    const script = words[k]!;
    if (script.cmap.length === 0) return;
    const inner: Src = { s: script.value, map: [...script.cmap, script.cmap[script.cmap.length - 1]! + 1] };
    for (const c of splitCommands(lexShell(inner, backslash))) collectCommand(c, out, backslash, depth + 1);
    return;
  }
  out.push(words);
}

// ------------------------------------------------------------------ JSON form

interface JsonScan {
  /** `[` ... `]` with only strings, nothing after. */
  readonly ok: boolean;
  /** The text ended before a closing `]`. */
  readonly unterminated: boolean;
  readonly strings: readonly Tok[];
}

const JSON_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Scans a JSON array of strings starting at `src.s[k] === '['`. Word spans are inside the quotes. */
function scanJsonArray(src: Src, k: number): JsonScan {
  const { s, map } = src;
  const n = s.length;
  const strings: Tok[] = [];
  const ws = (i: number): number => {
    while (i < n && /\s/.test(s[i]!)) i++;
    return i;
  };
  let i = ws(k + 1);
  if (i < n && s[i] === ']') {
    return { ok: ws(i + 1) >= n, unterminated: false, strings };
  }
  for (;;) {
    if (i >= n) return { ok: false, unterminated: true, strings };
    if (s[i] !== '"') return { ok: false, unterminated: !s.trimEnd().endsWith(']'), strings };
    const q = i;
    let value = '';
    const cmap: number[] = [];
    i++;
    while (i < n && s[i] !== '"') {
      if (s[i] === '\\' && i + 1 < n) {
        const e = s[i + 1]!;
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
          value += String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16));
          cmap.push(map[i]!);
          i += 6;
          continue;
        }
        const d = JSON_ESCAPES[e];
        if (d === undefined) return { ok: false, unterminated: !s.trimEnd().endsWith(']'), strings };
        value += d;
        cmap.push(map[i]!);
        i += 2;
        continue;
      }
      value += s[i];
      cmap.push(map[i]!);
      i++;
    }
    if (i >= n) {
      strings.push({ value, cmap, span: { start: map[q + 1]!, end: map[n]! }, op: null });
      return { ok: false, unterminated: true, strings };
    }
    strings.push({ value, cmap, span: { start: map[q + 1]!, end: map[i]! }, op: null });
    i = ws(i + 1);
    if (i >= n) return { ok: false, unterminated: true, strings };
    if (s[i] === ',') {
      i = ws(i + 1);
      continue;
    }
    if (s[i] === ']') return { ok: ws(i + 1) >= n, unterminated: false, strings };
    return { ok: false, unterminated: !s.trimEnd().endsWith(']'), strings };
  }
}

function firstNonSpace(s: string): number {
  const m = /\S/.exec(s);
  return m ? m.index : -1;
}

// ------------------------------------------------------------------ install commands

const PIP_VALUE_LONG = new Set([
  '--index-url', '--extra-index-url', '--find-links', '--trusted-host', '--target', '--prefix', '--root',
  '--python', '--platform', '--only-binary', '--no-binary', '--progress-bar', '--cache-dir', '--src',
  '--timeout', '--retries', '--log', '--log-file', '--config-settings', '--config-setting', '--global-option',
  '--install-option', '--upgrade-strategy', '--python-version', '--implementation', '--abi', '--cert',
  '--client-cert', '--proxy', '--exists-action', '--report', '--use-feature', '--use-deprecated',
  '--keyring-provider', '--build-dir', '--group', '--index', '--default-index', '--index-strategy',
  '--python-platform', '--resolution', '--prerelease', '--extra', '--exclude-newer', '--upgrade-package',
  '--reinstall-package', '--link-mode', '--refresh-package', '--no-build-package', '--no-binary-package',
  '--override', '--overrides', '--build-constraint', '--build-constraints', '--torch-backend',
  '--categories', '--pypi-mirror', '--directory', '--project',
]);
const PIP_VALUE_SHORT = new Set(['r', 'c', 'e', 'i', 'f', 't', 'C', 'p', 'P']);

interface Piece {
  readonly value: string;
  readonly span: Span;
}

/** The part of a word from value index `from` (for `-rfile`, `--requirement=file`). */
function tail(t: Tok, from: number): Piece {
  if (from <= 0) return { value: t.value, span: t.span };
  const cm = t.cmap;
  if (from >= cm.length) return { value: '', span: { start: t.span.end, end: t.span.end } };
  return { value: t.value.slice(from), span: { start: cm[from]!, end: cm[cm.length - 1]! + 1 } };
}

function isUrlLike(v: string): boolean {
  return v.includes('://') || /^(git|hg|svn|bzr)\+/.test(v);
}

function isLocalPath(v: string): boolean {
  if (v === '') return false;
  if (/^[./~]/.test(v)) return true;
  if (isUrlLike(v)) return false;
  if (/[<>=!~;@,\s]/.test(v)) return false;
  if (v.includes('/')) return true;
  return /\.(whl|tar\.gz|tgz|zip|tar\.bz2)$/i.test(v);
}

/** Local paths keep their extras (`.[s3]`): what `pip install .[s3]` installs depends on them. */
function stripExtras(v: string): string {
  return v.replace(/^(\[[^\]]*\])$/, '.$1');
}

interface Located {
  readonly lines: LineTable;
}

function wordOf(p: Piece): Word {
  return { value: p.value, span: p.span };
}

function installSpan(words: readonly Tok[]): Span {
  return { start: words[0]!.span.start, end: words[words.length - 1]!.span.end };
}

/** Options of `pip install` / `uv pip install` / `pipenv install` from `words[start]`. */
function pipArguments(
  tool: PipInstall['tool'],
  words: readonly Tok[],
  start: number,
  positionalAsRequirements: boolean,
  ctx: Located,
): PipInstall {
  const requirementFiles: { path: string; constraint: boolean; span: Span }[] = [];
  const packages: Word[] = [];
  const localPaths: { path: string; editable: boolean; span: Span }[] = [];
  let upgrade = false;
  let optionsDone = false;

  const apply = (kind: 'r' | 'c' | 'e' | 'positional', p: Piece): void => {
    if (kind === 'r' || kind === 'c') {
      if (p.value !== '') requirementFiles.push({ path: p.value, constraint: kind === 'c', span: p.span });
    } else if (kind === 'e') {
      if (isUrlLike(p.value)) packages.push(wordOf(p));
      else if (p.value !== '') localPaths.push({ path: stripExtras(p.value), editable: true, span: p.span });
    } else if (positionalAsRequirements) {
      requirementFiles.push({ path: p.value, constraint: false, span: p.span });
    } else if (isLocalPath(p.value)) {
      localPaths.push({ path: stripExtras(p.value), editable: false, span: p.span });
    } else if (p.value !== '' && !/^[$`]/.test(p.value)) {
      // `$PACKAGES` / `$(cat list)`: unknown until build time, so not a requirement spec
      packages.push(wordOf(p));
    }
  };
  const kindOf = (name: string): 'r' | 'c' | 'e' | null =>
    name === '--requirement' || name === 'r'
      ? 'r'
      : name === '--constraint' || name === 'c'
        ? 'c'
        : name === '--editable' || name === 'e'
          ? 'e'
          : null;

  for (let i = start; i < words.length; i++) {
    const t = words[i]!;
    const v = t.value;
    if (optionsDone || !v.startsWith('-') || v === '-') {
      apply('positional', tail(t, 0));
      continue;
    }
    if (v === '--') {
      optionsDone = true;
      continue;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = eq < 0 ? v : v.slice(0, eq);
      if (name === '--upgrade') {
        upgrade = true;
        continue;
      }
      const kind = kindOf(name);
      if (kind === null && !PIP_VALUE_LONG.has(name)) continue; // a flag
      let value: Piece | null = null;
      if (eq >= 0) value = tail(t, eq + 1);
      else if (i + 1 < words.length) value = tail(words[++i]!, 0);
      if (kind !== null && value !== null) apply(kind, value);
      continue;
    }
    // short option cluster: -q, -U, -qU, -r file, -rfile, -e.
    for (let k = 1; k < v.length; k++) {
      const ch = v[k]!;
      if (ch === 'U') {
        upgrade = true;
        continue;
      }
      if (!PIP_VALUE_SHORT.has(ch)) continue;
      let value: Piece | null = null;
      if (k + 1 < v.length) value = tail(t, v[k + 1] === '=' ? k + 2 : k + 1);
      else if (i + 1 < words.length) value = tail(words[++i]!, 0);
      const kind = kindOf(ch);
      if (kind !== null && value !== null) apply(kind, value);
      break;
    }
  }
  return {
    tool,
    requirementFiles,
    packages,
    localPaths,
    upgrade,
    line: ctx.lines.line(words[0]!.span.start),
    span: installSpan(words),
  };
}

/** `uv sync` / `poetry install`: the project in `.` (or `--project`/`--directory`/`-C` DIR). */
function projectInstall(tool: PipInstall['tool'], words: readonly Tok[], sub: number, ctx: Located): PipInstall {
  let path = '.';
  let span = words[sub]!.span;
  const dirOpts = tool === 'uv' ? new Set(['--project', '--directory']) : new Set(['--directory', '-C', '--project', '-P']);
  for (let i = 1; i < words.length; i++) {
    const v = words[i]!.value;
    const eq = v.indexOf('=');
    const name = eq < 0 ? v : v.slice(0, eq);
    if (!dirOpts.has(name)) continue;
    const p = eq >= 0 ? tail(words[i]!, eq + 1) : words[i + 1] ? tail(words[i + 1]!, 0) : null;
    if (p && p.value !== '') {
      path = p.value;
      span = p.span;
    }
  }
  const selection = selectedGroups(tool, words.map((w) => w.value));
  return {
    tool,
    requirementFiles: [],
    packages: [],
    localPaths: selection === null ? [] : [{ path: selection.length > 0 ? `${path}[${selection.join(',')}]` : path, editable: false, span }],
    upgrade: false,
    line: ctx.lines.line(words[0]!.span.start),
    span: installSpan(words),
  };
}

/**
 * Dependency groups and extras `poetry install` / `uv sync` add to the main dependencies, as
 * `.[a,b]` extras (`*` = all). Both install the `dev` group unless told otherwise (Poetry docs
 * "Installing dependencies"; uv docs "Default groups"). Null: no dependencies at all (`--only-root`).
 */
function selectedGroups(tool: PipInstall['tool'], words: readonly string[]): string[] | null {
  const groups = new Set(['dev']);
  const list = (value: string | undefined): string[] => (value ?? '').split(/[,\s]+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const [flag = '', inline] = (words[i] ?? '').split(/=(.*)/s);
    const value = (): string | undefined => inline ?? words[++i];
    if (tool === 'poetry') {
      if (flag === '--only-root') return null;
      if (flag === '--with') for (const g of list(value())) groups.add(g);
      else if (flag === '--without') for (const g of list(value())) groups.delete(g);
      else if (flag === '--only') {
        groups.clear();
        for (const g of list(value())) if (g !== 'main') groups.add(g);
      } else if (flag === '--no-dev') groups.delete('dev');
      else if (flag === '-E' || flag === '--extras') for (const e of list(value())) groups.add(e);
      else if (flag === '--all-extras') groups.add('*');
    } else {
      if (flag === '--no-dev' || flag === '--no-default-groups') groups.delete('dev');
      else if (flag === '--only-dev') groups.add('dev');
      else if (flag === '--group' || flag === '--extra') for (const g of list(value())) groups.add(g);
      else if (flag === '--no-group') for (const g of list(value())) groups.delete(g);
      else if (flag === '--only-group') {
        groups.clear();
        for (const g of list(value())) groups.add(g);
      } else if (flag === '--all-groups' || flag === '--all-extras') groups.add('*');
    }
  }
  return [...groups].sort();
}

const PIP_NAME = /^pip(\d+(\.\d+)*)?$/;
const PYTHON_NAME = /^(python(\d+(\.\d+)*)?|py)$/;

function detectPip(words: readonly Tok[], ctx: Located): PipInstall | null {
  const w0 = basename(words[0]?.value ?? '');
  const at = (i: number): string | undefined => words[i]?.value;
  if (PIP_NAME.test(w0)) {
    return at(1) === 'install' ? pipArguments('pip', words, 2, false, ctx) : null;
  }
  if (PYTHON_NAME.test(w0)) {
    let i = 1;
    while (i < words.length && /^-[A-Za-z]+$/.test(at(i)!) && !at(i)!.startsWith('-m')) i++;
    let j = -1;
    if (at(i) === '-m' && PIP_NAME.test(at(i + 1) ?? '')) j = i + 2;
    else if (/^-mpip(\d+(\.\d+)*)?$/.test(at(i) ?? '')) j = i + 1;
    if (j < 0) return null;
    return at(j) === 'install' ? pipArguments('pip', words, j + 1, false, ctx) : null;
  }
  if (w0 === 'uv') {
    let i = 1;
    while (i < words.length && at(i)!.startsWith('-')) i++;
    if (at(i) === 'pip' && at(i + 1) === 'install') return pipArguments('uv', words, i + 2, false, ctx);
    if (at(i) === 'pip' && at(i + 1) === 'sync') return pipArguments('uv', words, i + 2, true, ctx);
    if (at(i) === 'sync') return projectInstall('uv', words, i, ctx);
    return null;
  }
  if (w0 === 'poetry') {
    let i = 1;
    while (i < words.length && at(i)!.startsWith('-')) i++;
    return at(i) === 'install' ? projectInstall('poetry', words, i, ctx) : null;
  }
  if (w0 === 'pipenv') {
    return at(1) === 'install' ? pipArguments('pipenv', words, 2, false, ctx) : null;
  }
  return null;
}

const NPM_INSTALL = new Set(['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add']);
const NPM_CI = new Set(['ci', 'clean-install', 'ic', 'install-clean', 'isntall-clean']);
const NPM_VALUE = new Set(['--prefix', '-C', '--workspace', '-w', '--cache', '--registry', '--loglevel', '--userconfig']);

function detectNpm(words: readonly Tok[], ctx: Located): NpmInstall | null {
  const w0 = basename(words[0]?.value ?? '');
  if (w0 !== 'npm' && w0 !== 'yarn' && w0 !== 'pnpm') return null;
  let i = 1;
  while (i < words.length && words[i]!.value.startsWith('-')) i += NPM_VALUE.has(words[i]!.value) ? 2 : 1;
  const sub = words[i];
  const mk = (command: NpmInstall['command'], t: Tok): NpmInstall => ({ command, line: ctx.lines.line(t.span.start), span: t.span });
  if (w0 === 'npm') {
    if (!sub) return null;
    if (NPM_INSTALL.has(sub.value)) return mk('install', sub);
    if (NPM_CI.has(sub.value)) return mk('ci', sub);
    return null;
  }
  if (!sub) return w0 === 'yarn' ? mk('other', words[0]!) : null; // bare `yarn` installs
  if (sub.value === 'install' || sub.value === 'add' || (w0 === 'pnpm' && sub.value === 'i')) return mk('other', sub);
  return null;
}

interface SystemTool {
  readonly sub: string;
  readonly valueOpts: ReadonlySet<string>;
}

const APT: SystemTool = { sub: 'install', valueOpts: new Set(['-o', '-t', '-c', '--option', '--target-release', '--default-release', '--config-file']) };
const APK: SystemTool = {
  sub: 'add',
  valueOpts: new Set(['-X', '--repository', '-t', '--virtual', '-p', '--root', '--keys-dir', '--arch', '--cache-dir', '--repositories-file']),
};
const YUM: SystemTool = {
  sub: 'install',
  valueOpts: new Set(['-x', '--exclude', '--setopt', '--enablerepo', '--disablerepo', '--releasever', '--installroot', '--repo', '--repoid', '--config', '-c', '--repofrompath']),
};
const SYSTEM_TOOLS: Readonly<Record<string, SystemTool>> = {
  'apt-get': APT,
  apt: APT,
  aptitude: APT,
  apk: APK,
  yum: YUM,
  dnf: YUM,
  microdnf: YUM,
};

function detectSystemPackages(words: readonly Tok[]): string[] {
  const w0 = basename(words[0]?.value ?? '');
  const tool = Object.prototype.hasOwnProperty.call(SYSTEM_TOOLS, w0) ? SYSTEM_TOOLS[w0] : undefined;
  if (!tool) return [];
  let i = 1;
  const skipOption = (): boolean => {
    const v = words[i]!.value;
    if (!v.startsWith('-')) return false;
    i += tool.valueOpts.has(v) ? 2 : 1;
    return true;
  };
  while (i < words.length && skipOption());
  if (words[i]?.value !== tool.sub) return [];
  i++;
  const out: string[] = [];
  while (i < words.length) {
    if (skipOption()) continue;
    const v = words[i]!.value;
    i++;
    if (/^[./]/.test(v) || /[$`]/.test(v)) continue; // local package files, `$(cat list)`
    let name = v.split(/[=<>~]/)[0] ?? '';
    if (tool === APT) name = name.split('/')[0] ?? '';
    if (name !== '') out.push(name);
  }
  return out;
}

// ------------------------------------------------------------------ the parser

const KNOWN = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER',
  'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

interface StageState {
  readonly stage: {
    index: number;
    name: string | null;
    from: DockerStage['from'];
    instructions: StageInstruction[];
  };
  readonly env: Map<string, string>;
  readonly args: Map<string, string | undefined>;
}

interface Base {
  readonly keyword: string;
  readonly line: number;
  readonly endLine: number;
  readonly span: Span;
}

class Builder implements Located {
  readonly lines: LineTable;
  readonly stages: StageState[] = [];
  readonly globalArgs: { name: string; value: string | null }[] = [];
  readonly globals = new Map<string, string | undefined>();
  readonly directives: Directive[] = [];
  readonly diagnostics: ParseDiagnostic[] = [];
  esc = '\\';

  constructor(readonly text: string) {
    this.lines = new LineTable(text);
  }

  diag(message: string, span: Span): void {
    this.diagnostics.push({
      message,
      line: this.lines.line(span.start),
      column: this.lines.column(span.start),
      span,
      severity: 'error',
    });
  }

  globalLookup: Lookup = (name) => this.globals.get(name);

  stageLookup(st: StageState): Lookup {
    return (name) => (st.env.has(name) ? st.env.get(name) : st.args.get(name));
  }

  words(src: Src): { raw: string; span: Span; a: number; b: number }[] {
    return splitDockerWords(src.s, this.esc).map((w) => ({ raw: w.raw, span: spanOf(src, w.a, w.b), a: w.a, b: w.b }));
  }

  /** Logical index in `src` after leading `--flag` words. */
  afterFlags(src: Src): number {
    let after = 0;
    for (const w of splitDockerWords(src.s, this.esc)) {
      if (!w.raw.startsWith('--')) break;
      after = w.b;
    }
    return after;
  }

  run(): void {
    let df;
    try {
      // dockerfile-ast's parser-directive scan is quadratic on a first line of `#`s that never
      // ends ("#" x 50k took 10 s): a final line break, which changes no offset, bounds it.
      const single = this.text.length > 0 && !/[\r\n]/.test(this.text);
      df = DockerfileParser.parse(single ? `${this.text}\n` : this.text);
    } catch (e) {
      this.diag(`dockerfile-ast failed: ${String(e)}`, { start: 0, end: 0 });
      return;
    }
    try {
      const esc = df.getEscapeCharacter();
      if (esc === '\\' || esc === '`') this.esc = esc;
    } catch {
      // keep the default
    }
    let instructions: Instruction[] = [];
    try {
      instructions = df.getInstructions();
    } catch (e) {
      this.diag(`dockerfile-ast failed: ${String(e)}`, { start: 0, end: 0 });
    }
    const starts: { line: number; endLine: number }[] = [];
    for (const ins of instructions) {
      let base: Base | null = null;
      try {
        const r = ins.getRange();
        base = {
          keyword: ins.getKeyword().toUpperCase(),
          line: r.start.line + 1,
          endLine: r.end.line + 1,
          span: { start: this.lines.offset(r.start), end: this.lines.offset(r.end) },
        };
        starts.push({ line: base.line, endLine: base.endLine });
        this.instruction(ins, base);
      } catch (e) {
        this.diag(`internal error while parsing ${base?.keyword ?? 'an instruction'}: ${String(e)}`, base?.span ?? { start: 0, end: 0 });
      }
    }
    if (instructions.length > 0 && this.stages.length === 0) {
      const first = instructions[0]!;
      let span: Span = { start: 0, end: 0 };
      try {
        span = { start: this.lines.offset(first.getRange().start), end: this.lines.offset(first.getInstructionRange().end) };
      } catch {
        // line 1
      }
      this.diag('no FROM instruction', span);
    }
    let comments: Pick<Comment, 'getRange'>[];
    try {
      comments = df.getComments();
      // A comment on the first lines looks like a parser directive to dockerfile-ast
      // (`# hadolint ignore=DL3007` reads as directive "hadolint"); real ones are not suppressions.
      const lookalikes = df.getDirectives().filter((d) => !['syntax', 'escape', 'check'].includes(d.getName().toLowerCase()));
      comments = [...lookalikes, ...comments];
    } catch {
      comments = [];
    }
    this.readComments(comments, starts);
  }

  readComments(comments: readonly Pick<Comment, 'getRange'>[], starts: readonly { line: number; endLine: number }[]): void {
    for (const c of comments) {
      try {
        const r = c.getRange();
        const start = this.lines.offset(r.start);
        const end = this.lines.offset(r.end);
        const commentLine = r.start.line + 1;
        // the instruction containing the comment (inside a continuation), else the next one
        let lo = 0;
        let hi = starts.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (starts[mid]!.endLine < commentLine) lo = mid + 1;
          else hi = mid;
        }
        const target = starts[lo];
        const line = target ? target.line : commentLine;
        const d = readDirective(this.text.slice(start, end), start, commentLine, line);
        if (d) this.directives.push(d);
      } catch {
        // not a directive
      }
    }
  }

  instruction(ins: Instruction, base: Base): void {
    const kw = base.keyword;
    const argsStart = this.lines.offset(ins.getInstructionRange().end);
    const end = base.span.end;
    const keywordSpan: Span = { start: base.span.start, end: argsStart };
    if (kw === 'FROM') {
      this.from(ins, base, argsStart);
      return;
    }
    if (!KNOWN.has(kw)) {
      this.diag(`unknown instruction "${this.text.slice(keywordSpan.start, keywordSpan.end)}"`, keywordSpan);
      const st = this.stages[this.stages.length - 1];
      if (st) st.stage.instructions.push(other(base));
      return;
    }
    const st = this.stages[this.stages.length - 1];
    if (!st) {
      if (kw === 'ARG') this.globalArg(argsStart, end);
      else this.diag(`${kw} before the first FROM (only ARG may come first)`, keywordSpan);
      return;
    }
    const out = st.stage.instructions;
    switch (kw) {
      case 'COPY':
      case 'ADD':
        out.push(this.copy(ins, base, st, argsStart, end));
        return;
      case 'RUN':
        out.push(this.runInstruction(base, argsStart, end));
        return;
      case 'WORKDIR': {
        const src = logicalLine(this.text, argsStart, end, this.esc, true).src;
        const w: WorkdirInstruction = { ...base, kind: 'workdir', path: processWord(src.s.trim(), this.stageLookup(st), this.esc) };
        out.push(w);
        return;
      }
      case 'USER': {
        const src = logicalLine(this.text, argsStart, end, this.esc, true).src;
        const u: UserInstruction = { ...base, kind: 'user', user: processWord(src.s.trim(), this.stageLookup(st), this.esc) };
        out.push(u);
        return;
      }
      case 'ENV':
        out.push(this.env(base, st, argsStart, end));
        return;
      case 'ARG':
        out.push(this.stageArg(base, st, argsStart, end));
        return;
      case 'EXPOSE': {
        const src = logicalLine(this.text, argsStart, end, this.esc, true).src;
        const lookup = this.stageLookup(st);
        const ports = this.words(src).map((w) => processWord(w.raw, lookup, this.esc)).filter((p) => p !== '');
        const e: ExposeInstruction = { ...base, kind: 'expose', ports };
        out.push(e);
        return;
      }
      case 'CMD':
      case 'ENTRYPOINT': {
        const src = logicalLine(this.text, argsStart, end, this.esc, true).src;
        const c: CommandInstruction = { ...base, kind: kw === 'CMD' ? 'cmd' : 'entrypoint', command: this.command(src, kw, argsStart) };
        out.push(c);
        return;
      }
      case 'HEALTHCHECK':
        out.push(this.healthcheck(base, argsStart, end));
        return;
      default:
        out.push(other(base));
    }
  }

  from(ins: Instruction, base: Base, argsStart: number): void {
    const index = this.stages.length;
    let raw = '';
    let span: Span = { start: argsStart, end: argsStart };
    let name: string | null = null;
    const f = ins instanceof From ? ins : null;
    const r = f?.getImageRange() ?? null;
    if (r) {
      span = { start: this.lines.offset(r.start), end: this.lines.offset(r.end) };
      raw = this.text.slice(span.start, span.end);
      name = f?.getBuildStage()?.toLowerCase() ?? null;
    } else {
      this.diag('FROM without an image', { start: base.span.start, end: argsStart });
    }
    const image = raw === '' ? '' : processWord(raw, this.globalLookup, this.esc);
    const lower = image.toLowerCase();
    let stageRef: number | null = null;
    if (lower !== '') {
      for (const prev of this.stages) {
        if (prev.stage.name === lower) {
          stageRef = prev.stage.index;
          break;
        }
      }
      if (stageRef === null && /^\d+$/.test(lower) && Number(lower) < index) stageRef = Number(lower);
    }
    let tag: string | null = null;
    let digest: string | null = null;
    if (stageRef === null && image !== '') {
      let rest = image;
      const at = rest.indexOf('@');
      if (at >= 0) {
        digest = rest.slice(at + 1) || null;
        rest = rest.slice(0, at);
      }
      const colon = rest.lastIndexOf(':');
      if (colon > rest.lastIndexOf('/')) tag = rest.slice(colon + 1) || null;
    }
    const parent = stageRef === null ? undefined : this.stages[stageRef];
    this.stages.push({
      stage: { index, name, from: { image, raw, tag, digest, stageRef, line: this.lines.line(span.start), span }, instructions: [] },
      env: new Map(parent?.env ?? []),
      args: new Map(),
    });
  }

  /** `ARG A=1 B` → pairs, defaults expanded with `lookup`. */
  argPairs(argsStart: number, end: number, lookup: Lookup): { name: string; value: string | null }[] {
    const src = logicalLine(this.text, argsStart, end, this.esc, true).src;
    return this.words(src).map((w) => {
      const eq = w.raw.indexOf('=');
      if (eq < 0) return { name: w.raw, value: null };
      return { name: w.raw.slice(0, eq), value: processWord(w.raw.slice(eq + 1), lookup, this.esc) };
    });
  }

  globalArg(argsStart: number, end: number): void {
    for (const p of this.argPairs(argsStart, end, this.globalLookup)) {
      this.globalArgs.push(p);
      this.globals.set(p.name, p.value ?? undefined);
    }
  }

  stageArg(base: Base, st: StageState, argsStart: number, end: number): StageInstruction {
    const pairs = this.argPairs(argsStart, end, this.stageLookup(st));
    for (const p of pairs) {
      st.args.set(p.name, p.value ?? this.globals.get(p.name));
    }
    const first = pairs[0];
    if (!first) return other(base);
    const a: ArgInstruction = { ...base, kind: 'arg', name: first.name, value: first.value };
    return a;
  }

  env(base: Base, st: StageState, argsStart: number, end: number): EnvInstruction {
    const src = logicalLine(this.text, argsStart, end, this.esc, true).src;
    const lookup = this.stageLookup(st);
    const words = this.words(src);
    const pairs: { key: string; value: string; span: Span }[] = [];
    const w0 = words[0];
    if (w0 && !w0.raw.includes('=')) {
      // legacy `ENV KEY value with spaces`
      const rest = src.s.slice(w0.b).trim();
      const last = words[words.length - 1]!;
      pairs.push({ key: w0.raw, value: processWord(rest, lookup, this.esc), span: { start: w0.span.start, end: last.span.end } });
    } else {
      for (const w of words) {
        const eq = w.raw.indexOf('=');
        if (eq <= 0) continue;
        pairs.push({ key: w.raw.slice(0, eq), value: processWord(w.raw.slice(eq + 1), lookup, this.esc), span: w.span });
      }
    }
    // every value is expanded with the environment from before the instruction
    for (const p of pairs) st.env.set(p.key, p.value);
    return { ...base, kind: 'env', pairs };
  }

  copy(ins: Instruction, base: Base, st: StageState, argsStart: number, end: number): StageInstruction {
    const src = logicalLine(this.text, argsStart, end, this.esc, true).src;
    const lookup = this.stageLookup(st);
    const bodyAt = this.afterFlags(src);
    let from: string | null = null;
    let chown: string | null = null;
    const flags: Flag[] = ins instanceof ModifiableInstruction ? ins.getFlags() : [];
    const bodyStartOffset = src.map[bodyAt] ?? end;
    for (const fl of flags) {
      if (this.lines.offset(fl.getRange().start) >= bodyStartOffset) continue;
      const name = fl.getName().toLowerCase();
      const v = fl.getValue();
      if (v === null) continue;
      if (name === 'from' && from === null) from = processWord(v, lookup, this.esc);
      if (name === 'chown' && chown === null) chown = processWord(v, lookup, this.esc);
    }
    const body = subSrc(src, bodyAt);
    const k = firstNonSpace(body.s);
    let words: Word[] = [];
    let json = false;
    if (k >= 0 && body.s[k] === '[') {
      const scan = scanJsonArray(body, k);
      if (scan.ok) {
        json = true;
        words = scan.strings.map((t) => ({ value: processWord(t.value, lookup, this.esc, 0, false), span: t.span }));
      }
    }
    if (!json) words = this.words(body).map((w) => ({ value: processWord(w.raw, lookup, this.esc), span: w.span }));
    if (words.length < 2) {
      this.diag(`${base.keyword} needs at least a source and a destination`, base.span);
      return other(base);
    }
    const c: CopyInstruction = {
      ...base,
      kind: 'copy',
      sources: words.slice(0, -1),
      dest: words[words.length - 1]!,
      from,
      chown,
    };
    return c;
  }

  runInstruction(base: Base, argsStart: number, end: number): RunInstruction {
    const backslash = this.esc === '\\';
    const { src, next } = logicalLine(this.text, argsStart, end, this.esc, true);
    const body = subSrc(src, this.afterFlags(src));
    const commands: Tok[][] = [];
    let text: string;
    const k = firstNonSpace(body.s);
    const scan = k >= 0 && body.s[k] === '[' ? scanJsonArray(body, k) : null;
    if (scan?.ok) {
      text = scan.strings.map((t) => t.value).join(' ');
      if (scan.strings.length) collectCommand(scan.strings, commands, backslash, 0);
    } else {
      const toks = lexShell(body, backslash);
      const firstLine = splitCommands(toks);
      text = body.s.trim();
      if (next < end) text += '\n' + this.text.slice(next, end).replace(/\r\n?/g, '\n');
      const firstCommands: Tok[][] = [];
      for (const c of firstLine) collectCommand(c, firstCommands, backslash, 0);
      commands.push(...firstCommands);
      // heredoc bodies are commands when the heredoc feeds a shell (`RUN <<EOF`, `RUN bash <<EOF`)
      const markers: { name: string; strip: boolean }[] = [];
      for (let i = 0; i + 1 < toks.length; i++) {
        const t = toks[i]!;
        if ((t.op === '<<' || t.op === '<<-') && toks[i + 1]!.op === null) markers.push({ name: toks[i + 1]!.value, strip: t.op === '<<-' });
      }
      const head = firstCommands[0];
      const feedsShell = head === undefined || (SHELLS.has(basename(head[0]!.value)) && shellScriptIndex(head) < 0);
      if (next < end && feedsShell) {
        for (const b of this.heredocBodies(next, end, markers)) {
          for (const c of splitCommands(lexShell(rawSrc(this.text, b.start, b.end), backslash))) collectCommand(c, commands, backslash, 0);
        }
      }
    }
    const pipInstalls: PipInstall[] = [];
    const npmInstalls: NpmInstall[] = [];
    const systemPackages: string[] = [];
    for (const c of commands) {
      const pip = detectPip(c, this);
      if (pip) pipInstalls.push(pip);
      const npm = detectNpm(c, this);
      if (npm) npmInstalls.push(npm);
      for (const p of detectSystemPackages(c)) if (!systemPackages.includes(p)) systemPackages.push(p);
    }
    return {
      ...base,
      kind: 'run',
      text,
      commands: commands.map((c) => c.map((t) => ({ value: t.value, span: t.span }))),
      pipInstalls,
      npmInstalls,
      systemPackages,
    };
  }

  /** Regions of heredoc bodies in `[from, to)`, in marker order (without the delimiter lines). */
  heredocBodies(from: number, to: number, markers: readonly { name: string; strip: boolean }[]): Span[] {
    if (markers.length === 0) return [{ start: from, end: to }];
    const out: Span[] = [];
    let i = from;
    for (const m of markers) {
      const start = i;
      let bodyEnd = to;
      while (i < to) {
        let e = i;
        while (e < to && newlineAt(this.text, e, to) === 0) e++;
        let line = this.text.slice(i, e);
        if (m.strip) line = line.replace(/^\t+/, '');
        const after = e + newlineAt(this.text, e, to);
        if (line === m.name) {
          bodyEnd = i;
          i = after;
          break;
        }
        i = after;
      }
      out.push({ start, end: bodyEnd });
      if (i >= to) break;
    }
    return out;
  }

  command(src: Src, keyword: string, fallback: number): DockerCommand {
    const k = firstNonSpace(src.s);
    if (k < 0) {
      const at = src.map[0] ?? fallback;
      return { form: 'shell', argv: [], raw: '', line: this.lines.line(at), span: { start: at, end: at } };
    }
    const trimmedEnd = src.s.trimEnd().length;
    const span = spanOf(src, k, trimmedEnd);
    const raw = this.text.slice(span.start, span.end);
    const line = this.lines.line(span.start);
    if (src.s[k] === '[') {
      const scan = scanJsonArray(src, k);
      if (scan.ok || scan.unterminated) {
        if (!scan.ok) this.diag(`unterminated JSON array in ${keyword}: missing "]"`, { start: src.map[k]!, end: src.map[k]! + 1 });
        return { form: 'json', argv: scan.strings.map((t) => ({ value: t.value, span: t.span })), raw, line, span };
      }
    }
    const argv = lexShell(subSrc(src, k), this.esc === '\\')
      .filter((t) => t.op !== '\n')
      .map((t) => ({ value: t.value, span: t.span }));
    return { form: 'shell', argv, raw, line, span };
  }

  healthcheck(base: Base, argsStart: number, end: number): HealthcheckInstruction {
    const src = logicalLine(this.text, argsStart, end, this.esc, true).src;
    const rest = subSrc(src, this.afterFlags(src));
    const sub = splitDockerWords(rest.s, this.esc)[0];
    const name = sub?.raw.toUpperCase();
    if (sub && name === 'NONE') return { ...base, kind: 'healthcheck', none: true, command: null };
    if (sub && name === 'CMD') {
      return { ...base, kind: 'healthcheck', none: false, command: this.command(subSrc(rest, sub.b), 'HEALTHCHECK', argsStart) };
    }
    return { ...base, kind: 'healthcheck', none: false, command: null };
  }
}

function other(base: Base): OtherInstruction {
  return { ...base, kind: 'other' };
}

/** Parses a Dockerfile (BOM stripped; LF or CRLF). Never throws. */
export function parseDockerfile(text: string): DockerfileModel {
  const b = new Builder(text);
  try {
    b.run();
  } catch (e) {
    b.diag(`internal error while parsing the Dockerfile: ${String(e)}`, { start: 0, end: 0 });
  }
  const stages: DockerStage[] = b.stages.map((s) => s.stage);
  return { stages, globalArgs: b.globalArgs, directives: b.directives, diagnostics: b.diagnostics };
}
