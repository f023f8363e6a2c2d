// Dockerfile parser. dockerfile-ast finds instruction boundaries, FROM parts, flags and comments;
// everything that needs exact semantics (line joining, Docker word expansion, JSON form) is done
// here on the original text, so every span is an offset into it. Shell words come from the shared
// lexer (./shell.ts), what an install command installs from ./install-commands.ts.
import { DockerfileParser, From, ModifiableInstruction } from 'dockerfile-ast';
import type { Comment, Flag, Instruction } from 'dockerfile-ast';
import type { Span } from '../findings/types.js';
import { readDirective } from './directives.js';
import { detectNpm, detectPip, detectPipWheel, detectSystemPackages, type Located } from './install-commands.js';
import { closingBrace, dockerShell, expandString, expandVariables, lexShell, programName, splitCommands, type ShellSource, type ShellToken, type VariableValue } from './shell.js';
import { lastIndexAtMost } from '../util/arrays.js';
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
  PipWheel,
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
    return lastIndexAtMost(this.starts, offset);
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
type Src = ShellSource;
type Tok = ShellToken;

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
  if (!SHELLS.has(programName(words[0]?.value ?? ''))) return -1;
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
    for (const c of splitCommands(lexShell(inner, dockerShell(backslash)))) collectCommand(c, out, backslash, depth + 1);
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
  /** The first stage of each name: FROM <name> is a lookup, not a scan of every stage before it. */
  private readonly stageByName = new Map<string, number>();
  readonly globalArgs: { name: string; value: string | null }[] = [];
  readonly globals = new Map<string, string | undefined>();
  readonly directives: Directive[] = [];
  readonly diagnostics: ParseDiagnostic[] = [];
  esc = '\\';

  constructor(
    readonly text: string,
    private readonly buildArgs: Readonly<Record<string, string>> = {},
  ) {
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
        out.push(this.runInstruction(base, st, argsStart, end));
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
      stageRef = this.stageByName.get(lower) ?? null;
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
    if (name !== null && !this.stageByName.has(name)) this.stageByName.set(name, index);
    this.stages.push({
      stage: { index, name, from: { image, raw, tag, digest, stageRef, line: this.lines.line(span.start), span }, instructions: [] },
      env: new Map(parent?.env ?? []),
      args: new Map(),
    });
  }

  /**
   * What a variable is worth in a RUN: an ENV value, an ARG's default or build argument; unknown
   * for an ARG with neither, and for a name the RUN assigns itself (`X=…`, `for X in`, `read X`).
   */
  runLookup(st: StageState, text: string): (name: string) => VariableValue {
    const assigned = new Set<string>();
    for (const m of text.matchAll(/(?:^|[\s;&|(])(?:export\s+|local\s+|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)\+?=/g)) assigned.add(m[1]!);
    for (const m of text.matchAll(/\b(?:for|read(?:\s+-\w+)*|select)\s+([A-Za-z_][A-Za-z0-9_]*)/g)) assigned.add(m[1]!);
    const outer = (name: string): VariableValue => {
      if (assigned.has(name)) return 'unknown';
      if (st.env.has(name)) return { value: st.env.get(name)! };
      if (st.args.has(name)) {
        const value = st.args.get(name);
        return value === undefined ? 'unknown' : { value };
      }
      return 'unset';
    };
    const loops = flagLoops(text, outer);
    return (name) => loops.get(name) ?? outer(name);
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

  /** A build argument given for an ARG (compose `build.args`, `--build-arg`): it wins over the default. */
  buildArg(name: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(this.buildArgs, name) ? this.buildArgs[name] : undefined;
  }

  globalArg(argsStart: number, end: number): void {
    for (const p of this.argPairs(argsStart, end, this.globalLookup)) {
      this.globalArgs.push(p);
      this.globals.set(p.name, this.buildArg(p.name) ?? p.value ?? undefined);
    }
  }

  stageArg(base: Base, st: StageState, argsStart: number, end: number): StageInstruction {
    const pairs = this.argPairs(argsStart, end, this.stageLookup(st));
    for (const p of pairs) {
      st.args.set(p.name, this.buildArg(p.name) ?? p.value ?? this.globals.get(p.name));
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

  runInstruction(base: Base, st: StageState, argsStart: number, end: number): RunInstruction {
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
      const toks = lexShell(body, dockerShell(backslash));
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
      const feedsShell = head === undefined || (SHELLS.has(programName(head[0]!.value)) && shellScriptIndex(head) < 0);
      if (next < end && feedsShell) {
        for (const b of this.heredocBodies(next, end, markers)) {
          for (const c of splitCommands(lexShell(rawSrc(this.text, b.start, b.end), dockerShell(backslash)))) collectCommand(c, commands, backslash, 0);
        }
      }
    }
    // The shell sees the stage's ARG and ENV values: expand them so `-r $REQS` and `.[$EXTRAS]` are read.
    const lookup = this.runLookup(st, text);
    for (let i = 0; i < commands.length; i++) commands[i] = commands[i]!.flatMap((t) => expandVariables(t, this.text.slice(t.span.start, t.span.end), lookup));
    const pipInstalls: PipInstall[] = [];
    const pipWheels: PipWheel[] = [];
    const npmInstalls: NpmInstall[] = [];
    const systemPackages: string[] = [];
    for (const c of commands) {
      const pip = detectPip(c, this);
      if (pip) pipInstalls.push(pip);
      const wheel = detectPipWheel(c, this);
      if (wheel) pipWheels.push(wheel);
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
      pipWheels,
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
    const argv = lexShell(subSrc(src, k), dockerShell(this.esc === '\\'))
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
/** `buildArgs`: the values a build passes for ARGs (compose `build.args`), over their defaults. */
export function parseDockerfile(text: string, buildArgs: Readonly<Record<string, string>> = {}): DockerfileModel {
  const b = new Builder(text, buildArgs);
  try {
    b.run();
  } catch (e) {
    b.diag(`internal error while parsing the Dockerfile: ${String(e)}`, { start: 0, end: 0 });
  }
  const stages: DockerStage[] = b.stages.map((s) => s.stage);
  return { stages, globalArgs: b.globalArgs, directives: b.directives, diagnostics: b.diagnostics };
}

const FLAG_LOOP = /\bfor\s+([A-Za-z_]\w*)\s+in\s+([^;\n]*?)\s*;\s*do\s+([A-Za-z_]\w*)="\$\{?\3\}?\s+([^"$]*)\$\{?\1\}?"\s*;?\s*done\b/g;

/**
 * Flags built by a loop over a list (`for g in $GROUPS; do flags="$flags --group $g"; done`): the
 * value the loop gives the variable, when the list is known and nothing else assigns the variable
 * (an empty `flags=""` before it aside). Anything else stays unknown.
 */
function flagLoops(text: string, lookup: (name: string) => VariableValue): Map<string, VariableValue> {
  const out = new Map<string, VariableValue>();
  for (const m of text.matchAll(FLAG_LOOP)) {
    const [, item = '', list = '', flags = '', prefix = ''] = m;
    const assignments = [...text.matchAll(new RegExp(`(?:^|[\\s;&|(])${flags}=("[^"]*"|'[^']*'|\\S*)`, 'g'))].map((a) => a[1] ?? '');
    const others = assignments.filter((a) => a !== '' && a !== '""' && a !== "''");
    if (others.length !== 1 || out.has(flags)) {
      out.set(flags, 'unknown');
      continue;
    }
    const items = expandString(list, list.split('').map(() => 0), (n) => (n === item ? 'unknown' : lookup(n)), 0);
    out.set(flags, items === null ? 'unknown' : { value: items.value.split(/\s+/).filter(Boolean).map((i) => ` ${prefix}${i}`).join('') });
  }
  return out;
}

/**
 * The commands of a shell script a RUN starts (`RUN ./scripts/install.sh`) and the installs among
 * them, read with the RUN's lexer (lines and spans are the script's). `sh -c` bodies are descended
 * into as in a RUN; variables are left as written (the script's own are not tracked).
 */
export function parseInstallScript(text: string): { commands: Word[][]; pipInstalls: PipInstall[]; pipWheels: PipWheel[] } {
  const located: Located = { lines: new LineTable(text) };
  const commands: Tok[][] = [];
  for (const c of splitCommands(lexShell(rawSrc(text, 0, text.length), dockerShell(true)))) collectCommand(c, commands, true, 0);
  const pipInstalls: PipInstall[] = [];
  const pipWheels: PipWheel[] = [];
  for (const c of commands) {
    const pip = detectPip(c, located);
    if (pip) pipInstalls.push(pip);
    const wheel = detectPipWheel(c, located);
    if (wheel) pipWheels.push(wheel);
  }
  return { commands: commands.map((c) => c.map((t) => ({ value: t.value, span: t.span }))), pipInstalls, pipWheels };
}
