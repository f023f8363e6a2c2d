// Reading and import-scanning one Python file: the unit of work the main thread and the workers
// share, so both produce the same outcome for the same file.
import { readSource, stampOf, type DiscoverOptions, type FileStamp } from '../discover.js';
import { scanPythonImports } from '../parsers/python-imports.js';
import type { ScanJob, ScanOutcome, ScanWarning } from './protocol.js';

export function scanJob(job: ScanJob, rootReal: string, options: DiscoverOptions): ScanOutcome {
  const warnings: ScanWarning[] = [];
  let stamp: FileStamp | null = null;
  const file = readSource(job.abs, job.rel, job.kind, job.isLink, rootReal, options, warnings, (stat) => (stamp = stampOf(stat)));
  return { file, model: file ? scanPythonImports(file.text) : null, warnings, stamp };
}
