// The parsers whose results may be remembered between runs (issue #18: incremental runs). Each
// model is a function of the file's text alone, so a store keyed by the text's digest can hand
// back a model parsed by an earlier run. The store itself (src/cache/parse-cache.ts) sits above
// the pipeline; the model and the Python scan see only this interface.
import { parseCompose } from './compose.js';
import { parseDockerfile } from './dockerfile.js';
import { scanPythonImports } from './python-imports.js';
import { parseRequirements } from './requirements.js';
import { textDigest, type FileStamp } from '../discover.js';
import type { Encoding, SourceFile } from '../source.js';
import { debugAssignmentLines, stringLiteralWords } from './text-facts.js';
import type { ComposeFileModel, DockerfileModel, PythonFileModel, RequirementsFileModel } from './types.js';

export interface ParsedModels {
  readonly python: PythonFileModel;
  readonly requirements: RequirementsFileModel;
  readonly dockerfile: DockerfileModel;
  readonly compose: ComposeFileModel;
}

export type MemoKind = keyof ParsedModels;

export const MEMO_KINDS: readonly MemoKind[] = ['python', 'requirements', 'dockerfile', 'compose'];

export const PARSERS: { readonly [K in MemoKind]: (text: string) => ParsedModels[K] } = {
  // What rules read of every file's text travels with its imports (text-facts.ts): the text of a
  // file without findings then need not be held or read again (issue #18).
  python: (text) => ({ ...scanPythonImports(text), stringWords: stringLiteralWords(text), debugLines: debugAssignmentLines(text) }),
  requirements: parseRequirements,
  dockerfile: parseDockerfile,
  compose: parseCompose,
};

/** Parses `text` as `kind`, or hands back the model an earlier run parsed from the same text. */
export interface ParseMemo {
  parse<K extends MemoKind>(kind: K, text: string): ParsedModels[K];
  /** A store that also remembers files by their stat (absent: every file is read). */
  readonly files?: FileMemo;
}

/** What a run read of one file: enough to stand for it, unread, while its stat is unchanged. */
export interface FileRecord {
  /** textDigest of its text (BOM removed): a text read again must have it. */
  readonly digest: string;
  readonly encoding: Encoding;
  readonly bom: boolean;
  readonly eol: SourceFile['eol'];
}

/**
 * Files remembered by their stat (issue #18: a run after one file changed reads that file only).
 * A record is kept only for a stat old enough that a later write must change it (as the result
 * cache trusts stats).
 */
export interface FileMemo {
  /** The model and the text's digest, parsed or remembered. */
  parseDigested<K extends MemoKind>(kind: K, text: string): { readonly model: ParsedModels[K]; readonly digest: string };
  /** What an earlier run read at `rel` when its stamp was `stamp` now, with the model of that text. */
  unchanged<K extends MemoKind>(kind: K, rel: string, stamp: string): { readonly record: FileRecord; readonly model: ParsedModels[K] } | undefined;
  /** Remembers what this run read at `rel`, as of `stamp` (its key is stored with the record), for the next run. */
  remember(rel: string, record: FileRecord, stamp: FileStamp): void;
  /** Keeps a model parsed elsewhere (on a worker thread) from a text of this digest. */
  adopt<K extends MemoKind>(kind: K, digest: string, model: ParsedModels[K]): void;
}


/** No memory: every file is parsed. */
export const DIRECT_PARSE: ParseMemo = {
  parse: (kind, text) => PARSERS[kind](text),
};

/**
 * Parses every text and gives its digest, remembering nothing: a worker thread's, so that the
 * texts need not travel back to the main thread (it reads a text again when one is needed).
 */
export const DIGESTED_PARSE: ParseMemo = {
  parse: DIRECT_PARSE.parse,
  files: {
    parseDigested: (kind, text) => ({ model: PARSERS[kind](text), digest: textDigest(text) }),
    unchanged: () => undefined,
    remember: () => undefined,
    adopt: () => undefined,
  },
};
