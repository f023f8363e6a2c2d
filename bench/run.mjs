#!/usr/bin/env node
// driftcheck benchmark runner.
//
//   node bench/run.mjs [--quick] [--runs 5] [--warmup 1] [--services N] [--py-per-service M]
//                      [--req-files R] [--dockerfiles D] [--compose-files C] [--seed S]
//                      [--cli dist/bin/driftcheck.js] [--cold] [--regen] [--no-rss]
//                      [--shape monorepo]
//
// Full mode times driftcheck against baselines measured in the same run and prints a markdown
// table (also written to bench/out/last.json). --quick generates a tiny tree and asserts that the
// JSON report carries the findings the generator plants. See bench/README.md.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generate, formatSummary, resolveParams, MANIFEST_NAME, GENERATOR_VERSION } from './generate.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const OUT = path.join(HERE, 'out');
const IMPORT_RE = '^\\s*(import|from)\\s';

const USAGE = `usage: node bench/run.mjs [--quick] [--runs 5] [--warmup 1] [--services 200] [--py-per-service 50]
       [--req-files 2*services] [--dockerfiles services] [--compose-files ceil(services/10)] [--seed 1]
       [--cli dist/bin/driftcheck.js] [--cold] [--regen] [--no-rss] [--shape services|monorepo]`;

function fail(msg) {
  console.error(`bench: ${msg}`);
  process.exit(1);
}

function parseArgs(argv) {
  const o = { quick: false, growth: false, runs: null, warmup: null, cli: null, skipCold: false, regen: false, noRss: false, gen: {} };
  const genInts = { '--services': 'services', '--py-per-service': 'pyPerService', '--req-files': 'reqFiles', '--dockerfiles': 'dockerfiles', '--compose-files': 'composeFiles' };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let val = null;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { val = a.slice(eq + 1); a = a.slice(0, eq); }
    const take = () => {
      if (val !== null) return val;
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const int = (name) => {
      const v = take();
      if (!/^\d+$/.test(v)) throw new Error(`${name} expects a non-negative integer, got '${v}'`);
      return Number(v);
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--growth') o.growth = true;
    else if (a === '--runs') o.runs = int(a);
    else if (a === '--warmup') o.warmup = int(a);
    else if (a === '--cli') o.cli = take();
    else if (a === '--skip-cold') o.skipCold = true;
    else if (a === '--cold') o.skipCold = false;
    else if (a === '--regen') o.regen = true;
    else if (a === '--no-rss') o.noRss = true;
    else if (a === '--seed') o.gen.seed = take();
    else if (a === '--shape') o.gen.shape = take();
    else if (genInts[a]) o.gen[genInts[a]] = int(a);
    else if (a === '-h' || a === '--help') { console.log(USAGE); process.exit(0); }
    else throw new Error(`unknown argument '${argv[i]}'`);
  }
  if (o.runs !== null && o.runs < 1) throw new Error('--runs must be at least 1');
  return o;
}

// ------------------------------------------------------------------------------------ tools

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch { /* not here */ }
  }
  return null;
}

/** GNU time at /usr/bin/time that understands -f/-o (BusyBox or BSD time do not all do). */
function detectGnuTime() {
  const p = '/usr/bin/time';
  if (!fs.existsSync(p)) return null;
  const tmp = path.join(OUT, '.time-probe');
  const r = spawnSync(p, ['-f', '%e %M', '-o', tmp, process.execPath, '-e', '0'], { stdio: 'ignore' });
  try {
    const txt = fs.readFileSync(tmp, 'utf8').trim().split('\n').pop();
    fs.rmSync(tmp, { force: true });
    if (r.status === 0 && /^\d+(\.\d+)?\s+\d+$/.test(txt)) return p;
  } catch { /* fall through */ }
  return null;
}

// ------------------------------------------------------------------------------------ tree

function treeKey(p) {
  return `${p.shape === 'monorepo' ? 'mono-' : ''}s${p.services}-p${p.pyPerService}-r${p.reqFiles}-d${p.dockerfiles}-c${p.composeFiles}-seed${p.seed}`;
}

/**
 * Generate into bench/out/tree-<params> (the monorepo shape: <tmpdir>/driftcheck-bench/tree-<params>),
 * reusing an existing tree made with the same params. Neither is ever committed.
 */
function ensureTree(params, { regen }) {
  const parent = params.shape === 'monorepo' ? path.join(os.tmpdir(), 'driftcheck-bench') : OUT;
  const dir = path.join(parent, `tree-${treeKey(params)}`);
  const mf = path.join(dir, MANIFEST_NAME);
  if (!regen && fs.existsSync(mf)) {
    try {
      const m = JSON.parse(fs.readFileSync(mf, 'utf8'));
      if (m.version === GENERATOR_VERSION && JSON.stringify(m.params) === JSON.stringify(params)) {
        console.log(`reusing ${path.relative(REPO, dir)} (${m.stats.files} files; --regen to rebuild)`);
        return { dir, stats: m.stats };
      }
    } catch { /* regenerate */ }
  }
  const res = generate(dir, params, { force: true });
  console.log(formatSummary({ ...res, out: path.relative(REPO, res.out) }));
  return { dir, stats: res.stats };
}

// ------------------------------------------------------------------------------------ measure

/**
 * Run one command `runs` times (after `warmup` untimed runs) with stdout/stderr sent to files in
 * bench/out (never /dev/null: GNU grep stops at the first match when its output is /dev/null).
 * Wall time is measured here with hrtime; peak RSS comes from GNU time when available.
 */
function measure(w, { runs, warmup, timeBin }) {
  const stdoutFile = path.join(OUT, `${w.id}.stdout`);
  const stderrFile = path.join(OUT, `${w.id}.stderr`);
  const rssFile = path.join(OUT, `${w.id}.time`);
  const times = [];
  const rss = [];
  let last = null;
  for (let i = 0; i < warmup + runs; i++) {
    w.before?.(i);
    const outFd = fs.openSync(stdoutFile, 'w');
    const errFd = fs.openSync(stderrFile, 'w');
    const [cmd, args] = timeBin
      ? [timeBin, ['-f', '%e %M', '-o', rssFile, w.cmd, ...w.args]]
      : [w.cmd, w.args];
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ['ignore', outFd, errFd], cwd: w.cwd ?? REPO, env: { ...process.env, NO_COLOR: '1', ...w.env } });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    fs.closeSync(outFd);
    fs.closeSync(errFd);
    if (r.error) throw new Error(`${w.name}: could not start ${cmd}: ${r.error.message}`);
    const code = r.status ?? 128 + (os.constants.signals[r.signal] ?? 0);
    if (!w.okExit.includes(code)) {
      const err = fs.readFileSync(stderrFile, 'utf8');
      const e = new Error(`${w.name}: exit code ${code}${r.signal ? ` (signal ${r.signal})` : ''} from\n  ${[w.cmd, ...w.args].join(' ')}\n--- stderr (last 4000 chars) ---\n${err.slice(-4000)}`);
      e.workload = w;
      throw e;
    }
    last = { code, stdoutFile, stderrFile };
    if (i < warmup) continue;
    times.push(secs);
    if (timeBin) {
      // GNU time writes "Command exited with non-zero status N" before the format line.
      const line = fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop();
      const m = /^([\d.]+)\s+(\d+)$/.exec(line);
      if (m) rss.push(Number(m[2]));
    }
  }
  fs.rmSync(rssFile, { force: true });
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return {
    id: w.id,
    name: w.name,
    command: [w.cmd, ...w.args].join(' '),
    runs: times.length,
    warmup,
    times: times.map((t) => +t.toFixed(4)),
    median: +median.toFixed(4),
    min: +sorted[0].toFixed(4),
    max: +sorted[sorted.length - 1].toFixed(4),
    peakRssKiB: rss.length ? Math.max(...rss) : null,
    lastExit: last.code,
    stdoutFile: path.relative(REPO, last.stdoutFile),
  };
}

// ------------------------------------------------------------------------------------ quick

function quick(opts, cli) {
  const params = resolveParams({ services: 5, pyPerService: 10, ...opts.gen });
  // Always regenerate: the tree is tiny, and a fresh tree has no stale cache.
  const { dir, stats } = ensureTree(params, { regen: true });
  const w = { id: 'quick-driftcheck', name: 'driftcheck', cmd: process.execPath, args: [cli, dir, '--format', 'json'], okExit: [0, 1] };
  let m;
  try {
    m = measure(w, { runs: 1, warmup: 0, timeBin: null });
  } catch (e) {
    fail(e.message);
  }
  const text = fs.readFileSync(path.join(REPO, m.stdoutFile), 'utf8');
  let report;
  try {
    report = JSON.parse(text);
  } catch (e) {
    fail(`--quick: driftcheck --format json did not print valid JSON (${e.message}); first 500 chars:\n${text.slice(0, 500)}`);
  }
  if (!report || !Array.isArray(report.findings)) fail('--quick: the JSON report has no `findings` array');
  const byRule = {};
  for (const f of report.findings) byRule[f?.ruleId] = (byRule[f?.ruleId] ?? 0) + 1;
  const problems = [];
  for (const rule of ['DEP001', 'PROD001']) if (!byRule[rule]) problems.push(`no ${rule} finding (the generator plants at least one)`);
  const rel = (f) => String(f?.file ?? '');
  const plantedDep = report.findings.some((f) => f?.ruleId === 'DEP001' && rel(f).includes('svc-000') && JSON.stringify(f).includes('chromadb'));
  const plantedReload = report.findings.some((f) => f?.ruleId === 'PROD001' && (rel(f).includes('svc-001') || JSON.stringify(f).includes('svc-001')));
  const summary = {
    mode: 'quick',
    tree: path.relative(REPO, dir),
    params,
    files: stats.files,
    exitCode: m.lastExit,
    seconds: m.median,
    findings: report.findings.length,
    byRule,
    planted: { dep001Chromadb: plantedDep, prod001Svc001: plantedReload },
    ok: problems.length === 0,
  };
  fs.writeFileSync(path.join(OUT, 'last-quick.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log(`driftcheck exit ${m.lastExit} in ${m.median.toFixed(2)}s: ${report.findings.length} findings ${JSON.stringify(byRule)}`);
  console.log(`planted DEP001 (svc-000 imports chromadb): ${plantedDep ? 'found' : 'not found'}; planted PROD001 (svc-001 --reload): ${plantedReload ? 'found' : 'not found'}`);
  if (problems.length) fail(`--quick FAILED: ${problems.join('; ')}`);
  console.log('bench --quick: OK');
}

// ------------------------------------------------------------------------------------ full

function fmtS(s) { return s.toFixed(3); }
function fmtRss(kib) { return kib == null ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`; }

function full(opts, cli, timeBin, rssNote) {
  const runs = opts.runs ?? 5;
  const warmup = opts.warmup ?? 1;
  const params = resolveParams(opts.gen);
  const { dir, stats } = ensureTree(params, { regen: opts.regen });
  const rel = path.relative(REPO, dir) || '.';

  const rg = which('rg');
  const grep = which('grep');
  const baseline = rg
    ? { id: 'baseline-rg', name: 'baseline: rg import scan', cmd: rg, args: ['-n', '--no-heading', '-t', 'py', IMPORT_RE, dir], okExit: [0, 1] }
    : grep
      ? { id: 'baseline-grep', name: 'baseline: grep import scan', cmd: grep, args: ['-rnE', '--include=*.py', IMPORT_RE, dir], okExit: [0, 1] }
      : null;
  if (!baseline) fail('neither rg nor grep found on PATH');
  console.log(`import-scan baseline: ${rg ? `ripgrep (${rg})` : `GNU grep (${grep}); install ripgrep for the faster baseline`}`);
  if (timeBin) console.log(`peak RSS: GNU time (${timeBin})`);
  else console.log(`peak RSS: n/a — ${rssNote}`);

  // Warm: the result cache (in bench/out/cache) filled by the warm-up run, nothing changed since.
  // Cold: --no-cache, every file read, parsed and judged.
  // Edited: before each run one Python file gets one more line (a comment), then the same command
  // as warm runs with the cache: the pre-commit case. The file is restored afterwards.
  const example = path.join(REPO, 'fixtures/projects/sutazai');
  const mono = params.shape === 'monorepo';
  const edited = editTarget(dir);
  const workloads = [
    { id: 'driftcheck', name: 'driftcheck --format json (warm)', cmd: process.execPath, args: [cli, dir, '--format', 'json'], okExit: [0, 1], driftcheck: true },
    {
      id: 'driftcheck-edit', name: `driftcheck --format json, one .py file edited (${path.relative(dir, edited.file)})`, cmd: process.execPath, args: [cli, dir, '--format', 'json'], okExit: [0, 1], driftcheck: true,
      before: (i) => fs.writeFileSync(edited.file, `${edited.text}# edit ${i}\n`),
      after: () => fs.writeFileSync(edited.file, edited.text),
    },
  ];
  if (!opts.skipCold) {
    workloads.push({ id: 'driftcheck-cold', name: 'driftcheck --format json --no-cache (cold)', cmd: process.execPath, args: [cli, dir, '--format', 'json', '--no-cache'], okExit: [0, 1], driftcheck: true });
    if (mono) {
      // One rule that reads only Dockerfiles and compose files: what --select saves.
      workloads.push({ id: 'driftcheck-cold-prod004', name: 'driftcheck --format json --no-cache --select PROD004 (cold)', cmd: process.execPath, args: [cli, dir, '--format', 'json', '--no-cache', '--select', 'PROD004'], okExit: [0, 1], driftcheck: true });
    } else {
      // The same with the Python files read and scanned on a worker thread too (--workers 2).
      workloads.push({ id: 'driftcheck-cold-w2', name: 'driftcheck --format json --no-cache --workers 2 (cold)', cmd: process.execPath, args: [cli, dir, '--format', 'json', '--no-cache', '--workers', '2'], okExit: [0, 1], driftcheck: true });
    }
  }
  workloads.push(baseline);
  if (!mono) {
    workloads.push({ id: 'example-cold', name: 'example fixture (sutazai), --no-cache', cmd: process.execPath, args: [cli, example, '--no-cache'], okExit: [1] });
    workloads.push({ id: 'example-warm', name: 'example fixture (sutazai), warm', cmd: process.execPath, args: [cli, example], okExit: [1] });
    // The same run compiling the bundle without V8's code cache (src/cli/launch.ts): its effect, same run.
    workloads.push({ id: 'example-cold-nocodecache', name: 'example fixture (sutazai), --no-cache, DRIFTCHECK_CODE_CACHE=off', cmd: process.execPath, args: [cli, example, '--no-cache'], okExit: [1], env: { DRIFTCHECK_CODE_CACHE: 'off' } });
  }
  workloads.push({ id: 'node-startup', name: 'node -e 0 (start-up)', cmd: process.execPath, args: ['-e', '0'], okExit: [0] });

  console.log(`runs: ${runs} timed + ${warmup} warm-up per workload; tree ${rel}\n`);
  const results = [];
  for (const w of workloads) {
    process.stdout.write(`  ${w.name} ... `);
    try {
      const r = measure(w, { runs, warmup, timeBin });
      results.push(r);
      console.log(`median ${fmtS(r.median)}s`);
    } catch (e) {
      console.log('FAILED');
      console.error(`\n${e.message}`);
      if (w.id === 'driftcheck-cold') console.error('(if this CLI has no --no-cache yet, rerun with --skip-cold)');
      w.after?.();
      process.exit(1);
    }
    w.after?.();
  }

  const base = results.find((r) => r.id === baseline.id);
  for (const r of results) r.ratioToBaseline = +(r.median / base.median).toFixed(2);

  // A peek at the report so a benchmark of a broken build is noticed.
  const dc = results.find((r) => r.id === 'driftcheck');
  let findings = null;
  try {
    const rep = JSON.parse(fs.readFileSync(path.join(REPO, dc.stdoutFile), 'utf8'));
    if (Array.isArray(rep.findings)) {
      findings = { total: rep.findings.length, byRule: {} };
      for (const f of rep.findings) findings.byRule[f?.ruleId] = (findings.byRule[f?.ruleId] ?? 0) + 1;
    }
  } catch (e) {
    console.warn(`warning: driftcheck's output is not a JSON report with findings (${e.message})`);
  }

  const mbps = (r) => +((stats.py.bytes / 1e6) / r.median).toFixed(2);
  const coldRun = results.find((r) => r.id === 'driftcheck-cold');
  const msPerFile = coldRun ? +((1000 * coldRun.median) / stats.files).toFixed(3) : null;
  const throughput = {};
  for (const r of results) if (r.id.startsWith('driftcheck') || r.id.startsWith('baseline')) throughput[r.id] = mbps(r);

  const lines = [
    `| workload | median (s) | min (s) | max (s) | peak RSS | × ${base.name.replace('baseline: ', '')} |`,
    '|---|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.name} | ${fmtS(r.median)} | ${fmtS(r.min)} | ${fmtS(r.max)} | ${fmtRss(r.peakRssKiB)} | ${r.ratioToBaseline.toFixed(2)} |`),
  ];
  const cpus = os.cpus();
  const envLine = `node ${process.version}, ${cpus.length} × ${cpus[0]?.model?.trim() ?? 'cpu'}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`;
  console.log('');
  console.log(`tree: ${stats.files} files (${stats.py.files} .py, ${(stats.py.bytes / 1e6).toFixed(1)} MB of Python, ${stats.requirements.files} requirements, ${stats.dockerfiles.files} Dockerfiles, ${stats.compose.files} compose files)`);
  console.log(`${envLine}; ${runs} runs + ${warmup} warm-up each\n`);
  console.log(lines.join('\n'));
  console.log('');
  for (const r of results) {
    if (throughput[r.id] !== undefined) console.log(`throughput ${r.name}: ${throughput[r.id]} MB/s of Python`);
  }
  if (findings) console.log(`driftcheck findings: ${findings.total} ${JSON.stringify(findings.byRule)}`);
  if (msPerFile !== null) console.log(`cold: ${msPerFile} ms per file of the tree (${stats.files} files)`);

  const targets = targetLines(results, base, { mono, msPerFile });
  console.log(`\n${targets.join('\n')}`);

  const record = {
    mode: 'full',
    tree: rel,
    params,
    treeStats: stats,
    runs,
    warmup,
    env: { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: cpus.length, cpuModel: cpus[0]?.model?.trim() ?? null, loadavg: os.loadavg(), totalMemMiB: Math.round(os.totalmem() / 2 ** 20) },
    tools: { baseline: rg ? 'rg' : 'grep', baselinePath: baseline.cmd, gnuTime: timeBin },
    baseline: base.id,
    workloads: results,
    throughputMBps: throughput,
    coldMsPerFile: msPerFile,
    driftcheckFindings: findings,
    table: lines.join('\n'),
    targets,
  };
  fs.writeFileSync(path.join(OUT, 'last.json'), JSON.stringify(record, null, 2) + '\n');
  console.log(`\nwrote ${path.relative(REPO, path.join(OUT, 'last.json'))}`);
}

/** The targets of issue #18, each with the figure measured in this run and its baseline. */
function targetLines(results, base, { mono, msPerFile }) {
  const by = (id) => results.find((r) => r.id === id);
  const out = ['| target | measured | baseline (same run) | met |', '|---|---:|---:|:-:|'];
  const row = (name, value, baseline, ok) => out.push(`| ${name} | ${value} | ${baseline} | ${ok ? 'yes' : 'no'} |`);
  const pct = (r, of) => `${fmtS(r.median)} s (${((100 * r.median) / of.median).toFixed(1)}%)`;
  const node = by('node-startup');
  const example = by('example-cold');
  const cold = by('driftcheck-cold');
  const warm = by('driftcheck');
  const edit = by('driftcheck-edit');
  const prod004 = by('driftcheck-cold-prod004');
  const rgName = base.name.replace('baseline: ', '');
  if (example && node) row('example fixture ≤ 2× `node -e 0`', `${fmtS(example.median)} s (${(example.median / node.median).toFixed(2)}×)`, `${fmtS(node.median)} s`, example.median <= 2 * node.median);
  if (cold && mono) row('monorepo shape cold ≤ 5 s', `${fmtS(cold.median)} s = ${(cold.median / base.median).toFixed(2)}× ${rgName}; ${msPerFile} ms per file`, `${rgName} ${fmtS(base.median)} s`, cold.median <= 5);
  if (prod004 && cold) row('`--select PROD004` cold (no target; what --select saves)', pct(prod004, cold), `cold ${fmtS(cold.median)} s`, true);
  if (cold && !mono) row('10k tree cold ≤ 10× rg import scan', `${fmtS(cold.median)} s = ${(cold.median / base.median).toFixed(2)}×; ${msPerFile} ms per file`, `${rgName} ${fmtS(base.median)} s`, cold.median <= 10 * base.median);
  if (cold && edit) row('one file edited ≤ 25% of cold', pct(edit, cold), `cold ${fmtS(cold.median)} s`, edit.median <= 0.25 * cold.median);
  if (cold && warm) row('unchanged ≤ 15% of cold', pct(warm, cold), `cold ${fmtS(cold.median)} s`, warm.median <= 0.15 * cold.median);
  if (cold?.peakRssKiB) row('peak RSS ≤ 250 MB (cold)', fmtRss(cold.peakRssKiB), '—', cold.peakRssKiB * 1024 <= 250e6);
  return out;
}

/** The file of the tree the "edited" workload changes: a module in the middle service, deep in its package. */
function editTarget(dir) {
  const services = fs.readdirSync(path.join(dir, 'services')).sort();
  const svc = path.join(dir, 'services', services[services.length >> 1]);
  const modules = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.py') && e.name !== '__init__.py' && e.name !== 'main.py') modules.push(path.join(d, e.name));
    }
  };
  walk(path.join(svc, 'app'));
  const file = modules[modules.length >> 1] ?? path.join(svc, 'app', 'main.py');
  return { file, text: fs.readFileSync(file, 'utf8') };
}

/** Time per Python file for 1k, 10k and 50k files (cold, --no-cache): it should stay flat. */
function growth(opts, cli) {
  const runs = opts.runs ?? 3;
  const rows = ['| Python files | services | median (s) | ms per file | vs 1k |', '|---:|---:|---:|---:|---:|'];
  let first = null;
  for (const services of [20, 200, 1000]) {
    const params = resolveParams({ ...opts.gen, services, pyPerService: 50 });
    const { dir, stats } = ensureTree(params, { regen: opts.regen });
    process.stdout.write(`  ${stats.py.files} .py files ... `);
    const r = measure({ id: `growth-${services}`, name: `growth ${services}`, cmd: process.execPath, args: [cli, dir, '--format', 'json', '--no-cache'], okExit: [0, 1] }, { runs, warmup: 1, timeBin: null });
    const perFile = (1000 * r.median) / stats.py.files;
    first ??= perFile;
    console.log(`median ${fmtS(r.median)}s`);
    rows.push(`| ${stats.py.files} | ${services} | ${fmtS(r.median)} | ${perFile.toFixed(3)} | ${(perFile / first).toFixed(2)}× |`);
  }
  console.log(`\n${rows.join('\n')}`);
  fs.writeFileSync(path.join(OUT, 'last-growth.json'), JSON.stringify({ runs, table: rows.join('\n') }, null, 2) + '\n');
}

// ------------------------------------------------------------------------------------ main

function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`bench: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  fs.mkdirSync(OUT, { recursive: true });
  const cli = path.resolve(REPO, opts.cli ?? 'dist/bin/driftcheck.js');
  if (!fs.existsSync(cli)) fail(`${path.relative(REPO, cli)} not found: build first (npm run build), or point --cli at a built CLI`);
  // Warm runs use a cache of their own, never the user's.
  process.env.DRIFTCHECK_CACHE_DIR = path.join(OUT, 'cache');
  if (opts.quick) quick(opts, cli);
  else if (opts.growth) growth(opts, cli);
  else {
    const timeBin = opts.noRss ? null : detectGnuTime();
    const note = opts.noRss ? 'disabled by --no-rss' : '/usr/bin/time (GNU time) not found or not usable; `apt-get install -y time` to measure it';
    full(opts, cli, timeBin, note);
  }
}

main();
