// Reading and import-scanning one Python file: the unit of work the main thread and the workers
// share, so both produce the same outcome for the same file.
import { readSource, stampOf, type DiscoverOptions, type FileStamp } from '../discover.js';
import { DIRECT_PARSE, type ParseMemo } from '../parsers/memo.js';
import type { ScanJob, ScanOutcome, ScanWarning } from './protocol.js';

/** `memo`: on the main thread, the store of models parsed by earlier runs (workers parse every file). */
export function scanJob(job: ScanJob, rootReal: string, options: DiscoverOptions, memo: ParseMemo = DIRECT_PARSE): ScanOutcome {
  const warnings: ScanWarning[] = [];
  let stamp: FileStamp | null = null;
  const file = readSource(job.abs, job.rel, job.kind, job.isLink, rootReal, options, warnings, (stat) => (stamp = stampOf(stat)));
  return { file, model: file ? memo.parse('python', file.text) : null, warnings, stamp };
}
