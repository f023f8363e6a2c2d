// Reading and import-scanning one Python file: the unit of work the main thread and the workers
// share, so both produce the same outcome for the same file.
import { readSource, type DiscoverOptions } from '../discover.js';
import { scanPythonImports } from '../parsers/python-imports.js';
import type { ScanJob, ScanOutcome, ScanWarning } from './protocol.js';

export function scanJob(job: ScanJob, rootReal: string, options: DiscoverOptions): ScanOutcome {
  const warnings: ScanWarning[] = [];
  const file = readSource(job.abs, job.rel, job.kind, job.isLink, rootReal, options, warnings);
  return { file, model: file ? scanPythonImports(file.text) : null, warnings };
}
