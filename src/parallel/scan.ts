// Reading and import-scanning one Python file: the unit of work the main thread and the workers
// share, so both produce the same outcome for the same file.
import { lstatSync } from 'node:fs';
import { readSource, readTextAgain, stampOf, type DiscoverOptions, type FileStamp } from '../discover.js';
import { DIRECT_PARSE, type FileMemo, type FileRecord, type ParseMemo } from '../parsers/memo.js';
import { makeLazySourceFile, type SourceFile } from '../source.js';
import type { ScanJob, ScanOutcome, ScanWarning } from './protocol.js';

/**
 * `memo`: on the main thread, the store of models parsed by earlier runs. With a store that
 * remembers files (`memo.files`), no file's text is held after its scan: it is read again, and
 * checked, only if something needs it (issue #18); files whose stat an earlier run recorded are
 * not read at all (unchangedOutcome, asked before a file becomes a job). A worker scans with
 * DIGESTED_PARSE: it reads and parses every file, and sends back the digest instead of the text.
 */
export function scanJob(job: ScanJob, rootReal: string, options: DiscoverOptions, memo: ParseMemo = DIRECT_PARSE): ScanOutcome {
  const files = memo.files;
  const warnings: ScanWarning[] = [];
  let stamp: FileStamp | null = null;
  const file = readSource(job.abs, job.rel, job.kind, job.isLink, rootReal, options, warnings, (stat) => (stamp = stampOf(stat)));
  if (!file) return { file, model: null, warnings, stamp };
  if (files === undefined) return { file, model: memo.parse('python', file.text), warnings, stamp };
  const { model, digest } = files.parseDigested('python', file.text);
  const record: FileRecord = { digest, encoding: file.encoding, bom: file.bom, eol: file.eol };
  if (stamp !== null && !job.isLink) files.remember(job.rel, record, stamp);
  return { file: textLater(job, rootReal, options, record, file.target), model, warnings, stamp, record };
}

/**
 * The outcome of a file whose stat is unchanged since an earlier run recorded it, without reading
 * it; null otherwise (a link is always read).
 */
export function unchangedOutcome(job: ScanJob, rootReal: string, options: DiscoverOptions, files: FileMemo): ScanOutcome | null {
  if (job.isLink) return null;
  // The stat the result cache's check took moments before, else one taken now. Only a stamp equal
  // to a recorded regular file's (same inode, size and times) is used; anything else is read, so
  // its warning is given as before.
  let stamp: FileStamp | null = job.checked ?? null;
  try {
    if (stamp === null) {
      const stat = lstatSync(job.abs);
      if (!stat.isFile()) return null;
      stamp = stampOf(stat);
    }
  } catch {
    return null;
  }
  if (stamp.size > options.maxFileBytes) return null;
  const hit = files.unchanged('python', job.rel, stamp.key);
  if (hit === undefined) return null;
  files.remember(job.rel, hit.record, stamp);
  return { file: textLater(job, rootReal, options, hit.record), model: hit.model, warnings: [], stamp, record: hit.record };
}

/** A file whose text is read again (and checked against the record's digest) when first needed. */
export function textLater(job: ScanJob, rootReal: string, options: DiscoverOptions, record: FileRecord, target?: string): SourceFile {
  return makeLazySourceFile(job.rel, job.kind, { ...record, ...(target === undefined ? {} : { target }) }, () => readTextAgain(job.abs, job.rel, job.isLink, rootReal, options, record.digest));
}
