// The facts rules read from a Python file's text, kept with its model (src/parsers/text-facts.ts),
// against the way the rules read them from the whole text before (issue #18): the same words and
// the same lines on every Python file of the fixtures and on edge cases.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { debugAssignmentLines, stringLiteralWords } from '../../src/parsers/text-facts.js';
import { REPO_ROOT } from '../helpers/cli.js';

/** DEP002's words as read from the text: per string literal, every identifier-like word. */
function wordsFromText(text: string): Set<string> {
  const words = new Set<string>();
  for (const match of text.matchAll(/'([^'\\\n]|\\.){1,300}'|"([^"\\\n]|\\.){1,300}"/g)) for (const word of match[0].matchAll(/[A-Za-z_][A-Za-z0-9_-]*/g)) words.add(word[0]);
  return words;
}

/** PROD003's settings lines as read from the text: every line split at \n, offsets counted. */
function debugLinesFromText(text: string): { start: number; text: string }[] {
  const out: { start: number; text: string }[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    if (/^DEBUG\s*=/.test(line)) out.push({ start: offset, text: line });
    offset += line.length + 1;
  }
  return out;
}

function pythonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? pythonFiles(join(dir, e.name)) : e.name.endsWith('.py') ? [join(dir, e.name)] : []));
}

const EDGES = [
  '',
  'x = "psycopg2" + \'uvicorn.workers.UvicornWorker\'\nDEBUG = bool(os.environ.get("DEBUG"))\n',
  'DEBUG=True\r\nDEBUG_TOOLBAR = 1\r\n  DEBUG = 1\nxDEBUG = 1\nDEBUG\n= 1\nDEBUG = env.bool("DEBUG", default=True)',
  's = "a\\"b-c d_e" # "comment-word"\nt = \'\'\nu = "unterminated\nv = "\u00e9t\u00e9 caf\u00e9"\n',
  'DEBUG = 1\u2028DEBUG = 2\rDEBUG = 3',
];

describe('text facts agree with reading the whole text', () => {
  const files = pythonFiles(join(REPO_ROOT, 'fixtures'));
  it(`on ${files.length} fixture Python files and ${EDGES.length} edge cases`, () => {
    expect(files.length).toBeGreaterThan(300);
    let words = 0;
    let lines = 0;
    for (const text of [...EDGES, ...files.map((f) => readFileSync(f, 'utf8'))]) {
      const joined = stringLiteralWords(text);
      expect(joined === '' ? [] : joined.split(' ')).toEqual([...wordsFromText(text)]);
      expect(debugAssignmentLines(text)).toEqual(debugLinesFromText(text));
      words += wordsFromText(text).size;
      lines += debugLinesFromText(text).length;
    }
    // The comparison is not vacuous: both facts occur.
    expect(words).toBeGreaterThan(100);
    expect(lines).toBeGreaterThan(3);
  });
});
