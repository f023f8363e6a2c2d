import type { Position, Span } from './findings/types.js';
import { lastIndexAtMost } from './util/arrays.js';

/** The kinds of file driftcheck reads. */
export type FileKind =
  | 'python'
  | 'notebook'
  | 'requirements'
  | 'pyproject'
  | 'setup-cfg'
  | 'pipfile'
  | 'dockerfile'
  | 'dockerignore'
  | 'compose'
  | 'package-json'
  | 'package-lock'
  | 'npmrc'
  | 'python-lock'
  /** JavaScript/TypeScript a Node service runs, read on demand (src/model/service/node-run.ts). */
  | 'javascript'
  | 'config';

export interface SourceFile {
  readonly path: string; // repo-relative POSIX path
  readonly kind: FileKind;
  /** Text with any BOM removed; offsets in findings and edits index this string. */
  readonly text: string;
  readonly bom: boolean;
  readonly eol: '\n' | '\r\n' | '\r';
  /** How the bytes were decoded: 'latin1' for bytes that are not UTF-8, so writing back is lossless. */
  readonly encoding: Encoding;
  /** For a symbolic link inside the root: the repo-relative path of the file it resolves to. */
  readonly target?: string;
  readonly lines: LineIndex;
}

export type Encoding = 'utf8' | 'latin1' | 'utf16le' | 'utf16be';

/** Offset <-> 1-based line/column conversion, built at most once per file. */
export class LineIndex {
  /** Built on first use: most files (Python files without findings) never need a position. */
  private startsCache: number[] | null = null;

  /** The text, or how to get it (a file whose text is read again when first needed). */
  constructor(private readonly source: string | (() => string)) {}

  private get text(): string {
    return typeof this.source === 'string' ? this.source : this.source();
  }

  private get starts(): number[] {
    if (this.startsCache === null) this.startsCache = lineStarts(this.text);
    return this.startsCache;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const lo = lastIndexAtMost(this.starts, clamped);
    return { line: lo + 1, column: clamped - (this.starts[lo] ?? 0) + 1 };
  }

  /** Offset of 1-based line/column; clamps to the text. */
  offset(line: number, column = 1): number {
    const start = this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))] ?? 0;
    return Math.min(this.text.length, start + Math.max(0, column - 1));
  }

  /** Span of a whole 1-based line including its line break. */
  lineSpan(line: number): Span {
    const start = this.offset(line, 1);
    const next = this.starts[line];
    return { start, end: next ?? this.text.length };
  }
}

export function makeSourceFile(path: string, kind: FileKind, raw: string, encoding: Encoding = 'utf8', target?: string): SourceFile {
  const bom = raw.charCodeAt(0) === 0xfeff;
  const text = bom ? raw.slice(1) : raw;
  return { path, kind, text, bom, eol: eolOf(text), encoding, ...(target === undefined ? {} : { target }), lines: new LineIndex(text) };
}

/**
 * A file whose text is not held: `load` reads it again when something first needs it (a finding's
 * position, a fix, a suppression comment), and it is kept from then on. Discovery drops the texts
 * of Python files once they are scanned (issue #18: the texts are most of a large tree's memory,
 * and a run after one file changed need not read the unchanged ones at all).
 */
export function makeLazySourceFile(
  path: string,
  kind: FileKind,
  read: { readonly bom: boolean; readonly eol: SourceFile['eol']; readonly encoding: Encoding; readonly target?: string },
  load: () => string,
): SourceFile {
  let text: string | null = null;
  const file: SourceFile = {
    path, kind, bom: read.bom, eol: read.eol, encoding: read.encoding, ...(read.target === undefined ? {} : { target: read.target }),
    get text(): string {
      text ??= load();
      return text;
    },
    lines: new LineIndex(() => file.text),
  };
  return file;
}

/** The line ending makeSourceFile finds in a text (BOM removed). */
export function eolOf(text: string): SourceFile['eol'] {
  const firstBreak = text.indexOf('\n');
  return firstBreak > 0 && text[firstBreak - 1] === '\r' ? '\r\n' : firstBreak === -1 && text.includes('\r') ? '\r' : '\n';
}

/**
 * A file whose text, read again, is not the one driftcheck read before: it changed during the
 * audit, so positions and fixes computed from the first read would not fit it. One line, exit 2.
 */
export class FileChangedError extends Error {
  constructor(readonly file: string) {
    super(`${file}: changed on disk during the audit; run driftcheck again`);
  }
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The bytes of `text` (BOM excluded) written as `file` was read: byte-exact outside the edits.
 * Null when they cannot be: a UTF-16 file, or a Latin-1 file given a character it cannot hold.
 */
export function encodeText(file: SourceFile, text: string): Buffer | null {
  switch (file.encoding) {
    case 'utf8':
      return Buffer.from(file.bom ? `\ufeff${text}` : text, 'utf8');
    case 'latin1':
      if (/[^\u0000-\u00ff]/.test(text)) return null;
      return file.bom ? Buffer.concat([UTF8_BOM, Buffer.from(text, 'latin1')]) : Buffer.from(text, 'latin1');
    default:
      return null;
  }
}

/**
 * Offsets where lines start. `\n`, `\r\n` and a lone `\r` end a line (LSP semantics, as the
 * Dockerfile parser and the Python scanner count lines), so every parser's line/column agrees.
 */
function lineStarts(text: string): number[] {
  const starts = [0];
  if (text.includes('\r')) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
    }
  } else {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  }
  return starts;
}
