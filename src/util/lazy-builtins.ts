// Node built-ins that take milliseconds to load (child_process and worker_threads pull in streams,
// sockets and the worker machinery) and that most runs never use: loaded on first use, so an
// audit that starts no git, index fetcher or worker thread does not pay for them at start-up.
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export function childProcess(): typeof import('node:child_process') {
  return load('node:child_process') as typeof import('node:child_process');
}

export function workerThreads(): typeof import('node:worker_threads') {
  return load('node:worker_threads') as typeof import('node:worker_threads');
}
