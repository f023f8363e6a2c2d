#!/usr/bin/env node
// Real-repository accuracy benchmark (#15): runs the built CLI on each checkout of corpus/repos.json
// and compares its unique findings with the judged ones in corpus/verdicts.jsonl.
//
//   npm run corpus -- DIR [--only id,id] [--pending FILE] [--markdown FILE] [--json FILE]
//                         [--fixes] [--cli dist/bin/driftcheck.js]
//
// DIR holds one checkout per repository, DIR/<id>/ (or DIR/checkouts/<id>/), made outside the
// project (no repository content is ever committed). A finding is identified by repository, rule,
// file, line and subject (the first quoted name of its message), so the same finding under several
// services counts once. Printed: per repository and per rule, unique findings by severity, run time,
// peak RSS, and how many of them are judged true / false / unclear / not yet judged; then error and
// warning precision over the judged ones. --pending writes the findings that need a verdict (every
// error; DEP001, MOD001, DEP002 and PROD001-003 warnings) as JSONL lines with "verdict": null, ready
// to be judged and appended to corpus/verdicts.jsonl. --fixes also checks each repository's safe
// patch: it applies with git apply and the fixed tree gives an empty patch (convergence).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const CORPUS = path.join(REPO, 'corpus');
const MUST_JUDGE_WARNINGS = new Set(['DEP001', 'MOD001', 'DEP002', 'PROD001', 'PROD002', 'PROD003']);

function fail(message) {
  console.error(`corpus: ${message}`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { dir: null, only: null, pending: null, markdown: null, json: null, fixes: false, cli: path.join(REPO, 'dist/bin/driftcheck.js') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? fail(`${a} needs a value`);
    if (a === '--only') o.only = new Set(value().split(','));
    else if (a === '--pending') o.pending = value();
    else if (a === '--markdown') o.markdown = value();
    else if (a === '--json') o.json = value();
    else if (a === '--cli') o.cli = path.resolve(value());
    else if (a === '--fixes') o.fixes = true;
    else if (a.startsWith('-')) fail(`unknown option ${a}`);
    else o.dir = path.resolve(a);
  }
  if (o.dir === null) fail('usage: npm run corpus -- DIR [--only id,id] [--pending FILE] [--markdown FILE] [--json FILE] [--fixes]');
  return o;
}

/** The subject of a finding: the first double-quoted name in its message (module, distribution, setting). */
export function subjectOf(message) {
  const m = /"([^"]{1,200})"/.exec(message);
  return m ? m[1] : '';
}

export function keyOf(f) {
  return [f.repo, f.rule, f.file ?? '', f.line ?? 0, f.subject].join('|');
}

function readVerdicts() {
  const file = path.join(CORPUS, 'verdicts.jsonl');
  const verdicts = new Map();
  if (!fs.existsSync(file)) return verdicts;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('//')) return;
    let v;
    try {
      v = JSON.parse(line);
    } catch {
      fail(`corpus/verdicts.jsonl:${i + 1}: not JSON`);
    }
    for (const k of ['repo', 'rule', 'file', 'line', 'severity', 'verdict', 'cause']) if (!(k in v)) fail(`corpus/verdicts.jsonl:${i + 1}: no "${k}"`);
    if (!['true', 'false', 'unclear'].includes(v.verdict)) fail(`corpus/verdicts.jsonl:${i + 1}: verdict must be true, false or unclear`);
    v.subject ??= '';
    verdicts.set(keyOf(v), v); // a later line overrides an earlier one
  });
  return verdicts;
}

function checkoutOf(dir, id) {
  for (const candidate of [path.join(dir, id), path.join(dir, 'checkouts', id)]) if (fs.existsSync(candidate)) return candidate;
  return null;
}

function runCli(cli, args, timeBin) {
  const rssFile = path.join(os.tmpdir(), `driftcheck-corpus-${process.pid}.time`);
  const started = process.hrtime.bigint();
  const argv = timeBin ? [timeBin, ['-f', '%M', '-o', rssFile, process.execPath, cli, ...args]] : [process.execPath, [cli, ...args]];
  const r = spawnSync(argv[0], argv[1], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let rssKiB = null;
  if (timeBin && fs.existsSync(rssFile)) {
    const last = fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop();
    if (/^\d+$/.test(last ?? '')) rssKiB = Number(last);
    fs.rmSync(rssFile, { force: true });
  }
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', seconds, rssKiB };
}

/** Unique findings of one report: the same rule, file, line and subject under several services is one. */
function uniqueFindings(repo, report) {
  const byKey = new Map();
  for (const f of report.findings) {
    if (f.suppressed) continue;
    const u = { repo, rule: f.ruleId, file: f.file ?? null, line: f.line ?? null, subject: subjectOf(f.message), severity: f.severity, message: f.message };
    const key = keyOf(u);
    const seen = byKey.get(key);
    const services = f.services ?? (f.service ? [f.service] : []);
    if (seen) {
      for (const s of services) if (!seen.services.includes(s)) seen.services.push(s);
      // The most severe copy stands for the fact.
      if (rank(f.severity) > rank(seen.severity)) seen.severity = f.severity;
    } else byKey.set(key, { ...u, services: [...services] });
  }
  return [...byKey.values()];
}

const rank = (s) => ({ info: 1, warning: 2, error: 3 })[s] ?? 0;

function needsVerdict(f) {
  return f.severity === 'error' || (f.severity === 'warning' && MUST_JUDGE_WARNINGS.has(f.rule));
}

function checkFixes(cli, checkout) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'driftcheck-corpus-fix-'));
  try {
    const diff = spawnSync(process.execPath, [cli, checkout, '--diff', '--no-cache'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    if (diff.stdout === '') return 'no patch';
    const copy = path.join(tmp, 'tree');
    fs.cpSync(checkout, copy, { recursive: true, verbatimSymlinks: true });
    const patchFile = path.join(tmp, 'fix.patch');
    fs.writeFileSync(patchFile, diff.stdout);
    const apply = spawnSync('git', ['apply', patchFile], { cwd: copy, encoding: 'utf8' });
    if (apply.status !== 0) return `git apply failed: ${apply.stderr.trim().split('\n')[0]}`;
    const again = spawnSync(process.execPath, [cli, copy, '--diff', '--no-cache'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    return again.stdout === '' ? 'applies, converges' : 'applies, does NOT converge';
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(o.cli)) fail(`${o.cli} not built: run npm run build`);
  const repos = JSON.parse(fs.readFileSync(path.join(CORPUS, 'repos.json'), 'utf8'));
  const verdicts = readVerdicts();
  const timeBin = spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0 ? '/usr/bin/time' : null;
  const rows = [];
  const all = [];
  for (const r of repos) {
    if (o.only && !o.only.has(r.id)) continue;
    const checkout = checkoutOf(o.dir, r.id);
    if (!checkout) {
      rows.push({ id: r.id, category: r.category, missing: true });
      continue;
    }
    const run = runCli(o.cli, [checkout, '--format', 'json', '--no-cache', '--fail-on', 'never'], timeBin);
    let report = null;
    try {
      report = JSON.parse(run.stdout);
    } catch {
      /* a crash: reported below */
    }
    const row = { id: r.id, category: r.category, seconds: run.seconds, rssKiB: run.rssKiB, status: run.status };
    if (report === null || run.status !== 0) {
      row.crash = (run.stderr.trim().split('\n')[0] ?? '').slice(0, 160) || `exit ${run.status}`;
      rows.push(row);
      continue;
    }
    const unique = uniqueFindings(r.id, report);
    for (const f of unique) {
      const v = verdicts.get(keyOf(f));
      f.verdict = v ? v.verdict : null;
      f.judgedSeverity = v ? v.severity : null;
      f.cause = v ? v.cause : null;
    }
    all.push(...unique);
    row.findings = unique;
    if (o.fixes) row.fixes = checkFixes(o.cli, checkout);
    rows.push(row);
  }

  const lines = [];
  const say = (s = '') => lines.push(s);
  say('## Per repository (unique findings)');
  say();
  say('| repository | category | s | peak RSS MiB | errors T/F/U/? | warnings T/F/U/? | info | fixes |');
  say('|---|---|---:|---:|---|---|---:|---|');
  for (const row of rows) {
    if (row.missing) {
      say(`| ${row.id} | ${row.category} | — | — | no checkout | | | |`);
      continue;
    }
    if (row.crash) {
      say(`| ${row.id} | ${row.category} | ${row.seconds.toFixed(2)} | ${mib(row.rssKiB)} | CRASH: ${row.crash.replace(/\|/g, '\\|')} | | | |`);
      continue;
    }
    say(`| ${row.id} | ${row.category} | ${row.seconds.toFixed(2)} | ${mib(row.rssKiB)} | ${tally(row.findings, 'error')} | ${tally(row.findings, 'warning')} | ${row.findings.filter((f) => f.severity === 'info').length} | ${row.fixes ?? ''} |`);
  }
  say();
  say('## Per rule (unique findings over the corpus)');
  say();
  say('| rule | errors T/F/U/? | warnings T/F/U/? | info |');
  say('|---|---|---|---:|');
  const rules = [...new Set(all.map((f) => f.rule))].sort();
  for (const rule of rules) {
    const mine = all.filter((f) => f.rule === rule);
    say(`| ${rule} | ${tally(mine, 'error')} | ${tally(mine, 'warning')} | ${mine.filter((f) => f.severity === 'info').length} |`);
  }
  say();
  const ran = rows.filter((r) => !r.missing && !r.crash);
  const crashes = rows.filter((r) => r.crash).length;
  const slowest = ran.reduce((m, r) => Math.max(m, r.seconds), 0);
  say(`Repositories: ${ran.length} audited, ${crashes} crashed, ${rows.filter((r) => r.missing).length} without a checkout; slowest ${slowest.toFixed(2)} s.`);
  for (const severity of ['error', 'warning']) {
    const judged = all.filter((f) => f.severity === severity && f.verdict !== null && f.verdict !== 'unclear');
    const t = judged.filter((f) => f.verdict === 'true').length;
    const pending = all.filter((f) => f.severity === severity && needsVerdict(f) && f.verdict === null).length;
    say(`${severity} precision: ${judged.length ? (t / judged.length).toFixed(3) : 'n/a'} (${t} true of ${judged.length} judged; ${pending} still to judge)`);
  }
  const changed = all.filter((f) => f.verdict !== null && f.judgedSeverity !== f.severity);
  if (changed.length) say(`${changed.length} judged finding(s) changed severity since judged (the verdict still applies to the fact).`);
  const gone = [...verdicts.values()].filter((v) => (!o.only || o.only.has(v.repo)) && rows.some((r) => r.id === v.repo && r.findings) && !all.some((f) => keyOf(f) === keyOf(v)));
  say(`Judged findings no longer reported: ${gone.filter((v) => v.verdict === 'true').length} true (lost), ${gone.filter((v) => v.verdict === 'false').length} false (fixed), ${gone.filter((v) => v.verdict === 'unclear').length} unclear.`);
  const text = lines.join('\n') + '\n';
  process.stdout.write(text);
  if (o.markdown) fs.writeFileSync(o.markdown, text);
  if (o.json) fs.writeFileSync(o.json, JSON.stringify({ rows: rows.map(({ findings, ...rest }) => rest), findings: all, gone }, null, 1));
  if (o.pending) {
    const pending = all.filter((f) => needsVerdict(f) && f.verdict === null);
    fs.writeFileSync(o.pending, pending.map((f) => JSON.stringify({ repo: f.repo, rule: f.rule, file: f.file, line: f.line, subject: f.subject, severity: f.severity, message: f.message, services: f.services, verdict: null, cause: '' })).join('\n') + (pending.length ? '\n' : ''));
    console.error(`corpus: ${pending.length} finding(s) to judge written to ${o.pending}`);
  }
}

function tally(findings, severity) {
  const mine = findings.filter((f) => f.severity === severity);
  const n = (v) => mine.filter((f) => f.verdict === v).length;
  return `${n('true')}/${n('false')}/${n('unclear')}/${n(null)}`;
}

function mib(kib) {
  return kib === null || kib === undefined ? '—' : (kib / 1024).toFixed(0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
