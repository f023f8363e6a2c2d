// Jupyter notebooks (.ipynb): the code cells read as one Python file. IPython lines (`%magic`,
// `%%cell magic`, `!shell`, `?help`) are blanked, since they are not Python. Every position the
// scanner gives (imports, directives, diagnostics) is mapped back into the notebook's JSON text:
// a line of code sits inside one JSON string of a cell's `source`, so a finding points at that
// string (line) and at the column within it when no escape comes before it.
import { LineIndex } from '../source.js';
import { scanPythonImports } from './python-imports.js';
import type { ParseDiagnostic, PythonFileModel } from './types.js';
import type { Span } from '../findings/types.js';

/** One line of code and where its JSON string starts (the offset after the opening quote). */
interface CodeLine {
  readonly text: string;
  readonly jsonStart: number;
  readonly jsonEnd: number; // offset of the closing quote
  /** Whether the JSON string before the line's end has escapes (columns would be off after one). */
  readonly plain: boolean;
}

const EMPTY: PythonFileModel = { imports: [], keywordCalls: [], hasMainGuard: false, directives: [], diagnostics: [] };

export function scanNotebook(text: string): PythonFileModel {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] ?? 'invalid JSON' : 'invalid JSON';
    const diagnostic: ParseDiagnostic = { message: `invalid notebook (JSON): ${message}`, line: 1, column: 1, span: { start: 0, end: 0 }, severity: 'warning' };
    return { ...EMPTY, diagnostics: [diagnostic] };
  }
  const lines = codeLines(text, data);
  if (lines.length === 0) return EMPTY;
  const code = lines.map((l) => ipythonBlanked(l.text)).join('\n');
  const model = scanPythonImports(code);
  const codeIndex = new LineIndex(code);
  const jsonIndex = new LineIndex(text);
  const map = (span: Span): Span => {
    const at = codeIndex.position(span.start);
    const line = lines[at.line - 1];
    if (!line) return { start: 0, end: 0 };
    const width = span.end - span.start;
    // A span inside a plain string maps column for column; otherwise the whole string is the place.
    if (!line.plain) return { start: line.jsonStart, end: line.jsonEnd };
    const start = Math.min(line.jsonStart + at.column - 1, line.jsonEnd);
    return { start, end: Math.min(start + width, line.jsonEnd) };
  };
  const position = (span: Span): { line: number; column: number } => jsonIndex.position(span.start);
  return {
    imports: model.imports.map((imp) => {
      const span = map(imp.span);
      return { ...imp, span, ...position(span) };
    }),
    keywordCalls: model.keywordCalls.map((call) => {
      const span = map(call.span);
      return { ...call, span, ...position(span) };
    }),
    hasMainGuard: model.hasMainGuard,
    directives: model.directives.map((d) => {
      const span = map(d.span);
      // A directive on its own line applies to the next line of code: map that line too.
      const target = lines[d.line - 1];
      const line = target ? jsonIndex.position(target.jsonStart).line : position(span).line;
      return { ...d, span, line, commentLine: position(span).line };
    }),
    diagnostics: model.diagnostics.map((diagnostic) => {
      const span = map(diagnostic.span);
      return { ...diagnostic, span, ...position(span) };
    }),
  };
}

/** `%timeit x`, `%%bash`, `!ls`, `?obj`, `obj?`: IPython syntax, blanked (same length, so columns hold). */
function ipythonBlanked(line: string): string {
  return /^\s*[%!?]/.test(line) || /^\s*[\w.]+\?{1,2}\s*$/.test(line) ? ' '.repeat(line.length) : line;
}

/**
 * The lines of every code cell, in order, each with the place of its JSON string. Cells whose
 * `source` is one string (allowed by nbformat) are split on line breaks, all mapped to that string.
 */
function codeLines(text: string, data: unknown): CodeLine[] {
  if (!isRecord(data) || !Array.isArray(data['cells'])) return [];
  const out: CodeLine[] = [];
  const locator = new StringLocator(text);
  for (const cell of data['cells']) {
    if (!isRecord(cell) || cell['cell_type'] !== 'code') continue;
    const source = cell['source'];
    const parts = typeof source === 'string' ? [source] : Array.isArray(source) ? source.filter((s): s is string => typeof s === 'string') : [];
    for (const part of parts) {
      const place = locator.find(part);
      const pieces = part.replace(/\r?\n$/, '').split(/\r?\n/);
      // Columns map one for one while no escape comes before the line's end (`\n` ends most lines).
      const plain = place !== null && pieces.length === 1 && !text.slice(place.start, place.end).replace(/\\n$/, '').includes('\\');
      for (const piece of pieces) out.push({ text: piece, jsonStart: place?.start ?? 0, jsonEnd: place?.end ?? 0, plain });
    }
    // Cells run one after another: a blank line keeps one cell's last statement from running into the next.
    out.push({ text: '', jsonStart: out[out.length - 1]?.jsonEnd ?? 0, jsonEnd: out[out.length - 1]?.jsonEnd ?? 0, plain: false });
  }
  return out;
}

/** Finds each JSON string of the sources in file order, as the writer encoded it (or any encoding of it). */
class StringLocator {
  private cursor = 0;
  constructor(private readonly text: string) {}

  find(value: string): { start: number; end: number } | null {
    const encoded = JSON.stringify(value);
    let at = this.text.indexOf(encoded, this.cursor);
    if (at === -1) {
      // Only non-ASCII text or a slash can be written with other escapes (`\u00e9`, `\/`).
      if (!/[^\x20-\x7e\n\t]|\//.test(value)) return null;
      // Written with other escapes (`\u00e9`, `\/`): walk the string literals from the cursor.
      for (const m of this.text.slice(this.cursor).matchAll(/"(?:[^"\\]|\\.)*"/g)) {
        try {
          if (JSON.parse(m[0]) === value) {
            at = this.cursor + m.index;
            const end = at + m[0].length;
            this.cursor = end;
            return { start: at + 1, end: end - 1 };
          }
        } catch {
          // not a string literal after all (inside something else): keep looking
        }
      }
      return null;
    }
    this.cursor = at + encoded.length;
    return { start: at + 1, end: at + encoded.length - 1 };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
