// Facts rules read from a Python file's text besides its imports, computed when the file is
// scanned and kept with its model (and in the parse cache): with them, the text of a file without
// findings need not be held or read again (issue #18).

/** Quoted strings on one line, as DEP002 has always matched them (comments included). */
const STRING_LITERAL = /'([^'\\\n]|\\.){1,300}'|"([^"\\\n]|\\.){1,300}"/g;
const WORD = /[A-Za-z_][A-Za-z0-9_-]*/g;

/**
 * The identifier-like words inside the text's string literals (`"psycopg2"`,
 * `'uvicorn.workers.UvicornWorker'`), distinct, in order of first appearance, space-separated:
 * DEP002 counts a distribution named in a string as used (a plugin path, a URL's driver).
 */
export function stringLiteralWords(text: string): string {
  const words = new Set<string>();
  // exec loops rather than matchAll: no iterator and match array per literal (~40% of its time).
  STRING_LITERAL.lastIndex = 0;
  for (let literal = STRING_LITERAL.exec(text); literal !== null; literal = STRING_LITERAL.exec(text)) {
    const quoted = literal[0];
    WORD.lastIndex = 0;
    for (let word = WORD.exec(quoted); word !== null; word = WORD.exec(quoted)) words.add(word[0]);
  }
  return [...words].join(' ');
}

/** A line of the text: its offset and its characters up to the `\n` (a `\r` before it kept). */
export interface TextLine {
  readonly start: number;
  readonly text: string;
}

/**
 * The lines (split at `\n`, as PROD002 reads them) that assign `DEBUG` at their start
 * (`DEBUG = bool(os.environ.get(…))`): the settings PROD002 checks.
 */
export function debugAssignmentLines(text: string): TextLine[] {
  const lines: TextLine[] = [];
  for (let at = text.indexOf('DEBUG'); at !== -1; at = text.indexOf('DEBUG', at + 5)) {
    if (at > 0 && text.charCodeAt(at - 1) !== 10) continue;
    const end = text.indexOf('\n', at);
    const line = text.slice(at, end === -1 ? text.length : end);
    if (/^DEBUG\s*=/.test(line)) lines.push({ start: at, text: line });
  }
  return lines;
}
