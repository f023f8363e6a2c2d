// Glob patterns (.dockerignore lines, COPY sources, config paths) compiled to matchers that stay
// fast on hostile input. Written here rather than taken from a library because the three users
// need Docker's/Go's syntax (`[^…]` and `[!…]` classes, `\` escapes, `**/` as "any directories")
// and a hard bound on work: a pattern like `*a*a*a*a*b` as a RegExp backtracks polynomially.
//
// No RegExp is built per pattern: a pattern with at most one unbounded wildcard is matched
// directly (fixed-width tokens from both ends, the wildcard takes the middle: O(path)), and any
// other runs as a set-of-states simulation (O(pattern × path)). Neither can backtrack, neither
// compiles code per pattern (the fuzz tests build hundreds of thousands of patterns), and classes
// are parsed here, so no pattern is ever an invalid RegExp.

type Token =
  | { readonly kind: 'char'; readonly code: number }
  | { readonly kind: 'one' } // `?`: one character other than '/'
  | { readonly kind: 'class'; readonly negated: boolean; readonly ranges: readonly number[] } // [lo, hi, lo, hi…]
  | { readonly kind: 'star' } // `*`: a run without '/'
  | { readonly kind: 'any' } // `**`: any run
  | { readonly kind: 'dirs' }; // `**/`: '' or any run ending in '/'

export interface GlobOptions {
  /** `**` spans directories (Docker, config globs); when false it is two `*` (COPY sources). */
  readonly doubleStar: boolean;
  /** Match at the start of the path or after any '/' (a config glob without a '/'). */
  readonly anywhere?: boolean;
}

const SLASH = 47;
/**
 * Longer patterns match nothing: no path Docker or a file system accepts is longer (PATH_MAX),
 * and it bounds the simulation's work at 4,096 states per path character.
 */
const MAX_PATTERN_LENGTH = 4096;

/** A whole-path matcher for a glob pattern; never throws, whatever the pattern. */
export function compileGlob(pattern: string, options: GlobOptions): (path: string) => boolean {
  if (pattern.length > MAX_PATTERN_LENGTH) return () => false;
  const tokens = globTokens(pattern, options);
  if (tokens.every((t) => t.kind === 'char')) {
    const literal = String.fromCharCode(...tokens.map((t) => (t.kind === 'char' ? t.code : 0)));
    return (path) => path === literal;
  }
  const unbounded = tokens.filter(isWildcard).length;
  return unbounded <= 1 ? (path) => matchDirect(tokens, path) : (path) => simulate(tokens, path);
}

function globTokens(pattern: string, options: GlobOptions): Token[] {
  const tokens = tokenize(pattern, options.doubleStar);
  if (options.anywhere) tokens.unshift({ kind: 'dirs' });
  return collapseWildcards(tokens);
}

/**
 * The engines side by side, for the test that holds them equal (not used by the product): the
 * direct matcher (patterns with at most one unbounded wildcard), the simulation, and a RegExp
 * built from the same tokens as an independent oracle.
 */
export function globEnginesForTest(
  pattern: string,
  options: GlobOptions,
): { direct: ((path: string) => boolean) | null; simulate: (path: string) => boolean; regex: (path: string) => boolean } {
  const tokens = globTokens(pattern, options);
  const regex = new RegExp(`^${tokens.map(regexSource).join('')}$`);
  return {
    direct: tokens.filter(isWildcard).length <= 1 ? (path) => matchDirect(tokens, path) : null,
    simulate: (path) => simulate(tokens, path),
    regex: (path) => regex.test(path),
  };
}

function tokenize(pattern: string, doubleStar: boolean): Token[] {
  const tokens: Token[] = [];
  // Once a class runs off the end, every later '[' would too: read them as literals without
  // rescanning the rest of the pattern each time (which made `[[[[…` quadratic).
  let classesClose = true;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') {
      if (doubleStar && pattern[i + 1] === '*') {
        const slash = pattern[i + 2] === '/';
        tokens.push({ kind: slash ? 'dirs' : 'any' });
        i += slash ? 2 : 1;
      } else tokens.push({ kind: 'star' });
    } else if (ch === '?') tokens.push({ kind: 'one' });
    else if (ch === '[') {
      const parsed = classesClose ? parseClass(pattern, i + 1) : null;
      if (parsed) {
        tokens.push(parsed.token);
        i = parsed.close;
      } else {
        classesClose = false;
        tokens.push({ kind: 'char', code: 0x5b }); // no closing ']': a literal '['
      }
    } else if (ch === '\\' && i + 1 < pattern.length) {
      tokens.push({ kind: 'char', code: pattern.charCodeAt(i + 1) });
      i++;
    } else tokens.push({ kind: 'char', code: pattern.charCodeAt(i) });
  }
  return tokens;
}

/** `[…]` starting after the '['; null when it never closes. An inverted range matches nothing. */
function parseClass(pattern: string, from: number): { token: Token; close: number } | null {
  let i = from;
  const negated = pattern[i] === '^' || pattern[i] === '!';
  if (negated) i++;
  const ranges: number[] = [];
  const readChar = (): number | null => {
    if (i >= pattern.length) return null;
    if (pattern[i] === '\\' && i + 1 < pattern.length) i++;
    return pattern.charCodeAt(i++);
  };
  while (i < pattern.length && pattern[i] !== ']') {
    const lo = readChar();
    if (lo === null) return null;
    let hi = lo;
    if (pattern[i] === '-' && i + 1 < pattern.length && pattern[i + 1] !== ']') {
      i++;
      const end = readChar();
      if (end === null) return null;
      hi = end;
    }
    if (lo <= hi) ranges.push(lo, hi);
  }
  return i < pattern.length ? { token: { kind: 'class', negated, ranges }, close: i } : null;
}

/**
 * Merges neighbouring wildcards that mean the same as one (`**` then `*` is `**`; two `dirs` are
 * one), so runs of stars cost nothing and no chain of empty moves is longer than two.
 */
function collapseWildcards(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (const token of tokens) {
    const last = out[out.length - 1];
    if (last && isWildcard(last) && isWildcard(token)) {
      if (last.kind === token.kind) continue;
      if (last.kind === 'any' || token.kind === 'any') {
        // `**` next to `*` or `**/` matches any run either way, except `*` then `**/`, which
        // cannot arise from a pattern (the three stars read as `**` then `*`).
        if (!(last.kind === 'star' && token.kind === 'dirs')) {
          out[out.length - 1] = { kind: 'any' };
          continue;
        }
      }
    }
    out.push(token);
  }
  return out;
}

function isWildcard(token: Token): boolean {
  return token.kind === 'star' || token.kind === 'any' || token.kind === 'dirs';
}

/** The token as RegExp source: only for the test oracle in globEnginesForTest. */
function regexSource(token: Token): string {
  switch (token.kind) {
    case 'char':
      return escapeCode(token.code);
    case 'one':
      return '[^/]';
    case 'class': {
      let body = '';
      for (let k = 0; k < token.ranges.length; k += 2) body += `${escapeCode(token.ranges[k] ?? 0)}-${escapeCode(token.ranges[k + 1] ?? 0)}`;
      return `[${token.negated ? '^' : ''}${body}]`;
    }
    case 'star':
      return '[^/]*';
    case 'any':
      return '[^]*'; // unlike `.`, also matches a newline in a file name
    case 'dirs':
      return '(?:[^]*/)?';
  }
}

function escapeCode(code: number): string {
  const isWord = (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
  return isWord ? String.fromCharCode(code) : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Whether one fixed-width token (a character, `?` or a class) accepts this character. */
function acceptsOne(token: Token, code: number): boolean {
  if (token.kind === 'char') return code === token.code;
  if (token.kind === 'one') return code !== SLASH;
  if (token.kind === 'class') return inClass(token.ranges, code) !== token.negated;
  return false;
}

/**
 * A pattern with at most one unbounded wildcard: the tokens before it match the path's start one
 * character each, the tokens after it match its end, and the wildcard must accept what is left.
 */
function matchDirect(tokens: readonly Token[], path: string): boolean {
  const wildcard = tokens.findIndex(isWildcard);
  if (wildcard < 0) return tokens.length === path.length && tokens.every((t, i) => acceptsOne(t, path.charCodeAt(i)));
  const tail = tokens.length - wildcard - 1;
  if (path.length < wildcard + tail) return false;
  for (let i = 0; i < wildcard; i++) if (!acceptsOne(tokens[i] as Token, path.charCodeAt(i))) return false;
  const middleEnd = path.length - tail;
  for (let i = 0; i < tail; i++) if (!acceptsOne(tokens[wildcard + 1 + i] as Token, path.charCodeAt(middleEnd + i))) return false;
  const kind = (tokens[wildcard] as Token).kind;
  if (kind === 'any') return true;
  if (kind === 'dirs') return middleEnd === wildcard || path.charCodeAt(middleEnd - 1) === SLASH;
  const slash = path.indexOf('/', wildcard); // `*`: no '/' in the middle
  return slash < 0 || slash >= middleEnd;
}

/**
 * Runs the pattern as a nondeterministic automaton over the path, tracking every live state at
 * once. A state is token index × 2, plus 1 while inside a `dirs` that has consumed characters.
 */
function simulate(tokens: readonly Token[], path: string): boolean {
  const end = tokens.length << 1;
  const seen = new Int32Array(end + 2).fill(-1);
  let step = 0;
  const add = (list: number[], first: number): void => {
    // Wildcards can match nothing, so reaching one also reaches the next token (at most 2 deep).
    for (let state = first; ; state = ((state >> 1) + 1) << 1) {
      if (seen[state] === step) return;
      seen[state] = step;
      list.push(state);
      const token = tokens[state >> 1];
      if ((state & 1) === 1 || !token || !isWildcard(token)) return;
    }
  };
  let current: number[] = [];
  add(current, 0);
  for (let p = 0; p < path.length && current.length > 0; p++) {
    const code = path.charCodeAt(p);
    step++;
    const next: number[] = [];
    for (const state of current) {
      const token = tokens[state >> 1];
      if (!token) continue;
      const advance = ((state >> 1) + 1) << 1;
      if ((state & 1) === 1) {
        add(next, state);
        if (code === SLASH) add(next, advance);
        continue;
      }
      if (!isWildcard(token)) {
        if (acceptsOne(token, code)) add(next, advance);
      } else if (token.kind === 'star') {
        if (code !== SLASH) add(next, state);
      } else if (token.kind === 'any') add(next, state);
      else {
        add(next, state | 1);
        if (code === SLASH) add(next, advance);
      }
    }
    current = next;
  }
  return current.includes(end);
}

function inClass(ranges: readonly number[], code: number): boolean {
  for (let k = 0; k < ranges.length; k += 2) if (code >= (ranges[k] ?? 0) && code <= (ranges[k + 1] ?? -1)) return true;
  return false;
}
