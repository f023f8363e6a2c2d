// Discovery with the Python files read and import-scanned on several threads: the walk and every
// other file stay on the main thread; Python files (most of a large tree's bytes and parse time)
// are split into batches that worker threads and the main thread take from opposite ends of one
// queue, so neither waits while work remains. Files, models and warnings come back in walk order,
// so the result is the same as `discover` + a scan on one thread, whatever the thread count.
// With a parse cache, a Python file whose stat an earlier run recorded is taken on the main thread
// as the walk meets it, unread, and never becomes a job.
import { existsSync, realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { DEFAULT_DISCOVER_OPTIONS, readSource, stampOf, walkOrReplay, type DiscoveredInput, type DiscoverOptions, type Discovery, type FileStamp, type RecordedWalk } from '../discover.js';
import type { ParseMemo } from '../parsers/memo.js';
import type { PythonFileModel } from '../parsers/types.js';
import { makeSourceFile, type SourceFile } from '../source.js';
import { decodeOutcomes, type ScanJob, type ScanOutcome, type ScanRequest, type ScanResponse } from './protocol.js';
import { scanJob, textLater, unchangedOutcome } from './scan.js';
import { appendAll } from '../util/arrays.js';
import { workerThreads } from '../util/lazy-builtins.js';

export interface ParallelDiscovery extends Discovery {
  /** Import models of the Python files scanned here, by repo path. */
  readonly python: ReadonlyMap<string, PythonFileModel>;
  readonly stats: ScanStats;
}

/** How the Python files were shared out (printed by --debug; the workers test checks it). */
export interface ScanStats {
  readonly workers: number;
  readonly batches: number;
  readonly batchesOnWorkers: number;
  /** The tree was not walked again: the result cache's check had walked it (`AuditOptions.walk`). */
  readonly walkReplayed?: boolean;
}

/** `auto`: see workerCount. */
export type Threads = number | 'auto';

const AUTO_MIN_PYTHON_FILES = 1000;
/**
 * `auto` starts workers only with at least this many cores: on the 2-vCPU bench machine, 2
 * threads gave no wall-time gain on 10,000 files (4.47 s vs 4.37 s, +15% CPU), because the
 * main thread still walks, parses and runs the rules, and two threads reading and scanning
 * files at once each ran 1.36× slower than one alone (bench/RESULTS.md).
 */
const AUTO_MIN_CORES = 4;
/** `--workers` above this is read as this: each thread holds its own copy of the scanner. */
const MAX_THREADS = 16;
const BATCH_SIZE = 64;
/** Batches posted to a worker ahead of its current one, so it never idles waiting for the main thread. */
const AHEAD = 2;

type Warning = { file: string; message: string };

/**
 * `onRead`, when given, hears how many files have been read so far (after the walk, then after
 * each batch of Python files) and is awaited, so a caller can yield to its event loop.
 */
export async function discoverInParallel(
  root: string,
  options: DiscoverOptions = DEFAULT_DISCOVER_OPTIONS,
  threads: Threads = 'auto',
  onRead?: (files: number) => Promise<void>,
  memo?: ParseMemo,
  walk?: RecordedWalk,
): Promise<ParallelDiscovery> {
  const rootReal = realpathSync(root);
  const jobs: ScanJob[] = [];
  const order: (SourceFile | number)[] = []; // a file read here, or the index of a Python job
  const inputs: (DiscoveredInput | number)[] = []; // the same for every file tried
  const jobWarnings = new Map<Warning, number>(); // placeholder in the walk's warnings -> job
  // Python files whose stat an earlier run recorded: taken here, unread, and never sent to a worker.
  const unchanged = new Map<string, PythonFileModel>();
  const { warnings, otherPaths, unwalkedDirs, replayed } = walkOrReplay(root, options, (candidate, walkWarnings, checked) => {
    const outcome = candidate.kind === 'python' && memo?.files ? unchangedOutcome(checked === undefined ? candidate : { ...candidate, checked }, rootReal, options, memo.files) : null;
    if (outcome?.file && outcome.model) {
      unchanged.set(outcome.file.path, outcome.model);
      inputs.push({ rel: candidate.rel, stamp: outcome.stamp });
      order.push(outcome.file);
      return;
    }
    if (candidate.kind === 'python') {
      const placeholder = { file: '', message: '' };
      jobWarnings.set(placeholder, jobs.length);
      walkWarnings.push(placeholder);
      order.push(jobs.length);
      inputs.push(jobs.length);
      jobs.push(candidate);
      return;
    }
    let stamp: FileStamp | null = null;
    const file = readSource(candidate.abs, candidate.rel, candidate.kind, candidate.isLink, rootReal, options, walkWarnings, (stat) => (stamp = stampOf(stat)));
    inputs.push({ rel: candidate.rel, stamp });
    if (file) order.push(file);
  }, walk);
  const readHere = order.length - jobs.length;
  const { outcomes, stats } = await scanAll(jobs, rootReal, options, workerCount(threads, jobs.length), onRead && ((scanned) => onRead(readHere + scanned)), memo);
  const python = new Map<string, PythonFileModel>();
  const files: SourceFile[] = [];
  for (const entry of order) {
    if (typeof entry !== 'number') {
      files.push(entry);
      const model = unchanged.get(entry.path);
      if (model) python.set(entry.path, model);
      continue;
    }
    const outcome = outcomes[entry];
    if (!outcome?.file || !outcome.model) continue;
    files.push(outcome.file);
    python.set(outcome.file.path, outcome.model);
  }
  const orderedWarnings = warnings.flatMap((w) => {
    const job = jobWarnings.get(w);
    return job === undefined ? [w] : [...(outcomes[job]?.warnings ?? [])];
  });
  const stampedInputs = inputs.map((input) => (typeof input === 'number' ? { rel: jobs[input]?.rel ?? '', stamp: outcomes[input]?.stamp ?? null } : input));
  return { files, warnings: orderedWarnings, otherPaths, unwalkedDirs, python, stats: { ...stats, walkReplayed: replayed }, inputs: stampedInputs };
}

function workerCount(threads: Threads, pythonFiles: number): number {
  if (threads === 'auto') {
    const cores = availableParallelism();
    return pythonFiles >= AUTO_MIN_PYTHON_FILES && cores >= AUTO_MIN_CORES ? Math.min(cores, 8) - 1 : 0;
  }
  return Math.min(MAX_THREADS, Math.max(1, Math.floor(threads))) - 1;
}

/** Up to `count` workers; fewer (even none) when the runtime refuses to start more. */
function startWorkers(url: URL, count: number): Worker[] {
  const workers: Worker[] = [];
  try {
    const { Worker: WorkerThread } = workerThreads();
    while (workers.length < count) workers.push(new WorkerThread(url));
  } catch {
    // out of threads or memory: the main thread (and any workers started) do the rest
  }
  return workers;
}

function workerUrl(): URL | null {
  // Beside this module in both builds (dist/bin/ bundle, dist/parallel/ from tsc); absent when
  // the sources run untranspiled, where the main thread scans everything.
  const url = new URL('./scan-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

/**
 * Scans every job: workers take batches from the front of the queue, the main thread from the
 * back, yielding between batches so worker replies are handled. A worker that fails hands its
 * unfinished batches back to the main thread.
 */
async function scanAll(
  jobs: readonly ScanJob[],
  rootReal: string,
  options: DiscoverOptions,
  workers: number,
  onScanned?: (jobs: number) => Promise<void>,
  memo?: ParseMemo,
): Promise<{ outcomes: ScanOutcome[]; stats: ScanStats }> {
  const outcomes: ScanOutcome[] = new Array<ScanOutcome>(jobs.length);
  const batches: [number, number][] = [];
  for (let start = 0; start < jobs.length; start += BATCH_SIZE) batches.push([start, Math.min(jobs.length, start + BATCH_SIZE)]);
  let scanned = 0; // jobs done, here or on a worker
  const runHere = (batch: number): void => {
    const [start, end] = batches[batch] ?? [0, 0];
    for (let i = start; i < end; i++) outcomes[i] = scanJob(jobs[i] as ScanJob, rootReal, options, memo);
    scanned += end - start;
  };
  const url = workers > 0 && batches.length > 1 ? workerUrl() : null;
  await onScanned?.(scanned);
  if (url === null) {
    for (let batch = 0; batch < batches.length; batch++) {
      runHere(batch);
      await onScanned?.(scanned);
    }
    return { outcomes, stats: { workers: 0, batches: batches.length, batchesOnWorkers: 0 } };
  }
  let batchesOnWorkers = 0;

  let front = 0;
  let back = batches.length;
  const orphaned: number[] = [];
  let wake: (() => void) | null = null;
  const pool = startWorkers(url, Math.min(workers, batches.length - 1)).map((worker) => ({ worker, inFlight: new Set<number>(), alive: true }));
  const feed = (member: (typeof pool)[number]): void => {
    while (member.alive && member.inFlight.size < AHEAD && front < back) {
      const batch = front++;
      const [start, end] = batches[batch] ?? [0, 0];
      member.inFlight.add(batch);
      const request: ScanRequest = { batch, jobs: jobs.slice(start, end), rootReal, options, digested: memo?.files !== undefined };
      member.worker.postMessage(request);
    }
  };
  const retire = (member: (typeof pool)[number]): void => {
    if (!member.alive) return;
    member.alive = false;
    appendAll(orphaned, member.inFlight);
    member.inFlight.clear();
    void member.worker.terminate();
    wake?.();
  };
  for (const member of pool) {
    member.worker.on('message', (response: ScanResponse) => {
      const [start, end] = batches[response.batch] ?? [0, 0];
      const decoded = decodeOutcomes(response, jobs.slice(start, end), (job, text, target) =>
        'record' in text ? textLater(job, rootReal, options, text.record, target) : makeSourceFile(job.rel, job.kind, text.raw, text.encoding, target));
      decoded.forEach((outcome, k) => {
        outcomes[start + k] = outcome;
        // A worker parsed it: the store keeps its model and, for a file stat'ed, its record.
        const job = jobs[start + k];
        if (!outcome.record || !outcome.model || !memo?.files || !job) return;
        memo.files.adopt('python', outcome.record.digest, outcome.model);
        if (outcome.stamp !== null && !job.isLink) memo.files.remember(job.rel, outcome.record, outcome.stamp);
      });
      scanned += end - start;
      batchesOnWorkers++;
      member.inFlight.delete(response.batch);
      feed(member);
      wake?.();
    });
    member.worker.on('error', () => retire(member));
    member.worker.on('exit', () => retire(member));
    feed(member);
  }

  const pending = (): boolean => pool.some((m) => m.inFlight.size > 0);
  while (front < back || orphaned.length > 0 || pending()) {
    const mine = orphaned.pop() ?? (front < back ? --back : null);
    if (mine !== null) runHere(mine);
    // Let worker replies (and feeding) run; when nothing is left here, sleep until one arrives.
    await new Promise<void>((resolve) => {
      wake = resolve;
      if (mine !== null || (!pending() && orphaned.length === 0)) setImmediate(resolve);
    });
    wake = null;
    await onScanned?.(scanned);
  }
  for (const member of pool) {
    member.alive = false;
    void member.worker.terminate();
  }
  return { outcomes, stats: { workers: pool.length, batches: batches.length, batchesOnWorkers } };
}
