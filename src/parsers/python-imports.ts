// Python import scanner.
//
// This is deliberately NOT a real parser. A one-pass lexer (strings, comments, brackets, line joining)
// plus an indentation stack of block headers is ~10x faster than @lezer/python or web-tree-sitter
// (reference/libraries.md §6) and is verified against CPython's own `ast` by
// test/parsers/python-imports-vs-ast.test.ts. It understands only what import extraction needs; every
// other construct is opaque text. It never throws and runs in linear time.
//
// Pipeline:
//   1. `Lexer` walks the text once and produces a *masked* copy of the same length: string literals
//      become `"\x01\x01…"`, comments and line joins (newlines inside brackets, `\`+newline) become
//      spaces. Offsets in the masked text are offsets in the original text, so spans stay exact even
//      for multi-line statements. It also records logical lines, string literals and comments.
//   2. `Analyzer` walks the logical lines with a stack of enclosing block headers, splits statements
//      on top-level `;`, handles inline bodies after a header's `:` and reads import statements.
//      Calls (`__import__`, `import_module`, `.run(`) are found by one regex pass over the masked text.

import type { Span } from '../findings/types.js';
import type { Directive, ParseDiagnostic, PyImport, PyKeywordCall, PyPathAssignment, PySysPathEdit, PythonFileModel } from './types.js';
import { readDirective } from './directives.js';
import { lastIndexAtMost } from '../util/arrays.js';

const TAB = 9;
const LF = 10;
const FF = 12;
const CR = 13;
const SPACE = 32;
const DQ = 34;
const HASH = 35;
const SQ = 39;
const LPAR = 40;
const RPAR = 41;
const COMMA = 44;
const DOT = 46;
const COLON = 58;
const SEMI = 59;
const EQ = 61;
const LBRACK = 91;
const BACKSLASH = 92;
const RBRACK = 93;
const LBRACE = 123;
const RBRACE = 125;

/** ASCII characters the lexer must look at; everything else is copied through untouched. */
const SPECIAL = new Uint8Array(128);
for (const ch of `'"#\\()[]{};\r\n`) SPECIAL[ch.charCodeAt(0)] = 1;

const STRING_PREFIXES = new Set(['r', 'u', 'b', 'f', 't', 'br', 'rb', 'fr', 'rf', 'tr', 'rt', 'ur']);
const FILLER = '\x01';

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}

function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isAsciiLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isOpen(c: number): boolean {
  return c === LPAR || c === LBRACK || c === LBRACE;
}

function isClose(c: number): boolean {
  return c === RPAR || c === RBRACK || c === RBRACE;
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === FF;
}

// ------------------------------------------------------------------------------------------ strings

interface StringScan {
  readonly end: number;
  readonly contentStart: number;
  readonly contentEnd: number;
  readonly terminated: boolean;
}

/** Start of the string prefix (`rb`, `f`, …) that ends at quote `q`, or `q` when there is none. */
function prefixStart(text: string, q: number): number {
  let s = q;
  while (s > 0 && q - s < 2 && isAsciiLetter(text.charCodeAt(s - 1))) s--;
  if (s === q) return q;
  if (s > 0 && isIdentChar(text.charCodeAt(s - 1))) return q; // `xr"…"`: an identifier, not a prefix
  return STRING_PREFIXES.has(text.slice(s, q).toLowerCase()) ? s : q;
}

function isTriple(text: string, q: number, quote: number): boolean {
  return text.charCodeAt(q + 1) === quote && text.charCodeAt(q + 2) === quote;
}

// Sticky regexes that skip the boring body of a non-f string in one step.
const BODY_SQ = /[^'\\\r\n]*/y;
const BODY_DQ = /[^"\\\r\n]*/y;
const BODY_SQ3 = /[^'\\]*/y;
const BODY_DQ3 = /[^"\\]*/y;

function skipBody(text: string, i: number, quote: number, triple: boolean): number {
  const re = quote === DQ ? (triple ? BODY_DQ3 : BODY_DQ) : triple ? BODY_SQ3 : BODY_SQ;
  re.lastIndex = i;
  re.test(text);
  return re.lastIndex;
}

/** After a backslash at `i`: skip it and the escaped character (a CRLF counts as one). */
function skipEscape(text: string, i: number): number {
  return text.charCodeAt(i + 1) === CR && text.charCodeAt(i + 2) === LF ? i + 3 : i + 2;
}

/** A plain (non-f) string whose opening quote is at `q`. Raw strings still let `\` protect a quote. */
function scanPlainString(text: string, q: number): StringScan {
  const n = text.length;
  const quote = text.charCodeAt(q);
  const triple = isTriple(text, q, quote);
  const contentStart = q + (triple ? 3 : 1);
  let i = contentStart;
  for (;;) {
    if (i < n) i = skipBody(text, i, quote, triple);
    if (i >= n) return { end: n, contentStart, contentEnd: n, terminated: false };
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) {
      i = skipEscape(text, i);
    } else if (c === quote) {
      if (!triple) return { end: i + 1, contentStart, contentEnd: i, terminated: true };
      if (isTriple(text, i, quote)) return { end: i + 3, contentStart, contentEnd: i, terminated: true };
      i++;
    } else {
      return { end: i, contentStart, contentEnd: i, terminated: false }; // newline in a one-line string
    }
  }
}

interface FStr { readonly kind: 'str'; readonly quote: number; readonly triple: boolean }
interface FExpr { readonly kind: 'expr'; depth: number }
interface FSpec { readonly kind: 'spec' }
type FFrame = FStr | FExpr | FSpec;

/**
 * An f-string (or t-string) whose opening quote is at `q`, with Python 3.12 (PEP 701) rules:
 * replacement fields may contain any string, including the same quote, nested f-strings and
 * comments. An explicit stack instead of recursion keeps adversarial nesting from overflowing.
 */
function scanFString(text: string, q: number): StringScan {
  const n = text.length;
  const quote = text.charCodeAt(q);
  const triple = isTriple(text, q, quote);
  const contentStart = q + (triple ? 3 : 1);
  const outer: FStr = { kind: 'str', quote, triple };
  const stack: FFrame[] = [outer];
  const strs: FStr[] = [outer]; // the string frames of `stack`, innermost last
  const fail = (at: number): StringScan => ({ end: at, contentStart, contentEnd: at, terminated: false });
  let i = contentStart;
  while (i < n) {
    const top = stack[stack.length - 1];
    const str = strs[strs.length - 1];
    if (top === undefined || str === undefined) break;
    const c = text.charCodeAt(i);
    if (top.kind !== 'expr') {
      // Literal text of the innermost f-string, or a format spec (which ends at `}`).
      if (c === BACKSLASH) {
        i = skipEscape(text, i);
      } else if (c === str.quote && (!str.triple || isTriple(text, i, c))) {
        // Drop the frames of an unclosed field along with the string.
        while (stack.length > 0 && stack.pop() !== str);
        strs.pop();
        i += str.triple ? 3 : 1;
        if (strs.length === 0) return { end: i, contentStart, contentEnd: i - (triple ? 3 : 1), terminated: true };
      } else if ((c === LF || c === CR) && !str.triple) {
        return fail(i);
      } else if (c === LBRACE) {
        if (top.kind === 'str' && text.charCodeAt(i + 1) === LBRACE) i += 2;
        else {
          stack.push({ kind: 'expr', depth: 0 });
          i++;
        }
      } else if (c === RBRACE) {
        if (top.kind === 'spec') {
          stack.pop();
          stack.pop();
          i++;
        } else i += text.charCodeAt(i + 1) === RBRACE ? 2 : 1;
      } else i++;
      continue;
    }
    // Inside a replacement field: ordinary Python expression text.
    if (c === SQ || c === DQ) {
      const prefix = text.slice(prefixStart(text, i), i).toLowerCase();
      if (prefix.includes('f') || prefix.includes('t')) {
        const nested: FStr = { kind: 'str', quote: c, triple: isTriple(text, i, c) };
        stack.push(nested);
        strs.push(nested);
        i += nested.triple ? 3 : 1;
      } else {
        const inner = scanPlainString(text, i);
        if (!inner.terminated) return fail(inner.end);
        i = inner.end;
      }
    } else if (isOpen(c)) {
      top.depth++;
      i++;
    } else if (c === RPAR || c === RBRACK) {
      if (top.depth > 0) top.depth--;
      i++;
    } else if (c === RBRACE) {
      if (top.depth > 0) top.depth--;
      else stack.pop();
      i++;
    } else if (c === COLON && top.depth === 0 && text.charCodeAt(i + 1) !== EQ) {
      stack.push({ kind: 'spec' });
      i++;
    } else if (c === HASH) {
      while (i < n && text.charCodeAt(i) !== LF && text.charCodeAt(i) !== CR) i++;
    } else if (c === BACKSLASH) {
      i = skipEscape(text, i);
    } else if ((c === LF || c === CR) && top.depth === 0 && !str.triple) {
      return fail(i); // a one-line f-string may only break lines inside brackets of a field
    } else i++;
  }
  return fail(n);
}

// ------------------------------------------------------------------------------------------ lexer

interface StringLiteral {
  readonly start: number; // includes the prefix
  readonly end: number;
  readonly contentStart: number;
  readonly contentEnd: number;
  /** Neither an f/t-string nor bytes, and terminated: a candidate module name literal. */
  readonly plain: boolean;
}

interface LogicalLine {
  readonly start: number; // first character of the first token
  end: number; // the terminating newline, or the end of the text
  readonly indent: number; // Python's indentation column (tabs to multiples of 8, form feed resets)
  semicolons: number[] | null; // top-level `;` offsets
}

interface Problem {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

interface Lexed {
  readonly masked: string;
  readonly lines: readonly LogicalLine[];
  readonly strings: ReadonlyMap<number, StringLiteral>;
  readonly comments: readonly Span[];
  readonly problems: readonly Problem[];
}

class Lexer {
  private i = 0;
  private depth = 0;
  private openedAt = 0; // outermost open bracket, for the diagnostic
  private atLineStart = true;
  private current: LogicalLine | null = null;
  private copied = 0;
  private readonly chunks: string[] = [];
  private readonly lines: LogicalLine[] = [];
  private readonly strings = new Map<number, StringLiteral>();
  private readonly comments: Span[] = [];
  private readonly problems: Problem[] = [];

  constructor(private readonly text: string) {}

  run(): Lexed {
    const text = this.text;
    const n = text.length;
    while (this.i < n) {
      if (this.atLineStart) {
        this.beginPhysicalLine();
        continue;
      }
      let i = this.i;
      let c = text.charCodeAt(i);
      while (c >= 128 || SPECIAL[c] === 0) {
        if (++i >= n) break;
        c = text.charCodeAt(i);
      }
      this.i = i;
      if (i < n) this.special(c);
    }
    return this.finish();
  }

  /** At the start of a physical line outside brackets: measure indentation, detect blank lines. */
  private beginPhysicalLine(): void {
    const text = this.text;
    let col = 0;
    let i = this.i;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === SPACE) col++;
      else if (c === TAB) col = (Math.floor(col / 8) + 1) * 8;
      else if (c === FF) col = 0;
      else break;
    }
    this.i = i;
    this.atLineStart = false;
    if (i >= text.length) return;
    const c = text.charCodeAt(i);
    if (c !== HASH && c !== LF && c !== CR) this.current = { start: i, end: text.length, indent: col, semicolons: null };
  }

  private special(c: number): void {
    switch (c) {
      case HASH:
        this.comment();
        return;
      case SQ:
      case DQ:
        this.string();
        return;
      case BACKSLASH:
        this.backslash();
        return;
      case SEMI:
        if (this.depth === 0 && this.current) (this.current.semicolons ??= []).push(this.i);
        this.i++;
        return;
      case LF:
      case CR:
        this.newline(c);
        return;
      default:
        if (isOpen(c)) {
          if (this.depth++ === 0) this.openedAt = this.i;
        } else if (this.depth > 0) this.depth--; // a stray closer is ignored
        this.i++;
    }
  }

  private comment(): void {
    const text = this.text;
    const start = this.i;
    let e = start;
    while (e < text.length) {
      const c = text.charCodeAt(e);
      if (c === LF || c === CR) break;
      e++;
    }
    this.comments.push({ start, end: e });
    this.mask(start, e, ' '.repeat(e - start));
    this.i = e;
  }

  private string(): void {
    const text = this.text;
    const q = this.i;
    const start = prefixStart(text, q);
    const prefix = text.slice(start, q).toLowerCase();
    const formatted = prefix.includes('f') || prefix.includes('t');
    const scan = formatted ? scanFString(text, q) : scanPlainString(text, q);
    if (!scan.terminated) {
      const triple = isTriple(text, q, text.charCodeAt(q));
      this.problems.push({ message: `unterminated ${triple ? 'triple-quoted ' : ''}string literal`, start, end: scan.end });
    }
    const plain = scan.terminated && !formatted && !prefix.includes('b');
    this.strings.set(start, { start, end: scan.end, contentStart: scan.contentStart, contentEnd: scan.contentEnd, plain });
    const len = scan.end - start;
    this.mask(start, scan.end, len >= 2 ? `"${FILLER.repeat(len - 2)}"` : '"');
    this.i = scan.end;
  }

  private backslash(): void {
    const text = this.text;
    const i = this.i;
    const next = text.charCodeAt(i + 1);
    if (next !== LF && next !== CR) {
      this.i = i + 1;
      return;
    }
    const end = next === CR && text.charCodeAt(i + 2) === LF ? i + 3 : i + 2;
    this.mask(i, end, ' '.repeat(end - i)); // explicit line joining
    this.i = end;
  }

  private newline(c: number): void {
    const i = this.i;
    const len = c === CR && this.text.charCodeAt(i + 1) === LF ? 2 : 1;
    this.i = i + len;
    if (this.depth > 0) {
      this.mask(i, i + len, ' '.repeat(len)); // implicit line joining
      return;
    }
    if (this.current) {
      this.current.end = i;
      this.lines.push(this.current);
      this.current = null;
    }
    this.atLineStart = true;
  }

  /** Replaces [start,end) by `replacement` (same length) in the masked copy. */
  private mask(start: number, end: number, replacement: string): void {
    this.chunks.push(this.text.slice(this.copied, start), replacement);
    this.copied = end;
  }

  private finish(): Lexed {
    if (this.current) this.lines.push(this.current);
    if (this.depth > 0) this.problems.push({ message: 'unclosed bracket', start: this.openedAt, end: this.openedAt + 1 });
    this.chunks.push(this.text.slice(this.copied));
    return {
      masked: this.chunks.join(''),
      lines: this.lines,
      strings: this.strings,
      comments: this.comments,
      problems: this.problems,
    };
  }
}

// ------------------------------------------------------------------------------------------ text helpers

function skipSpace(s: string, p: number, end: number): number {
  while (p < end && isBlank(s.charCodeAt(p))) p++;
  return p;
}

/** Index of the last non-blank character before `p` (exclusive), not below `limit`; -1 if none. */
function skipSpaceBack(s: string, p: number, limit: number): number {
  let q = p - 1;
  while (q >= limit && isBlank(s.charCodeAt(q))) q--;
  return q >= limit ? q : -1;
}

/** End of the identifier starting at `p`, or `p` when there is none. */
function nameEnd(s: string, p: number, end: number): number {
  if (p >= end || !isIdentStart(s.charCodeAt(p))) return p;
  let e = p + 1;
  while (e < end && isIdentChar(s.charCodeAt(e))) e++;
  return e;
}

function wordAt(s: string, p: number, end: number): string {
  return s.slice(p, nameEnd(s, p, end));
}

/** Removes parentheses that wrap the whole (trimmed) text, in linear time even for `((((x))))`. */
function stripParens(s: string): string {
  let start = 0;
  let end = s.length;
  const trim = (): void => {
    while (start < end && s.charCodeAt(start) <= SPACE) start++;
    while (end > start && s.charCodeAt(end - 1) <= SPACE) end--;
  };
  trim();
  if (s.charCodeAt(start) !== LPAR) return s.slice(start, end);
  const closers = new Map<number, number>();
  const opens: number[] = [];
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (isOpen(c)) opens.push(i);
    else if (isClose(c)) {
      const o = opens.pop();
      if (o !== undefined) closers.set(o, i);
    }
  }
  while (start < end && s.charCodeAt(start) === LPAR && closers.get(start) === end - 1) {
    start++;
    end--;
    trim();
  }
  return s.slice(start, end);
}

/** Splits on commas outside brackets. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isOpen(c)) depth++;
    else if (isClose(c)) depth = Math.max(0, depth - 1);
    else if (c === COMMA && depth === 0) {
      parts.push(s.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(s.slice(from));
  return parts;
}

/**
 * The `:` that ends a block header, skipping brackets, `:=` and the colons of top-level lambdas
 * (`if lambda: x:` is legal).
 */
function headerColon(s: string, p: number, end: number): number {
  let depth = 0;
  let lambdas = 0;
  while (p < end) {
    const c = s.charCodeAt(p);
    if (c === COLON) {
      if (depth === 0 && s.charCodeAt(p + 1) !== EQ) {
        if (lambdas === 0) return p;
        lambdas--;
      }
      p++;
    } else if (isOpen(c)) {
      depth++;
      p++;
    } else if (isClose(c)) {
      if (depth > 0) depth--;
      p++;
    } else if (isIdentStart(c)) {
      const e = nameEnd(s, p, end);
      if (depth === 0 && e - p === 6 && s.startsWith('lambda', p)) lambdas++;
      p = e;
    } else p++;
  }
  return -1;
}

// ------------------------------------------------------------------------------------------ contexts

const IMPORT_ERRORS = new Set(['ImportError', 'ModuleNotFoundError', 'Exception', 'BaseException']);
const TYPE_CHECKING = /^(?:[A-Za-z_]\w*\s*\.\s*)?TYPE_CHECKING$/;
const MAIN_GUARD_NAME_FIRST = /^__name__\s*==\s*"\x01*"$/;
const MAIN_GUARD_NAME_LAST = /^"\x01*"\s*==\s*__name__$/;
// `find_spec("x")` (any qualifier), optionally `is not None`; `"x" in settings.INSTALLED_APPS`:
// a test that the module is there before importing it. Strings are masked (`"\x01…"`).
const SPEC_CALL = String.raw`(?:[A-Za-z_]\w*\s*\.\s*)*find_spec\s*\(\s*"\x01*"\s*\)`;
const APPS = String.raw`"\x01*"\s+in\s+(?:[A-Za-z_]\w*\s*\.\s*)?INSTALLED_APPS`;
const PRESENCE_TEST = new RegExp(String.raw`^(?:${SPEC_CALL}(?:\s+is\s+not\s+None)?|${APPS})$`);
const ABSENCE_TEST = new RegExp(String.raw`^(?:not\s+${SPEC_CALL}|${SPEC_CALL}\s+is\s+None|"\x01*"\s+not\s+in\s+(?:[A-Za-z_]\w*\s*\.\s*)?INSTALLED_APPS)$`);
const BLOCK_WORDS = new Set(['if', 'elif', 'else', 'while', 'for', 'with', 'try', 'except', 'finally', 'def', 'class', 'match', 'case']);
const ASYNC_WORDS = new Set(['def', 'for', 'with']);

/** Does an except clause's type expression (masked, between `except` and `:`) catch import errors? */
/** Statements that are neither an expression nor an assignment (their names are not read here). */
const NOT_EXPRESSION = new Set(['del', 'assert', 'raise', 'pass', 'global', 'nonlocal', 'return', 'break', 'continue']);

/**
 * The targets and value of `a = b = value` (top-level `=` only), `[statement]` for an expression
 * statement, null for an augmented (`+=`) or annotated (`x: int = 1`) assignment.
 */
function assignmentParts(s: string, p: number, end: number): { start: number; end: number }[] | null {
  const parts: { start: number; end: number }[] = [];
  let depth = 0;
  let from = p;
  const first = nameEnd(s, p, end);
  if (first > p && s.charCodeAt(skipSpace(s, first, end)) === COLON) return null;
  for (let i = p; i < end; i++) {
    const c = s.charCodeAt(i);
    if (isOpen(c)) depth++;
    else if (isClose(c)) depth--;
    else if (c === EQ && depth === 0) {
      const prev = s.charCodeAt(i - 1);
      const next = s.charCodeAt(i + 1);
      if (next === EQ) {
        i++;
        continue;
      }
      if (prev === EQ || prev === 33 /* ! */ || prev === 60 /* < */ || prev === 62 /* > */) continue;
      if (prev === COLON) continue; // walrus, `(x := 1)` outside brackets is a syntax error anyway
      if ('+-*/%&|^@'.includes(s[i - 1] ?? '')) return null;
      parts.push({ start: from, end: i });
      from = i + 1;
    }
  }
  parts.push({ start: from, end });
  return parts;
}

/** Does the expression read the name (not `x.name`, not `name=` as a keyword, not `name :=`)? */
function usesName(s: string, from: number, to: number, name: string): boolean {
  // Searched within the statement only, so a file's statements are each read once per name.
  const region = s.slice(from, to);
  for (let rel = region.indexOf(name); rel >= 0; rel = region.indexOf(name, rel + 1)) {
    const at = from + rel;
    if (at > 0 && isIdentChar(s.charCodeAt(at - 1))) continue;
    if (isIdentChar(s.charCodeAt(at + name.length))) continue;
    let b = at - 1;
    while (b >= from && isBlank(s.charCodeAt(b))) b--;
    if (b >= 0 && s.charCodeAt(b) === DOT) continue;
    const n = skipSpace(s, at + name.length, to);
    const c = s.charCodeAt(n);
    if (c === EQ && s.charCodeAt(n + 1) !== EQ) continue;
    if (c === COLON && s.charCodeAt(n + 1) === EQ) continue;
    return true;
  }
  return false;
}

/** The index of the bracket closing the one at `open` (masked text: strings hold no brackets), or -1. */
function matchingClose(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isOpen(c)) depth++;
    else if (isClose(c) && --depth === 0) return i;
  }
  return -1;
}

function handlerCatchesImportError(expr: string): boolean {
  let t = expr.trim();
  if (t.startsWith('*')) t = t.slice(1); // except*
  // Drop `as name`. Anchoring on the word `as` (not on the blanks before it) keeps the regex linear.
  const alias = /\bas\s+[^\s,()]+$/.exec(t);
  if (alias) t = t.slice(0, alias.index);
  t = stripParens(t);
  if (t === '') return true; // bare except
  // One level of nested parentheses also covers Python 2's `except (A, B), e:`.
  const items = splitTopLevel(t).flatMap((item) => {
    const inner = stripParens(item);
    return inner !== item.trim() ? splitTopLevel(inner) : [item];
  });
  return items.some((item) => {
    const m = /(?:^|\.)\s*([A-Za-z_]\w*)$/.exec(item.trim());
    return m !== null && IMPORT_ERRORS.has(m[1] ?? '');
  });
}

/** Shared by every import inside one `try`: its handlers are only known after its body. */
interface TryInfo {
  catchesImportError: boolean;
  /**
   * What the first handler that catches import errors does (the one Python runs for an
   * ImportError), read from its body: `raises` (an unconditional `raise`, `sys.exit()`), `fallback`
   * (it binds a name, returns, or does anything else driftcheck does not read as inert), `reports`
   * (it only logs, prints or warns), `silent` (only `pass`, `...` or a string).
   */
  handling?: { shape: HandlerShape; line: number; frame: Frame };
  /** A `try` at module level: the names its direct imports bind, for the use-after check. */
  moduleLevel?: Map<string, DraftImport[]>;
}

type HandlerShape = 'raises' | 'fallback' | 'reports' | 'silent';

const SHAPE_RANK: Readonly<Record<HandlerShape, number>> = { silent: 0, reports: 1, fallback: 2, raises: 3 };
/** `logger.warning(`, `logging.exception(`, `log.info(`, `warnings.warn(`, `print(`: tells, changes nothing. */
const REPORT_CALL = /^(?:[A-Za-z_]\w*\s*\.\s*)*(?:debug|info|warning|warn|error|exception|critical|fatal|log|print|echo|secho)\s*\($/;
/** `sys.exit(`, `exit(`, `quit(`, `os._exit(`: the process ends, like an unhandled ImportError. */
const EXIT_CALL = /^(?:sys\s*\.\s*exit|exit|quit|os\s*\.\s*_exit)\s*\($/;

type Frame =
  | { readonly kind: 'try'; readonly indent: number; readonly info: TryInfo }
  | { readonly kind: 'except'; readonly indent: number; readonly info: TryInfo; readonly catches: boolean }
  /**
   * `if`/`elif`; `earlierNonTc`: an earlier test of the same chain was not TYPE_CHECKING; `presence`:
   * the test checks the module is there (find_spec, INSTALLED_APPS); `main`: `__name__ == "__main__"`.
   */
  | { readonly kind: 'if'; readonly indent: number; readonly typeChecking: boolean; readonly earlierNonTc: boolean; readonly presence?: boolean; readonly main?: boolean }
  /** `else` of an if-chain; not conditional when every test before it was TYPE_CHECKING (always runs). */
  | { readonly kind: 'else'; readonly indent: number; readonly conditional: boolean }
  | { readonly kind: 'def' | 'match' | 'other'; readonly indent: number };

interface Context {
  readonly tries: readonly TryInfo[];
  readonly handler: boolean;
  /** Under a presence test or after an early-return gate: optional by design. */
  readonly gated: boolean;
  readonly mainBlock: boolean;
  readonly typeChecking: boolean;
  readonly inFunction: boolean;
  readonly conditional: boolean;
}

/** `guarded` stays open until the enclosing try statements' handlers have been read. */
type DraftImport = { -readonly [K in keyof PyImport]: PyImport[K] };

interface Header {
  readonly frame: Frame;
  readonly colon: number;
  /** The header's own expression is evaluated only when earlier tests failed (`elif`). */
  readonly exprConditional: boolean;
  /** An `if` testing that a module is absent (`find_spec("x") is None`): a possible early-return gate. */
  readonly absence?: boolean;
}

interface Hit {
  readonly at: number;
  readonly kind: 'dynamic' | 'run' | 'syspath';
  readonly after: number; // end of the regex match
}

const DYNAMIC_CALL = /\b(?:__import__|import_module)\s*\(\s*"/g;
const RUN_CALL = /\brun\s*\(/g;
// `sys.path.insert(` / `.append(` / `site.addsitedir(`; other writes to sys.path are recorded unevaluated.
const SYS_PATH_CALL = /\bsys\s*\.\s*path\s*\.\s*(insert|append|extend)\s*\(|\bsite\s*\.\s*addsitedir\s*\(|\bsys\s*\.\s*path\s*(?:\[[^\]\n]*\]\s*)?(?:\+=|=(?!=))/g;
// `NAME = …` whose value may be a path (it names __file__, a path function or is a string).
const PATH_ASSIGNMENT = /^([A-Za-z_]\w*)\s*=(?!=)\s*(.+)$/s;
const PATHISH = /__file__|dirname|abspath|realpath|Path|parent|path\.join|getcwd|^"/;
const RUN_KEYWORDS = new Set(['reload', 'debug']);
const CALLEE_LIMIT = 256; // bounds the backward walk over `a.b().run`, keeping the scan linear

/** `from importlib import import_module as load` (a statement ends at a line break or `;` in the masked text). */
const IMPORT_MODULE_ALIAS = /\bfrom[ \t]+importlib[ \t]+import[ \t(]+(?:[^;\n]*?,[ \t]*)?import_module[ \t]+as[ \t]+([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * `import_module("x")` under the names it is imported as: `load("x")` after
 * `from importlib import import_module as load` (never `obj.load("x")`, an attribute of something else).
 */
function dynamicCallPattern(masked: string): RegExp {
  const aliases = [...new Set([...masked.matchAll(IMPORT_MODULE_ALIAS)].map((m) => m[1] ?? ''))].filter((a) => a !== '' && a !== 'import_module');
  if (aliases.length === 0) return DYNAMIC_CALL;
  return new RegExp(`\\b(?:__import__|import_module)\\s*\\(\\s*"|(?<![.\\w])(?:${aliases.join('|')})\\s*\\(\\s*"`, 'g');
}

function findHits(masked: string): Hit[] {
  const hits: Hit[] = [];
  for (const m of masked.matchAll(dynamicCallPattern(masked))) hits.push({ at: m.index, kind: 'dynamic', after: m.index + m[0].length });
  for (const m of masked.matchAll(RUN_CALL)) hits.push({ at: m.index, kind: 'run', after: m.index + m[0].length });
  if (masked.includes('sys') || masked.includes('site')) for (const m of masked.matchAll(SYS_PATH_CALL)) hits.push({ at: m.index, kind: 'syspath', after: m.index + m[0].length });
  return hits.sort((a, b) => a.at - b.at);
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  if (!text.includes('\r')) {
    for (let p = text.indexOf('\n'); p >= 0; p = text.indexOf('\n', p + 1)) starts.push(p + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) starts.push(i + 1);
    else if (c === CR) {
      if (text.charCodeAt(i + 1) === LF) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

class Analyzer {
  private readonly stack: Frame[] = [];
  private readonly imports: DraftImport[] = [];
  private readonly contexts: Context[] = []; // parallel to `imports`
  private cachedContext: Context | null = null; // valid until the stack changes
  private readonly calls: PyKeywordCall[] = [];
  readonly sysPathEdits: PySysPathEdit[] = [];
  readonly pathAssignments: PyPathAssignment[] = [];
  private readonly hits: Hit[];
  private hitIndex = 0;
  private mainGuard = false;
  /** Module-level `try` statements whose handlers may still be coming. */
  private moduleTries: TryInfo[] = [];
  /**
   * Names bound only by imports in a module-level `try` whose import-error handler binds no
   * fallback (it passes, or only reports): a use at module level afterwards fails with NameError.
   */
  private readonly watched = new Map<string, DraftImport[]>();
  /** Imports whose name is used at module level after such a try: the line of the use. */
  private readonly usedAfter = new Map<DraftImport, number>();
  /** `if find_spec("x") is None:` seen at this indent; confirmed when its body starts with `return`. */
  private pendingGate: { indent: number; inline: boolean } | null = null;
  /**
   * Confirmed early-return gates: the rest of their block is optional once the next line at their
   * indent shows the `if` has no `elif`/`else` (`settled`).
   */
  private gates: { readonly indent: number; settled: boolean }[] = [];
  private readonly masked: string;
  private closersOf: LogicalLine | null = null;
  private readonly closers = new Map<number, number>();

  constructor(
    private readonly text: string,
    private readonly lexed: Lexed,
    private readonly lineStarts: readonly number[],
  ) {
    this.masked = lexed.masked;
    this.hits = findHits(lexed.masked);
  }

  run(): { imports: PyImport[]; keywordCalls: PyKeywordCall[]; hasMainGuard: boolean } {
    for (const line of this.lexed.lines) this.logicalLine(line);
    this.imports.forEach((imp, i) => {
      const ctx = this.contexts[i];
      if (ctx === undefined) return;
      // The innermost try whose handler does not itself raise decides; a handler that raises hands
      // the error to the next try out, or to the caller (then the guard proves nothing optional).
      let decided: TryInfo | null = null;
      let raising: TryInfo | null = null;
      for (let k = ctx.tries.length - 1; k >= 0 && decided === null; k--) {
        const t = ctx.tries[k];
        if (!t?.catchesImportError) continue;
        if (t.handling?.shape === 'raises') raising ??= t;
        else decided = t;
      }
      imp.guarded = ctx.handler || ctx.gated || decided !== null;
      if (ctx.handler || ctx.gated) return;
      const usedAt = this.usedAfter.get(imp);
      if (usedAt !== undefined && decided !== null) {
        // The handler bound nothing and the name is used at module level: NameError at import.
        imp.guarded = false;
        imp.guard = { handling: 'used', line: usedAt };
        return;
      }
      const shown = decided ?? raising;
      const shape = shown?.handling?.shape;
      if (shown && (shape === 'raises' || shape === 'reports')) imp.guard = { handling: shape, line: shown.handling?.line ?? imp.line };
    });
    // Dynamic imports are found after the statements of their line: restore source order.
    const imports = this.imports.sort((a, b) => a.span.start - b.span.start);
    return { imports, keywordCalls: this.calls, hasMainGuard: this.mainGuard };
  }

  position(offset: number): { line: number; column: number } {
    const starts = this.lineStarts;
    const lo = lastIndexAtMost(starts, offset);
    return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
  }

  private logicalLine(line: LogicalLine): void {
    if (this.moduleTries.length > 0) this.settleModuleTries(line);
    this.trackGates(line);
    const sibling = this.popTo(line.indent);
    const header = this.header(line, sibling);
    // A block inside the deciding handler (`if enabled: sys.exit()`, `for`, `with`): conditional or
    // more than a report; read as a fallback (optional by design), never as proof.
    if (header !== null) this.handlerSees('fallback');
    if (header === null) {
      this.statements(line.start, line.end, line.semicolons);
      this.callHits(line, line.end, false);
      return;
    }
    this.callHits(line, header.colon, header.exprConditional);
    this.stack.push(header.frame);
    this.cachedContext = null;
    if (header.absence) {
      const body = skipSpace(this.masked, header.colon + 1, line.end);
      const inline = body < line.end;
      if (!inline || wordAt(this.masked, body, line.end) === 'return') this.pendingGate = { indent: line.indent, inline };
    }
    this.statements(header.colon + 1, line.end, line.semicolons);
    this.callHits(line, line.end, false);
  }

  /**
   * Early-return gates: `if find_spec("x") is None:` whose body starts with `return` (and has no
   * `elif`/`else`) makes the rest of its block run only when the module is there.
   */
  private trackGates(line: LogicalLine): void {
    const word = wordAt(this.masked, line.start, line.end);
    const pending = this.pendingGate;
    if (pending && !pending.inline) {
      this.pendingGate = null;
      if (line.indent > pending.indent && word === 'return') this.gates.push({ indent: pending.indent, settled: false });
    } else if (pending) {
      this.pendingGate = null;
      this.gates.push({ indent: pending.indent, settled: false });
    }
    if (this.gates.length === 0) return;
    const kept = this.gates.filter((g) => line.indent > g.indent || (line.indent === g.indent && (g.settled || (word !== 'elif' && word !== 'else'))));
    for (const g of kept) {
      if (line.indent === g.indent && !g.settled) {
        g.settled = true;
        this.cachedContext = null;
      }
    }
    if (kept.length !== this.gates.length) {
      this.gates = kept;
      this.cachedContext = null;
    }
  }

  /** Pops the blocks this line is not inside; returns the popped header at the same indent. */
  private popTo(indent: number): Frame | null {
    let last: Frame | null = null;
    for (let top = this.stack.at(-1); top !== undefined && top.indent >= indent; top = this.stack.at(-1)) {
      last = top;
      this.stack.pop();
      this.cachedContext = null;
    }
    return last !== null && last.indent === indent ? last : null;
  }

  private header(line: LogicalLine, sibling: Frame | null): Header | null {
    const s = this.masked;
    let word = wordAt(s, line.start, line.end);
    let after = line.start + word.length;
    if (word === 'async') {
      const p = skipSpace(s, after, line.end);
      word = wordAt(s, p, line.end);
      if (!ASYNC_WORDS.has(word)) return null;
      after = p + word.length;
    }
    if (!BLOCK_WORDS.has(word)) return null;
    // `match` and `case` are soft keywords: `match = 1` and `case(x)` are ordinary statements.
    if (word === 'case' && this.stack.at(-1)?.kind !== 'match') return null;
    const colon = headerColon(s, after, line.end);
    if (colon < 0) return null;
    if (word === 'match' && !this.isMatchHeader(after, colon, line.end)) return null;
    return this.frameFor(word, line.indent, after, colon, sibling);
  }

  private isMatchHeader(after: number, colon: number, end: number): boolean {
    const s = this.masked;
    const next = s.charCodeAt(after);
    const subjectOk = isBlank(next) || isOpen(next) || next === DQ || next === 45 /* - */;
    return subjectOk && s.slice(after, colon).trim() !== '' && skipSpace(s, colon + 1, end) >= end;
  }

  private frameFor(word: string, indent: number, after: number, colon: number, sibling: Frame | null): Header {
    const expr = this.masked.slice(after, colon);
    const plain = (frame: Frame): Header => ({ frame, colon, exprConditional: false });
    switch (word) {
      case 'try': {
        const info: TryInfo = { catchesImportError: false };
        if (this.stack.length === 0) {
          info.moduleLevel = new Map();
          this.moduleTries.push(info);
        }
        return plain({ kind: 'try', indent, info });
      }
      case 'except': {
        const info = sibling?.kind === 'try' || sibling?.kind === 'except' ? sibling.info : { catchesImportError: false };
        const catches = handlerCatchesImportError(expr);
        if (catches) info.catchesImportError = true;
        const frame: Frame = { kind: 'except', indent, info, catches };
        if (catches && info.handling === undefined) info.handling = { shape: 'silent', line: this.position(after).line, frame };
        return plain(frame);
      }
      case 'if': {
        const main = this.isMainGuard(after, expr);
        if (main) this.mainGuard = true;
        const test = stripParens(expr);
        return { ...plain({ kind: 'if', indent, typeChecking: TYPE_CHECKING.test(test), earlierNonTc: false, presence: PRESENCE_TEST.test(test), main }), absence: ABSENCE_TEST.test(test) };
      }
      case 'elif': {
        const earlier = sibling?.kind === 'if' ? sibling.earlierNonTc || !sibling.typeChecking : true;
        const test = stripParens(expr);
        const frame: Frame = { kind: 'if', indent, typeChecking: TYPE_CHECKING.test(test), earlierNonTc: earlier, presence: PRESENCE_TEST.test(test) };
        return { frame, colon, exprConditional: earlier };
      }
      case 'else':
        if (sibling?.kind === 'if') return plain({ kind: 'else', indent, conditional: sibling.earlierNonTc || !sibling.typeChecking });
        return plain({ kind: 'other', indent });
      case 'def':
        return plain({ kind: 'def', indent });
      case 'match':
        return plain({ kind: 'match', indent });
      case 'case':
        // One arm of a match runs only when its pattern matches: conditional like an `if`.
        return plain({ kind: 'if', indent, typeChecking: false, earlierNonTc: false });
      default:
        return plain({ kind: 'other', indent });
    }
  }

  /** `__name__ == "__main__"` in either order, either quote, optionally parenthesised. */
  private isMainGuard(after: number, expr: string): boolean {
    const cond = stripParens(expr);
    let quoteInCond = -1;
    if (MAIN_GUARD_NAME_FIRST.test(cond)) quoteInCond = cond.indexOf('"');
    else if (MAIN_GUARD_NAME_LAST.test(cond)) quoteInCond = 0;
    if (quoteInCond < 0) return false;
    const lit = this.lexed.strings.get(after + expr.indexOf(cond) + quoteInCond);
    return lit !== undefined && lit.plain && this.text.slice(lit.contentStart, lit.contentEnd) === '__main__';
  }

  private context(extraConditional: boolean): Context {
    if (!extraConditional && this.cachedContext) return this.cachedContext;
    const tries: TryInfo[] = [];
    let handler = false;
    let typeChecking = false;
    let inFunction = false;
    let conditional = extraConditional;
    let gated = this.gates.some((g) => g.settled);
    let mainBlock = false;
    for (const f of this.stack) {
      if (f.kind === 'try') tries.push(f.info);
      else if (f.kind === 'except') handler ||= f.catches;
      else if (f.kind === 'if') {
        typeChecking ||= f.typeChecking;
        // The main guard's body is its own context (`mainBlock`): it runs whenever the file is the script.
        conditional ||= f.earlierNonTc || (!f.typeChecking && f.main !== true);
        gated ||= f.presence === true;
        mainBlock ||= f.main === true;
      } else if (f.kind === 'else') conditional ||= f.conditional;
      else if (f.kind === 'def') inFunction = true;
    }
    const ctx = { tries, handler, gated, mainBlock, typeChecking, inFunction, conditional };
    if (!extraConditional) this.cachedContext = ctx;
    return ctx;
  }

  // ---------------------------------------------------------------- statements

  private statements(from: number, to: number, semicolons: readonly number[] | null): void {
    let start = from;
    for (const semi of semicolons ?? []) {
      if (semi < from) continue;
      if (semi >= to) break;
      this.statement(start, semi);
      start = semi + 1;
    }
    this.statement(start, to);
  }

  /** A line at module level that does not continue the try (`except`, `else`, `finally`) ends it. */
  private settleModuleTries(line: LogicalLine): void {
    const word = wordAt(this.masked, line.start, line.end);
    if (line.indent > (this.stack[0]?.indent ?? 0) || word === 'except' || word === 'else' || word === 'finally') return;
    for (const info of this.moduleTries) {
      const shape = info.handling?.shape;
      if (!info.catchesImportError || (shape !== 'silent' && shape !== 'reports')) continue;
      for (const [name, imports] of info.moduleLevel ?? []) this.watched.set(name, [...(this.watched.get(name) ?? []), ...imports]);
    }
    this.moduleTries = [];
  }

  /**
   * A simple statement at module level: an expression, or an assignment whose value uses a
   * watched name (not as an attribute, a keyword argument or a walrus target), proves the
   * guarded import needed; a plain assignment to the name ends its watch.
   */
  private moduleStatement(p: number, end: number, word: string): void {
    const s = this.masked;
    if (word === '' && s.charCodeAt(p) === 64 /* @ decorator */) return;
    if (NOT_EXPRESSION.has(word)) return;
    const parts = assignmentParts(s, p, end);
    if (parts === null) return; // augmented or annotated assignment
    const value = parts[parts.length - 1] ?? { start: p, end };
    for (const [name, imports] of [...this.watched]) {
      if (!usesName(s, value.start, value.end, name)) continue;
      const line = this.position(p).line;
      for (const imp of imports) if (!this.usedAfter.has(imp)) this.usedAfter.set(imp, line);
      this.watched.delete(name);
    }
    for (const target of parts.slice(0, -1)) {
      const t = s.slice(target.start, target.end).trim();
      if (this.watched.has(t)) this.watched.delete(t);
    }
  }

  /** Records what the deciding except handler at the top of the stack does, strongest kind wins. */
  private handlerSees(shape: HandlerShape): void {
    const top = this.stack.at(-1);
    if (top?.kind !== 'except') return;
    const handling = top.info.handling;
    if (handling?.frame !== top) return;
    if (SHAPE_RANK[shape] > SHAPE_RANK[handling.shape]) handling.shape = shape;
  }

  /** The kind of one simple statement in a handler body. */
  private handlerStatementShape(p: number, end: number, word: string): HandlerShape {
    const s = this.masked;
    const text = s.slice(p, end).trim();
    if (text === '' || word === 'pass' || text === '...' || /^(?:[A-Za-z]{0,2}"\x01*"\s*)+$/.test(text)) return 'silent';
    if (word === 'raise') return 'raises';
    // A call statement: the callee up to its `(`, and nothing after the closing parenthesis.
    const open = text.indexOf('(');
    if (open > 0 && text.endsWith(')')) {
      const callee = text.slice(0, open + 1);
      const close = matchingClose(text, open);
      if (close === text.length - 1) {
        if (EXIT_CALL.test(callee)) return 'raises';
        if (REPORT_CALL.test(callee)) return 'reports';
      }
    }
    return 'fallback';
  }

  private statement(start: number, end: number): void {
    const p = skipSpace(this.masked, start, end);
    const word = wordAt(this.masked, p, end);
    if (this.stack.at(-1)?.kind === 'except') this.handlerSees(this.handlerStatementShape(p, end, word));
    if (this.stack.length === 0 && this.watched.size > 0 && word !== 'import' && word !== 'from') this.moduleStatement(p, end, word);
    if (word === 'import') this.importStatement(p + 6, end);
    else if (word === 'from') this.fromStatement(p + 4, end);
    else if (word !== '' && this.masked.charCodeAt(skipSpace(this.masked, p + word.length, end)) === EQ) this.assignment(p, end);
  }

  /** `NAME = value` whose value may build a path: kept for evaluating sys.path changes. */
  private assignment(p: number, end: number): void {
    const m = PATH_ASSIGNMENT.exec(this.masked.slice(p, end).trimEnd());
    if (!m || !PATHISH.test((m[2] ?? '').trim())) return;
    const name = m[1] ?? '';
    const valueStart = p + (m[0].length - (m[2] ?? '').length);
    this.pathAssignments.push({ name: detached(name), expr: detached(this.text.slice(valueStart, end).trim()), line: this.position(p).line });
  }

  /** A dotted name (`a . b` is legal Python) starting at `p`. */
  private dotted(p: number, end: number): { module: string; start: number; end: number } | null {
    const s = this.masked;
    let e = nameEnd(s, p, end);
    if (e === p) return null;
    const parts = [s.slice(p, e)];
    for (;;) {
      const dot = skipSpace(s, e, end);
      if (s.charCodeAt(dot) !== DOT || dot >= end) break;
      const q = skipSpace(s, dot + 1, end);
      const qe = nameEnd(s, q, end);
      if (qe === q) break;
      parts.push(s.slice(q, qe));
      e = qe;
    }
    return { module: parts.join('.'), start: p, end: e };
  }

  /** The alias after `as` at `p`, or null. */
  private aliasAt(p: number, end: number): string | null {
    const s = this.masked;
    const q = skipSpace(s, p, end);
    if (wordAt(s, q, end) !== 'as') return null;
    const a = skipSpace(s, q + 2, end);
    const e = nameEnd(s, a, end);
    return e > a ? s.slice(a, e) : null;
  }

  /** After `as`, skips the alias; returns the position after it (or `p` when there is no `as`). */
  private skipAlias(p: number, end: number): number {
    const s = this.masked;
    const q = skipSpace(s, p, end);
    if (wordAt(s, q, end) !== 'as') return p;
    return nameEnd(s, skipSpace(s, q + 2, end), end);
  }

  private importStatement(p: number, end: number): void {
    const s = this.masked;
    for (;;) {
      const name = this.dotted(skipSpace(s, p, end), end);
      if (name === null) return;
      this.addImport(name.module, 0, [], name.start, name.end, false, this.context(false));
      this.binds([this.aliasAt(name.end, end) ?? name.module.split('.')[0] ?? '']);
      p = skipSpace(s, this.skipAlias(name.end, end), end);
      if (p >= end || s.charCodeAt(p) !== COMMA) return;
      p++;
    }
  }

  private fromStatement(p: number, end: number): void {
    const s = this.masked;
    p = skipSpace(s, p, end);
    let level = 0;
    let dotsStart = -1;
    let dotsEnd = -1;
    while (p < end && s.charCodeAt(p) === DOT) {
      if (dotsStart < 0) dotsStart = p;
      level++;
      dotsEnd = ++p;
      p = skipSpace(s, p, end);
    }
    const name = wordAt(s, p, end) === 'import' ? null : this.dotted(p, end);
    if (name === null && level === 0) return;
    const kw = skipSpace(s, name ? name.end : p, end);
    if (wordAt(s, kw, end) !== 'import') return;
    const bound: string[] = [];
    const names = this.importedNames(kw + 6, end, bound);
    const start = level > 0 ? dotsStart : (name?.start ?? p);
    this.addImport(name?.module ?? '', level, names, start, name ? name.end : dotsEnd, false, this.context(false));
    this.binds(bound);
  }

  /** `*`, `a, b as c` or `(a, b as c,)`. */
  private importedNames(p: number, end: number, bound: string[] = []): string[] {
    const s = this.masked;
    p = skipSpace(s, p, end);
    if (s.charCodeAt(p) === LPAR) p = skipSpace(s, p + 1, end);
    if (s.charCodeAt(p) === 42 /* * */) return ['*'];
    const names: string[] = [];
    for (;;) {
      const e = nameEnd(s, p, end);
      if (e === p) return names;
      names.push(s.slice(p, e));
      bound.push(this.aliasAt(e, end) ?? s.slice(p, e));
      p = skipSpace(s, this.skipAlias(e, end), end);
      if (p >= end || s.charCodeAt(p) !== COMMA) return names;
      p = skipSpace(s, p + 1, end);
    }
  }

  /**
   * The names the import statement just added binds: inside a module-level `try` (a direct child
   * of its body) they are watched once the try is over; at module level they end a watch.
   */
  private binds(names: readonly string[]): void {
    const imp = this.imports[this.imports.length - 1];
    const top = this.stack[0];
    if (this.stack.length === 0) {
      for (const name of names) this.watched.delete(name);
    } else if (imp && this.stack.length === 1 && top?.kind === 'try' && top.info.moduleLevel) {
      for (const name of names) if (name !== '*' && name !== '') top.info.moduleLevel.set(name, [...(top.info.moduleLevel.get(name) ?? []), imp]);
    }
  }

  private addImport(module: string, level: number, names: string[], start: number, end: number, dynamic: boolean, ctx: Context): void {
    const { line, column } = this.position(start);
    const { typeChecking, inFunction, conditional, mainBlock } = ctx;
    const span = { start, end };
    this.imports.push({ module: detached(module), level, names: names.map(detached), line, column, span, guarded: false, typeChecking, inFunction, conditional, dynamic, ...(mainBlock ? { mainBlock } : {}) });
    this.contexts.push(ctx);
  }

  // ---------------------------------------------------------------- calls

  /** Handles the call hits of the current logical line that start before `end`. */
  private callHits(line: LogicalLine, end: number, exprConditional: boolean): void {
    let ctx: Context | null = null; // computed only for lines that have hits
    for (let hit = this.hits[this.hitIndex]; hit !== undefined && hit.at < end; hit = this.hits[++this.hitIndex]) {
      if (hit.kind === 'dynamic') this.dynamicImport(hit, (ctx ??= this.context(exprConditional)));
      else if (hit.kind === 'syspath') this.sysPathCall(hit, line);
      else this.runCall(hit, line);
    }
  }

  /** `__import__("x")` / `import_module("x")` with one plain literal as the first argument. */
  private dynamicImport(hit: Hit, ctx: Context): void {
    const lit = this.lexed.strings.get(hit.after - 1);
    if (lit === undefined || !lit.plain) return;
    const next = this.masked.charCodeAt(skipSpace(this.masked, lit.end, this.masked.length));
    if (next !== COMMA && next !== RPAR) return; // `"a" + b`, `"a".strip()`, `"a" "b"`: not a literal
    const content = this.text.slice(lit.contentStart, lit.contentEnd);
    if (content === '' || content.includes('\\')) return; // escapes would need decoding: skip
    const level = /^\.*/.exec(content)?.[0].length ?? 0;
    this.addImport(content.slice(level), level, [], lit.contentStart, lit.contentEnd, true, ctx);
  }

  /** `sys.path.insert(0, X)`, `sys.path.append(X)`, `site.addsitedir(X)`: X's source text; else unevaluated. */
  private sysPathCall(hit: Hit, line: LogicalLine): void {
    const s = this.masked;
    const call = s.slice(hit.at, hit.after);
    const { line: lineNo } = this.position(hit.at);
    const close = call.endsWith('(') ? this.closer(hit.after - 1, line) : -1;
    const insert = /insert\s*\($/.test(call);
    if (close < 0 || !(insert || /append\s*\($|addsitedir\s*\($/.test(call))) {
      this.sysPathEdits.push({ expr: null, front: false, line: lineNo });
      return;
    }
    // Top-level commas split the arguments.
    const args: [number, number][] = [];
    let argStart = hit.after;
    for (let p = hit.after; p < close; p++) {
      const c = s.charCodeAt(p);
      if (isOpen(c)) {
        p = this.closer(p, line);
        if (p < 0) break;
      } else if (c === COMMA) {
        args.push([argStart, p]);
        argStart = p + 1;
      }
    }
    args.push([argStart, close]);
    const arg = insert ? args[1] : args[0];
    const front = insert && /^\s*0\s*$/.test(s.slice(args[0]?.[0] ?? 0, args[0]?.[1] ?? 0));
    const expr = arg ? this.text.slice(arg[0], arg[1]).trim() : '';
    this.sysPathEdits.push({ expr: expr === '' ? null : detached(expr), front, line: lineNo });
  }

  /** `x.run(…, reload=…, debug=…)`: records those keyword arguments. */
  private runCall(hit: Hit, line: LogicalLine): void {
    const calleeStart = this.calleeStart(hit.at, line.start);
    if (calleeStart < 0) return;
    const callee = this.text.slice(calleeStart, hit.at + 3).replace(/[\s\\]+/g, '');
    const close = this.closer(hit.after - 1, line);
    if (close < 0) return; // unclosed call: a syntax error
    const s = this.masked;
    let argStart = hit.after;
    for (let p = hit.after; p < close; p++) {
      const c = s.charCodeAt(p);
      if (isOpen(c)) {
        // Jumping over nested brackets keeps `run(run(run(…)))` linear.
        p = this.closer(p, line);
        if (p < 0) return;
      } else if (c === COMMA) {
        this.keywordArgument(callee, argStart, p);
        argStart = p + 1;
      }
    }
    this.keywordArgument(callee, argStart, close);
  }

  /** The bracket closing the one opened at `open`, or -1; matched once per logical line. */
  private closer(open: number, line: LogicalLine): number {
    if (this.closersOf !== line) {
      this.closersOf = line;
      this.closers.clear();
      const opens: number[] = [];
      for (let p = line.start; p < line.end; p++) {
        const c = this.masked.charCodeAt(p);
        if (isOpen(c)) opens.push(p);
        else if (isClose(c)) {
          const o = opens.pop();
          if (o !== undefined) this.closers.set(o, p);
        }
      }
    }
    return this.closers.get(open) ?? -1;
  }

  /** Start of the callee `a.b().run` ending with the `run` at `at`; -1 when it is not a call. */
  private calleeStart(at: number, lineStart: number): number {
    const s = this.masked;
    const limit = Math.max(lineStart, at - CALLEE_LIMIT);
    let start = at;
    for (;;) {
      const dot = skipSpaceBack(s, start, limit);
      if (dot < 0 || s.charCodeAt(dot) !== DOT) break;
      let q = skipSpaceBack(s, dot, limit);
      if (q < 0) return -1;
      const c = s.charCodeAt(q);
      if (c === RPAR || c === RBRACK) {
        q = this.openerBefore(q, limit);
        if (q < 0) return -1;
        start = q;
        const r = skipSpaceBack(s, q, limit);
        if (r >= 0 && isIdentChar(s.charCodeAt(r))) start = this.identStartBack(r, limit);
      } else if (isIdentChar(c)) start = this.identStartBack(q, limit);
      else return -1;
    }
    if (start === at) {
      // `def run(self, debug=False)` is a definition, not a call.
      const prev = skipSpaceBack(s, at, limit);
      if (prev >= 0 && isIdentChar(s.charCodeAt(prev))) {
        const word = s.slice(this.identStartBack(prev, limit), prev + 1);
        if (word === 'def' || word === 'class') return -1;
      }
    }
    return start;
  }

  private identStartBack(q: number, limit: number): number {
    while (q > limit && isIdentChar(this.masked.charCodeAt(q - 1))) q--;
    return q;
  }

  /** The bracket opening the `)`/`]` at `q`, or -1. */
  private openerBefore(q: number, limit: number): number {
    let depth = 0;
    for (let p = q; p >= limit; p--) {
      const c = this.masked.charCodeAt(p);
      if (isClose(c)) depth++;
      else if (isOpen(c) && --depth === 0) return p;
    }
    return -1;
  }

  private keywordArgument(callee: string, start: number, end: number): void {
    const s = this.masked;
    const k = skipSpace(s, start, end);
    const kEnd = nameEnd(s, k, end);
    const keyword = s.slice(k, kEnd);
    if (!RUN_KEYWORDS.has(keyword)) return;
    const eq = skipSpace(s, kEnd, end);
    if (s.charCodeAt(eq) !== EQ || s.charCodeAt(eq + 1) === EQ) return;
    const v = skipSpace(s, eq + 1, end);
    let ve = end;
    while (ve > v && isBlank(s.charCodeAt(ve - 1))) ve--;
    if (ve <= v) return;
    const { line, column } = this.position(k);
    this.calls.push({ callee, keyword, value: this.text.slice(v, ve), line, column, span: { start: k, end: ve } });
  }
}

// ------------------------------------------------------------------------------------------ entry point

function directivesOf(text: string, comments: readonly Span[], position: (offset: number) => { line: number }): Directive[] {
  const out: Directive[] = [];
  for (const c of comments) {
    const comment = text.slice(c.start, c.end);
    if (!comment.includes('ignore')) continue; // both directive forms contain it; skips the regexes
    const { line } = position(c.start);
    const directive = readDirective(comment, c.start, line, line);
    if (directive) out.push(directive);
  }
  return out;
}

/** Extracts imports, `run(reload=/debug=)` calls, the main guard and directives from Python source. */
/**
 * A copy of `s` that does not keep the string it was cut from alive. V8 makes a substring of 13+
 * characters a view into its parent: a module or imported name sliced from a file's masked copy
 * kept that whole copy in memory for as long as the model lived (51 MB on the 10,000-file bench
 * tree, issue #18). Concatenation and a slice flatten it into a string of its own length; equal
 * names share one copy.
 */
export function detached(s: string): string {
  const known = INTERNED.get(s);
  if (known !== undefined) return known;
  const copy = s.length < 13 ? s : ` ${s}`.slice(1);
  if (INTERNED.size < MAX_INTERNED) INTERNED.set(copy, copy);
  return copy;
}

/**
 * One string per distinct module or imported name: the same few hundred names recur in thousands
 * of files (118,209 imports on the bench tree). Bounded, so a hostile tree cannot grow it forever.
 */
const INTERNED = new Map<string, string>();
const MAX_INTERNED = 50_000;

export function scanPythonImports(text: string): PythonFileModel {
  const lexed = new Lexer(text).run();
  const analyzer = new Analyzer(text, lexed, lineStartsOf(text));
  const { imports, keywordCalls, hasMainGuard } = analyzer.run();
  const paths = {
    ...(analyzer.sysPathEdits.length > 0 ? { sysPathEdits: analyzer.sysPathEdits } : {}),
    ...(analyzer.sysPathEdits.length > 0 && analyzer.pathAssignments.length > 0 ? { pathAssignments: analyzer.pathAssignments } : {}),
  };
  const position = (offset: number): { line: number; column: number } => analyzer.position(offset);
  const diagnostics: ParseDiagnostic[] = lexed.problems.map((p) => ({
    message: p.message,
    ...position(p.start),
    span: { start: p.start, end: p.end },
    severity: 'info',
  }));
  return { imports, keywordCalls, hasMainGuard, ...paths, directives: directivesOf(text, lexed.comments, position), diagnostics };
}
