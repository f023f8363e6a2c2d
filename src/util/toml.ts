// smol-toml with a nesting limit. smol-toml refuses documents nested over 1,000 levels but recurses
// up to that depth, which takes 400-600 KB of V8's ~1 MB stack for inline tables. A stack overflow
// that lands in V8's native code (a RegExp compile) aborts the process instead of throwing, so
// documents nested deeper than any real pyproject.toml or lockfile are refused before parsing.
import { parse } from 'smol-toml';

/** Far beyond real files (they nest under 10), far below the depth that strains the stack. */
export const MAX_TOML_DEPTH = 128;

/** Thrown for a document nested too deeply; `line`/`column` (1-based) like smol-toml's TomlError. */
export class TomlTooDeepError extends Error {
  override readonly name = 'TomlTooDeepError';
  constructor(
    readonly line: number,
    readonly column: number,
  ) {
    super(`nested deeper than ${MAX_TOML_DEPTH} levels`);
  }
}

/** smol-toml's `parse`, after the depth check; throws TomlTooDeepError or smol-toml's errors. */
export function parseToml(text: string): Record<string, unknown> {
  const tooDeep = tomlTooDeepAt(text);
  if (tooDeep !== null) {
    const lineStart = text.lastIndexOf('\n', tooDeep - 1) + 1;
    let line = 1;
    for (let i = text.indexOf('\n'); i !== -1 && i < tooDeep; i = text.indexOf('\n', i + 1)) line++;
    throw new TomlTooDeepError(line, tooDeep - lineStart + 1);
  }
  return parse(text) as Record<string, unknown>;
}

/**
 * Offset of the first `[` or `{` nested deeper than MAX_TOML_DEPTH, or null. Brackets inside
 * strings ('…', "…", '''…''', """…""") and comments do not count; table headers open and close
 * on their line, so they never add up. One pass, no recursion.
 */
export function tomlTooDeepAt(text: string): number | null {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '#') {
      const end = text.indexOf('\n', i);
      if (end < 0) return null;
      i = end;
    } else if (ch === '"' || ch === "'") {
      i = stringEnd(text, i);
    } else if (ch === '[' || ch === '{') {
      if (++depth > MAX_TOML_DEPTH) return i;
    } else if ((ch === ']' || ch === '}') && depth > 0) depth--;
  }
  return null;
}

/** Index of the last character of the string starting at `start` (the end of text if unclosed). */
function stringEnd(text: string, start: number): number {
  const quote = text[start] as string;
  const triple = quote.repeat(3);
  if (text.startsWith(triple, start)) {
    let close = text.indexOf(triple, start + 3);
    while (quote === '"' && close > 0 && escaped(text, close)) close = text.indexOf(triple, close + 1);
    if (close < 0) return text.length;
    let end = close + 2;
    while (text[end + 1] === quote && end - close < 4) end++; // up to two quotes may end the content
    return end;
  }
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') return i - 1; // a one-line string never spans lines: let the parser report it
    if (ch === '\\' && quote === '"') i++;
    else if (ch === quote) return i;
  }
  return text.length;
}

/** Whether the character at `at` is escaped by an odd run of backslashes. */
function escaped(text: string, at: number): boolean {
  let slashes = 0;
  for (let i = at - 1; i >= 0 && text[i] === '\\'; i--) slashes++;
  return slashes % 2 === 1;
}

/**
 * The line (1-based) where each key path of a TOML document is written, for messages (smol-toml
 * gives values, not positions). Keys are joined with NUL; an array-of-tables entry (`[[a.b]]`)
 * counts as its index (`a\0b\00`). Lines inside multi-line strings are not told apart: a hint,
 * not a parser.
 */
export function tomlKeyLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const record = (path: readonly string[], line: number): void => {
    const key = path.join('\0');
    if (!out.has(key)) out.set(key, line);
  };
  const arrays = new Map<string, number>();
  let table: string[] = [];
  const KEY = String.raw`(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')`;
  const dotted = new RegExp(String.raw`^(${KEY}(?:\s*\.\s*${KEY})*)\s*=`);
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const arrayHeader = /^\[\[\s*([^\]]+?)\s*\]\]/.exec(line);
    if (arrayHeader) {
      const base = splitTomlKey(arrayHeader[1] ?? '');
      const at = arrays.get(base.join('\0')) ?? 0;
      arrays.set(base.join('\0'), at + 1);
      table = [...base, String(at)];
      record(base, index + 1);
      record(table, index + 1);
      return;
    }
    const header = /^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (header) {
      table = splitTomlKey(header[1] ?? '');
      record(table, index + 1);
      return;
    }
    const assignment = dotted.exec(line);
    if (assignment) record([...table, ...splitTomlKey(assignment[1] ?? '')], index + 1);
  });
  return out;
}

/** `a."b.c".d` -> ['a', 'b.c', 'd']. */
function splitTomlKey(key: string): string[] {
  const parts: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^.\s]+)\s*(?:\.|$)/gy;
  for (let m = re.exec(key); m !== null && m[0] !== ''; m = re.exec(key)) {
    const part = m[1] ?? '';
    parts.push(part.startsWith('"') ? (JSON.parse(part) as string) : part.startsWith("'") ? part.slice(1, -1) : part);
  }
  return parts;
}
