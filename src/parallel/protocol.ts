// Messages between the main thread and a Python-scanning worker. Models and warnings travel as
// one JSON string and the files' texts as one concatenated string: both cross the thread
// boundary as a single copy, where structured cloning of ~10⁵ small objects cost more than
// half the scan itself (measured: 5,000 files, clone 276 + 295 ms vs JSON 93 + 87 ms). When the
// main thread keeps a parse cache (`ScanRequest.digested`), a text does not travel at all: its
// digest does, and the main thread reads the text again if something needs it.
import type { DiscoverOptions, FileStamp } from '../discover.js';
import type { FileRecord } from '../parsers/memo.js';
import type { PythonFileModel } from '../parsers/types.js';
import type { Encoding, FileKind, SourceFile } from '../source.js';

export interface ScanJob {
  readonly abs: string;
  readonly rel: string;
  readonly kind: FileKind;
  readonly isLink: boolean;
  /** The file's stat as the result cache's check took it moments before (RecordedWalk.stamps). */
  readonly checked?: FileStamp | null;
}

export interface ScanRequest {
  readonly batch: number;
  readonly jobs: readonly ScanJob[];
  readonly rootReal: string;
  readonly options: DiscoverOptions;
  /** Send each text's digest instead of the text (the main thread reads a text again when needed). */
  readonly digested: boolean;
}

export type ScanWarning = { readonly file: string; readonly message: string };

/** One job's outcome: the file and its imports, or null when it was not read (see warnings). */
export interface ScanOutcome {
  readonly file: SourceFile | null;
  readonly model: PythonFileModel | null;
  readonly warnings: readonly ScanWarning[];
  /** The file's stat before it was read (the result cache's signature); null if none was taken. */
  readonly stamp: FileStamp | null;
  /** For a file whose text is not held: what identifies that text (its digest, its decoding). */
  readonly record?: FileRecord;
}

/** A batch's outcomes in wire form. */
export interface ScanResponse {
  readonly batch: number;
  /** JSON of one `{ model, warnings, stamp, length }` per job; length is -1 when the file was not read. */
  readonly meta: string;
  /** The read files' decoded texts (BOM kept), concatenated in job order. */
  readonly texts: string;
}

interface WireOutcome {
  readonly model: PythonFileModel | null;
  readonly warnings: readonly ScanWarning[];
  readonly stamp: FileStamp | null;
  /** The text's length in `texts`; -1 when the file was not read, or when `record` stands for the text. */
  readonly length: number;
  readonly encoding?: Encoding;
  readonly target?: string;
  readonly record?: FileRecord;
}

export function encodeOutcomes(batch: number, outcomes: readonly ScanOutcome[]): ScanResponse {
  const texts: string[] = [];
  const meta: WireOutcome[] = outcomes.map((outcome) => {
    if (outcome.file && outcome.record) return { model: outcome.model, warnings: outcome.warnings, stamp: outcome.stamp, length: -1, record: outcome.record, target: outcome.file.target };
    const raw = outcome.file ? (outcome.file.bom ? `\ufeff${outcome.file.text}` : outcome.file.text) : null;
    if (raw !== null) texts.push(raw);
    return { model: outcome.model, warnings: outcome.warnings, stamp: outcome.stamp, length: raw === null ? -1 : raw.length, encoding: outcome.file?.encoding, target: outcome.file?.target };
  });
  return { batch, meta: JSON.stringify(meta), texts: texts.join('') };
}

/** A file rebuilt from the wire: from its text, or (`record`) one whose text is read again when needed. */
export type FileMaker = (job: ScanJob, text: { readonly raw: string; readonly encoding: Encoding | undefined } | { readonly record: FileRecord }, target: string | undefined) => SourceFile;

export function decodeOutcomes(response: ScanResponse, jobs: readonly ScanJob[], makeFile: FileMaker): ScanOutcome[] {
  const meta = JSON.parse(response.meta) as WireOutcome[];
  let offset = 0;
  return meta.map((wire, k) => {
    const job = jobs[k];
    if (job && wire.record) return { file: makeFile(job, { record: wire.record }, wire.target), model: wire.model, warnings: wire.warnings, stamp: wire.stamp, record: wire.record };
    if (wire.length < 0 || !job) return { file: null, model: null, warnings: wire.warnings, stamp: wire.stamp };
    const raw = response.texts.slice(offset, offset + wire.length);
    offset += wire.length;
    return { file: makeFile(job, { raw, encoding: wire.encoding }, wire.target), model: wire.model, warnings: wire.warnings, stamp: wire.stamp };
  });
}
