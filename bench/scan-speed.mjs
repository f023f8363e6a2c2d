#!/usr/bin/env node
// Throughput of the Python import scanner alone (issue #3's "scan speed"), on the generated
// monorepo's Python files held in memory, so file reads do not count: one untimed pass for the
// JIT, then --runs timed passes; prints the median MB/s and the same figure for the scanner's
// first pass (what a cold CLI run gets). Needs `npm run build` (imports dist/).
//
//   node bench/scan-speed.mjs [--runs 5] [DIR]     DIR defaults to the default bench tree
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, resolveParams } from './generate.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const { scanPythonImports } = await import(path.join(HERE, '../dist/parsers/python-imports.js'));

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt === -1 ? 5 : Number(args.splice(runsAt, 2)[1]);
let dir = args[0];
if (!dir) {
  const params = resolveParams({});
  dir = path.join(HERE, 'out', `tree-s${params.services}-p${params.pyPerService}-r${params.reqFiles}-d${params.dockerfiles}-c${params.composeFiles}-seed${params.seed}`);
  if (!fs.existsSync(dir)) generate(dir, params, { force: true });
}

const texts = [];
for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
  if (entry.isFile() && entry.name.endsWith('.py')) texts.push(fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8'));
}
const megabytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0) / 1e6;

const pass = () => {
  const started = performance.now();
  let imports = 0;
  for (const text of texts) imports += scanPythonImports(text).imports.length;
  return { seconds: (performance.now() - started) / 1000, imports };
};
const first = pass();
const timed = Array.from({ length: runs }, pass).map((r) => r.seconds).sort((a, b) => a - b);
const median = timed[Math.floor(timed.length / 2)];
console.log(`${texts.length} Python files, ${megabytes.toFixed(1)} MB, ${first.imports} imports (${path.relative(process.cwd(), dir) || dir})`);
console.log(`first pass (JIT warming): ${first.seconds.toFixed(3)} s = ${(megabytes / first.seconds).toFixed(1)} MB/s`);
console.log(`median of ${runs} passes: ${median.toFixed(3)} s = ${(megabytes / median).toFixed(1)} MB/s (min ${timed[0].toFixed(3)} s, max ${timed[timed.length - 1].toFixed(3)} s)`);
