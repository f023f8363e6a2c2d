// The CLI for the per-fixture runs of the report tests: in process (helpers/in-process.ts), so
// the runs queue one after another in this process instead of overlapping as child processes.
import { availableParallelism } from 'node:os';
import type { RunResult } from '../helpers/cli.js';
import { runCliInProcess } from '../helpers/in-process.js';

export function runCliAsync(args: readonly string[], cwd: string): Promise<RunResult> {
  return runCliInProcess(args, { cwd });
}

/** Maps items with at most `limit` promises in flight; results keep the input order. */
export async function pool<T, R>(items: readonly T[], fn: (item: T) => Promise<R>, limit = Math.max(2, availableParallelism())): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
