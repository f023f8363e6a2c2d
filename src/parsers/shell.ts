// The one shell lexer. Every shell word splitting in driftcheck goes through `lexShell`: Dockerfile
// RUN/CMD shell form and heredoc bodies, compose `command:` strings, and container commands the
// model reads (`sh -c '...'`, healthcheck tests). Callers differ in how much of the shell they
// model, so the lexer takes a dialect; each dialect reproduces what its caller did before the
// three splitters were merged (see the presets below for the differences).
import type { Span } from '../findings/types.js';

/** Text as the shell sees it, with the file offset of every character (`map[s.length]` = end). */
export interface ShellSource {
  readonly s: string;
  readonly map: readonly number[];
}

/** A shell token: a word (`op` null) or an operator; `cmap` gives the file offset of each value char. */
export interface ShellToken {
  readonly value: string;
  readonly cmap: readonly number[];
  readonly span: Span;
  readonly op: string | null;
}

/** What of the shell a caller models. */
export interface ShellDialect {
  /** Characters that separate words (and are dropped). */
  readonly blank: (c: string) => boolean;
  /** Operators, matched longest first (`&&` before `&`). */
  readonly operators: readonly string[];
  /** `#` at the start of a word starts a comment running to the end of the line. */
  readonly comments: boolean;
  /** `$(...)`, `${...}` and backticks are kept verbatim inside words; `$'...'` is a quote. */
  readonly expansions: boolean;
  /** Backslash escapes (false under a Dockerfile `# escape=` other than backslash). */
  readonly backslash: boolean;
  /** Inside double quotes, a backslash escapes only `` $`"\ `` and newline (POSIX), or any character. */
  readonly doubleQuoteEscapes: 'posix' | 'any';
  /** An unquoted backslash-newline joins lines without starting a word (POSIX), or starts an (empty) word. */
  readonly continuationStartsWord: boolean;
  /** A backslash as the last character is kept (`literal`) or dropped (`drop`). */
  readonly trailingBackslash: 'literal' | 'drop';
}

const OPS_FULL = ['<<-', '<<<', '&>>', '&&', '||', ';;', '|&', '<<', '>>', '&>', '>&', '<&', '>|', '<>', ';', '|', '&', '(', ')', '<', '>', '\n'];
/** Redirection operators (`2>&1`: a digit word right before one is its fd, part of the operator). */
export const REDIRECTS: ReadonlySet<string> = new Set(['<<-', '<<<', '&>>', '<<', '>>', '&>', '>&', '<&', '>|', '<>', '<', '>']);
const ANY_SPACE = (c: string): boolean => /\s/.test(c);

/**
 * POSIX-ish shell: quotes, backslash escapes, `$(...)`, `${...}` and backticks kept verbatim inside
 * words, comments, operators and redirections; blanks are space and tab (newline is an operator).
 * Used for Dockerfile RUN/CMD shell form and heredoc bodies.
 */
export function dockerShell(backslash: boolean): ShellDialect {
  return backslash ? DOCKER_SHELL : DOCKER_SHELL_NO_BACKSLASH;
}
const DOCKER_SHELL: ShellDialect = {
  blank: (c) => c === ' ' || c === '\t',
  operators: OPS_FULL,
  comments: true,
  expansions: true,
  backslash: true,
  doubleQuoteEscapes: 'posix',
  continuationStartsWord: false,
  trailingBackslash: 'literal',
};
const DOCKER_SHELL_NO_BACKSLASH: ShellDialect = { ...DOCKER_SHELL, backslash: false };

/**
 * Words only (quote removal, no operators, no expansion, no comments), split at any whitespace;
 * offsets are those of the raw words. Compose `command:`/`entrypoint:` strings: Compose splits
 * them the same way (no shell runs them).
 */
export const COMPOSE_WORDS: ShellDialect = {
  blank: ANY_SPACE,
  operators: [],
  comments: false,
  expansions: false,
  backslash: true,
  doubleQuoteEscapes: 'posix',
  continuationStartsWord: true,
  trailingBackslash: 'drop',
};

/**
 * Words and the list operators `&&`, `||`, `;`, `|`, `&` (so command chains can be split), split at
 * any whitespace; no expansion, no comments, no redirections; inside double quotes a backslash
 * escapes any character. Container commands the model reads (`sh -c` scripts, shell-form commands).
 */
export const COMMAND_WORDS: ShellDialect = {
  ...COMPOSE_WORDS,
  operators: ['&&', '||', ';', '|', '&'],
  doubleQuoteEscapes: 'any',
  trailingBackslash: 'literal',
};

/** Index of the `}` closing a `${` whose body starts at `i`, or -1. */
export function closingBrace(s: string, i: number): number {
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

function operatorAt(s: string, i: number, operators: readonly string[]): string | undefined {
  // longest first: the tables are short, so try lengths 3, 2, 1
  for (let len = 3; len >= 1; len--) {
    const candidate = s.slice(i, i + len);
    if (candidate.length === len && operators.includes(candidate)) return candidate;
  }
  return undefined;
}

/** Tokenizes `src` in `dialect`. Spans and `cmap` are in `src.map`'s offsets. */
export function lexShell(src: ShellSource, dialect: ShellDialect): ShellToken[] {
  const { s, map } = src;
  const { blank, operators, comments, expansions, backslash } = dialect;
  const n = s.length;
  const toks: ShellToken[] = [];
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
    if (blank(c)) {
      flush();
      i++;
      continue;
    }
    if (comments && c === '#' && first < 0) {
      while (i < n && s[i] !== '\n') i++;
      continue;
    }
    const op = operators.length > 0 ? operatorAt(s, i, operators) : undefined;
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
        if (dialect.trailingBackslash === 'literal') lit(i);
        last = i;
        i++;
      } else if (s[i + 1] === '\n') {
        // line continuation inside heredoc/`sh -c` text: joins words, starts none in POSIX (a word
        // with no character would have no end; found by the 1M-input fuzz run)
        if (dialect.continuationStartsWord) {
          begin(i);
          last = i + 1;
        }
        i += 2;
      } else {
        begin(i);
        lit(i + 1);
        last = i + 1;
        i += 2;
      }
      continue;
    }
    if (c === "'" || (expansions && c === '$' && s[i + 1] === "'")) {
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
          if (dialect.doubleQuoteEscapes === 'any') {
            lit(i + 1);
            i += 2;
            continue;
          }
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
    if (expansions && c === '$' && s[i + 1] === '(') {
      begin(i);
      const end = skipParens(s, i + 2);
      verbatim(i, end);
      last = end - 1;
      i = end;
      continue;
    }
    if (expansions && c === '$' && s[i + 1] === '{') {
      begin(i);
      const close = closingBrace(s, i + 2);
      const end = close < 0 ? n : close + 1;
      verbatim(i, end);
      last = end - 1;
      i = end;
      continue;
    }
    if (expansions && c === '`') {
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

/** `text` as a source whose offsets are indices into it. */
export function plainSource(text: string): ShellSource {
  const map = new Array<number>(text.length + 1);
  for (let i = 0; i <= text.length; i++) map[i] = i;
  return { s: text, map };
}

/** Tokens of a plain string: spans are offsets into `text` (raw words, quotes included). */
export function splitShellWords(text: string, dialect: ShellDialect): ShellToken[] {
  return lexShell(plainSource(text), dialect);
}

const SEPARATORS = new Set(['&&', '||', ';', ';;', '|', '|&', '&', '\n', '(', ')']);

/** Simple commands (words only; redirections and their targets dropped). */
export function splitCommands(toks: readonly ShellToken[]): ShellToken[][] {
  const out: ShellToken[][] = [];
  let cur: ShellToken[] = [];
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

/** The program a command word names: its last path segment (`/usr/bin/pip3` → `pip3`). */
export function programName(word: string): string {
  const k = Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\'));
  return k < 0 ? word : word.slice(k + 1);
}

/**
 * What a variable is worth where a shell word is expanded: its value, `unset` (no ARG or ENV
 * declares it; `${X:-d}` takes the default), or `unknown` (chosen at build time: an ARG without a
 * default, a variable the same script assigns).
 */
export type VariableValue = { readonly value: string } | 'unset' | 'unknown';

const MAX_VARIABLE_DEPTH = 8;

/**
 * Parameter expansion of one word (`$X`, `${X}`, `${X:-d}`, `${X-d}`, `${X:+w}`, `${X+w}`) with
 * `lookup`, then field splitting when the word had no quotes (`raw`: the word as written). Returns
 * the word unchanged when any part is unknown (a command substitution, `${X%…}`, an unknown value),
 * so callers still see the `$` and treat what it names as open. Expanded characters map to the
 * offset of their `$`.
 */
export function expandVariables(tok: ShellToken, raw: string, lookup: (name: string) => VariableValue): ShellToken[] {
  if (tok.op !== null || !tok.value.includes('$') || raw.includes("'") || raw.includes('`')) return [tok];
  const expanded = expandString(tok.value, tok.cmap, lookup, 0);
  if (expanded === null) return [tok];
  const words: ShellToken[] = [];
  const push = (value: string, cmap: number[]): void => {
    if (value === '' || cmap.length === 0) return;
    words.push({ value, cmap, span: { start: cmap[0]!, end: cmap[cmap.length - 1]! + 1 }, op: null });
  };
  if (raw.includes('"')) {
    // "…$X…": one word, even when empty
    words.push({ value: expanded.value, cmap: expanded.cmap, span: tok.span, op: null });
    return words;
  }
  let value = '';
  let cmap: number[] = [];
  for (let i = 0; i < expanded.value.length; i++) {
    const c = expanded.value[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      push(value, cmap);
      value = '';
      cmap = [];
    } else {
      value += c;
      cmap.push(expanded.cmap[i]!);
    }
  }
  push(value, cmap);
  // One word out of one word: it still spans what was written (`${REQS}`).
  if (words.length === 1) return [{ ...words[0]!, span: tok.span }];
  return words;
}

export function expandString(s: string, map: readonly number[], lookup: (name: string) => VariableValue, depth: number): { value: string; cmap: number[] } | null {
  let value = '';
  const cmap: number[] = [];
  const at = (i: number): number => map[Math.min(i, map.length - 1)] ?? 0;
  for (let i = 0; i < s.length; ) {
    if (s[i] !== '$') {
      value += s[i];
      cmap.push(at(i));
      i++;
      continue;
    }
    let text: string;
    let next: number;
    if (s[i + 1] === '{') {
      const close = closingBrace(s, i + 2);
      if (close < 0) return null;
      const body = s.slice(i + 2, close);
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(body)?.[0];
      if (!name) return null;
      const rest = body.slice(name.length);
      const v = lookup(name);
      if (v === 'unknown') return null;
      const sub = (w: string): string | null => (depth >= MAX_VARIABLE_DEPTH ? null : (expandString(w, w.split('').map(() => at(i)), lookup, depth + 1)?.value ?? null));
      const has = v !== 'unset';
      const nonEmpty = has && v.value !== '';
      let r: string | null;
      if (rest === '') r = has ? v.value : null;
      else if (rest.startsWith(':-')) r = nonEmpty ? v.value : sub(rest.slice(2));
      else if (rest.startsWith('-')) r = has ? v.value : sub(rest.slice(1));
      else if (rest.startsWith(':+')) r = nonEmpty ? sub(rest.slice(2)) : '';
      else if (rest.startsWith('+')) r = has ? sub(rest.slice(1)) : '';
      else r = null; // `${X%suffix}`, `${X:?msg}`, `${#X}`: not modelled
      if (r === null) return null;
      text = r;
      next = close + 1;
    } else {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1))?.[0];
      if (!name) {
        if (s[i + 1] === '(' || /[0-9@*#?$!-]/.test(s[i + 1] ?? '')) return null; // $(…), $1, $@
        value += '$';
        cmap.push(at(i));
        i++;
        continue;
      }
      const v = lookup(name);
      if (v === 'unknown' || v === 'unset') return null;
      text = v.value;
      next = i + 1 + name.length;
    }
    value += text;
    for (let k = 0; k < text.length; k++) cmap.push(at(i));
    i = next;
  }
  return { value, cmap };
}
