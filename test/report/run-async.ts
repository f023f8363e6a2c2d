// The built CLI run asynchronously, so the per-fixture runs of the report tests overlap.
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { CLI, type RunResult } from '../helpers/cli.js';

export function runCliAsync(args: readonly string[], cwd: string): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolvePromise({ status, stdout, stderr });
    });
  });
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
