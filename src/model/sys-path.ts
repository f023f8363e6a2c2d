// Evaluates the path a `sys.path.insert/append` adds, for one file in the image, the way Python
// would: `__file__`, string literals, `os.path.dirname/abspath/realpath/normpath/join`,
// `pathlib.Path(...)` with `.parent`, `.parents[n]`, `.resolve()`, `/`, and names assigned earlier
// in the same file from such expressions. Anything else (environment variables, function results,
// loops) is not evaluated: the answer is null, and the caller treats sys.path as unknown.
import { posix } from 'node:path';
import type { PyPathAssignment } from '../parsers/types.js';

type Value =
  | { readonly kind: 'path'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'name'; readonly dotted: string }
  | { readonly kind: 'parents'; readonly base: string }
  | { readonly kind: 'method'; readonly base: string; readonly name: string };

interface Token {
  readonly kind: 'string' | 'name' | 'number' | 'punct';
  readonly value: string;
}

const MAX_DEPTH = 8;

function tokenize(expr: string): Token[] | null {
  const out: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i] ?? '';
    if (/\s|\\/.test(c)) {
      i++;
      continue;
    }
    const str = /^([rRuU]?)('([^'\\\n]*)'|"([^"\\\n]*)")/.exec(expr.slice(i));
    if (str) {
      out.push({ kind: 'string', value: str[3] ?? str[4] ?? '' });
      i += str[0].length;
      continue;
    }
    const name = /^[A-Za-z_]\w*/.exec(expr.slice(i));
    if (name) {
      out.push({ kind: 'name', value: name[0] });
      i += name[0].length;
      continue;
    }
    const num = /^-?\d+/.exec(expr.slice(i));
    if (num) {
      out.push({ kind: 'number', value: num[0] });
      i += num[0].length;
      continue;
    }
    if ('()[],./+'.includes(c)) {
      out.push({ kind: 'punct', value: c });
      i++;
      continue;
    }
    return null; // f-strings, escapes, operators: not evaluated
  }
  return out;
}

const IDENTITY = new Set(['abspath', 'realpath', 'normpath', 'Path', 'PurePath', 'PosixPath', 'PurePosixPath', 'str', 'fspath']);
const IDENTITY_METHODS = new Set(['resolve', 'absolute', 'as_posix', '__str__']);

class Evaluator {
  private pos = 0;
  private tokens: Token[] = [];

  constructor(
    private readonly file: string,
    private readonly cwd: string,
    private readonly assignments: readonly PyPathAssignment[],
    private readonly line: number,
    private readonly depth: number,
  ) {}

  run(expr: string): string | null {
    const tokens = tokenize(expr);
    if (!tokens) return null;
    this.tokens = tokens;
    this.pos = 0;
    const value = this.expr();
    if (!value || this.pos !== this.tokens.length || value.kind !== 'path') return null;
    return value.value;
  }

  private peek(value?: string): Token | undefined {
    const t = this.tokens[this.pos];
    return value === undefined || t?.value === value ? t : undefined;
  }

  private take(value: string): boolean {
    if (this.tokens[this.pos]?.kind === 'punct' && this.tokens[this.pos]?.value === value) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expr(): Value | null {
    let left = this.term();
    while (left && (this.peek('/') || this.peek('+'))) {
      const op = this.tokens[this.pos++]?.value;
      const right = this.term();
      if (!right || left.kind !== 'path' || right.kind !== 'path') return null;
      left = { kind: 'path', value: op === '/' ? posix.join(left.value, right.value) : left.value + right.value };
    }
    return left;
  }

  private term(): Value | null {
    let value = this.primary();
    while (value) {
      if (this.take('.')) {
        const name = this.tokens[this.pos++];
        if (name?.kind !== 'name') return null;
        value = this.attribute(value, name.value);
      } else if (this.take('(')) {
        const args: Value[] = [];
        while (!this.take(')')) {
          const arg = this.expr();
          if (!arg) return null;
          args.push(arg);
          if (!this.take(',') && !this.peek(')')) return null;
        }
        value = this.call(value, args);
      } else if (this.take('[')) {
        const index = this.expr();
        if (!this.take(']') || index?.kind !== 'number' || value.kind !== 'parents') return null;
        value = { kind: 'path', value: up(value.base, index.value + 1) };
      } else break;
    }
    return value;
  }

  private primary(): Value | null {
    const t = this.tokens[this.pos++];
    if (!t) return null;
    if (t.kind === 'string') return { kind: 'path', value: t.value };
    if (t.kind === 'number') return { kind: 'number', value: Number(t.value) };
    if (t.kind === 'punct') {
      if (t.value !== '(') return null;
      const inner = this.expr();
      return this.take(')') ? inner : null;
    }
    if (t.value === '__file__') return { kind: 'path', value: this.file };
    const assigned = [...this.assignments].reverse().find((a) => a.name === t.value && a.line < this.line);
    if (assigned) {
      if (this.depth >= MAX_DEPTH) return null;
      const value = new Evaluator(this.file, this.cwd, this.assignments, assigned.line, this.depth + 1).run(assigned.expr);
      return value === null ? null : { kind: 'path', value };
    }
    return { kind: 'name', dotted: t.value };
  }

  private attribute(value: Value, name: string): Value | null {
    if (value.kind === 'name') return { kind: 'name', dotted: `${value.dotted}.${name}` };
    if (value.kind !== 'path') return null;
    if (name === 'parent') return { kind: 'path', value: up(value.value, 1) };
    if (name === 'parents') return { kind: 'parents', base: value.value };
    return { kind: 'method', base: value.value, name };
  }

  private call(callee: Value, args: readonly Value[]): Value | null {
    const paths = args.map((a) => (a.kind === 'path' ? a.value : null));
    if (paths.some((p) => p === null)) return null;
    const strings = paths as string[];
    if (callee.kind === 'method') {
      if (IDENTITY_METHODS.has(callee.name) && strings.length === 0) return { kind: 'path', value: this.absolute(callee.base) };
      if (callee.name === 'joinpath') return { kind: 'path', value: posix.join(callee.base, ...strings) };
      return null;
    }
    if (callee.kind !== 'name') return null;
    const fn = callee.dotted.split('.').at(-1) ?? '';
    if (fn === 'getcwd' || (fn === 'cwd' && callee.dotted !== 'cwd')) return strings.length === 0 ? { kind: 'path', value: this.cwd } : null;
    if (fn === 'dirname' && strings.length === 1) return { kind: 'path', value: up(strings[0] ?? '', 1) };
    if (fn === 'join' && strings.length >= 1) return { kind: 'path', value: posix.join(...strings) };
    if (IDENTITY.has(fn) && strings.length === 1) return { kind: 'path', value: fn === 'abspath' || fn === 'realpath' ? this.absolute(strings[0] ?? '') : (strings[0] ?? '') };
    return null;
  }

  private absolute(path: string): string {
    return posix.resolve(this.cwd || '/', path);
  }
}

/** `os.path.dirname` applied `times` times (`dirname('/a/b.py')` is `/a`; of a relative 'x' it is ''). */
function up(path: string, times: number): string {
  let out = path;
  for (let i = 0; i < times; i++) {
    const slash = out.replace(/\/+$/, '').lastIndexOf('/');
    out = slash < 0 ? '' : slash === 0 ? '/' : out.slice(0, slash);
  }
  return out;
}

/**
 * The image directory `expr` puts on sys.path when evaluated in the file at `fileImagePath` (line
 * `line`, after the assignments before it), relative entries resolved against the working
 * directory; null when it cannot be evaluated.
 */
export function evaluateSysPathEntry(expr: string, fileImagePath: string, cwd: string, assignments: readonly PyPathAssignment[], line: number): string | null {
  const value = new Evaluator(fileImagePath, cwd, assignments, line, 0).run(expr);
  if (value === null) return null;
  const resolved = posix.resolve(cwd || '/', value === '' ? '.' : value);
  return resolved.length > 1 ? resolved.replace(/\/$/, '') : resolved;
}
