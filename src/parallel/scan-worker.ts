// Worker-thread entry: reads and scans the batches of Python files the main thread posts.
import { parentPort } from 'node:worker_threads';
import { DIGESTED_PARSE } from '../parsers/memo.js';
import { encodeOutcomes, type ScanRequest } from './protocol.js';
import { scanJob } from './scan.js';

parentPort?.on('message', (request: ScanRequest) => {
  parentPort?.postMessage(encodeOutcomes(request.batch, request.jobs.map((job) => scanJob(job, request.rootReal, request.options, request.digested ? DIGESTED_PARSE : undefined))));
});
