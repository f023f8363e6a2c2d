#!/usr/bin/env node
// deptry conformance (#21): runs the built CLI on each of deptry's functional test fixtures with
// the options of each of deptry's CLI tests, and compares with the findings those tests expect.
//
//   npm run conformance -- DIR [--cli dist/bin/driftcheck.js] [--plain] [--verbose] [--json FILE]
//
// DIR is a checkout of deptry's repository made outside the project (nothing of it is committed).
// The expectations are read from DIR/tests/functional/cli/test_*.py: every test function names a
// fixture (`Project.X`, resolved through tests/functional/utils.py), a deptry command line
// (`run_deptry("…")` or `run("deptry …")`) and its findings, either as report lines
// (`src/main.py:4:8: DEP004 'black' …`) or as JSON literals (`"code": "DEP004"`, `"module": …,
// `"file": …`). A test that expects exit 0 and lists nothing expects no finding. Tests with the
// same fixture and options (output flags aside) are one case.
//
// Each case runs on a copy of the fixture in a temporary directory. deptry's command-line options
// are written where a project moving from deptry keeps them, `[tool.deptry]` of the pyproject.toml
// deptry reads (command-line values replace the file's, as in deptry), which driftcheck reads when
// no driftcheck config says otherwise. The source directories and `--config` become a driftcheck
// config (`projects: [{root, code}]`). --plain skips all of that (the fixture as it is, for a build
// that has no such options).
//
// A finding matches an expectation with the same code, module (PEP 503-normalised) and file, where
// driftcheck's file is the one it reports or an import site in its evidence (driftcheck reports a
// module once, with every site; deptry once per site). Printed: per code, expected / found /
// recall; then every finding driftcheck reports that no expectation matches (any rule, suppressed
// ones aside), and every expectation it misses, each marked with the README's design difference
// that explains it, or UNEXPLAINED. Exit 1 when a code's recall is under 95% or an extra or a miss
// is unexplained; 2 on a usage error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const CODES = ['DEP001', 'DEP002', 'DEP003', 'DEP004', 'DEP005'];
const TARGET_RECALL = 0.95;

/**
 * Differences of design, each listed in README.md ("Compared with deptry"). A finding or a missed
 * expectation is explained when one of these matches it: `kind` (extra or miss), the rule code, the
 * module (one or a list) and, when given, the fixture and a predicate on the case's options.
 */
export const DIFFERENCES = [
  {
    id: 'data-packages',
    kind: 'miss', code: 'DEP002', module: ['certifi', 'tzdata'],
    why: 'data packages (certifi, tzdata) are read by other code, never imported by name: driftcheck never reports them unused',
  },
];

/**
 * Cases with no equivalent driftcheck options: deptry's tests of a behaviour driftcheck does not
 * have a switch for. They run and are shown, but are not counted.
 */
export const NOT_COMPARABLE = [
  {
    id: 'namespace-always',
    fixture: 'namespace', when: (o) => !o.namespace,
    why: 'driftcheck always reads namespace packages (PEP 420); this test checks deptry without --experimental-namespace-package, which takes the local `foo/` for the installed project `foo` (DEP003)',
  },
];

function fail(message) {
  console.error(`conformance: ${message}`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { dir: null, cli: path.join(REPO, 'dist/bin/driftcheck.js'), plain: false, verbose: false, json: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? fail(`${a} needs a value`);
    if (a === '--cli') o.cli = path.resolve(value());
    else if (a === '--plain') o.plain = true;
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else if (a === '--json') o.json = path.resolve(value());
    else if (a.startsWith('-')) fail(`unknown option ${a}`);
    else o.dir = path.resolve(a);
  }
  if (o.dir === null) fail('usage: npm run conformance -- DIR [--cli dist/bin/driftcheck.js] [--plain] [--verbose] [--json FILE]');
  if (!fs.existsSync(path.join(o.dir, 'tests/functional/cli'))) fail(`${o.dir} is not a checkout of deptry (no tests/functional/cli)`);
  if (!fs.existsSync(o.cli)) fail(`${o.cli} does not exist (npm run build first)`);
  return o;
}

// ------------------------------------------------------------------ reading deptry's tests

/** `Project.EXAMPLE` -> `example`, from the enum in tests/functional/utils.py. */
function projectNames(dir) {
  const text = fs.readFileSync(path.join(dir, 'tests/functional/utils.py'), 'utf8');
  return new Map([...text.matchAll(/^\s+([A-Z0-9_]+)\s*=\s*"([^"]+)"/gm)].map((m) => [m[1], m[2]]));
}

/** Test functions of one file: decorators, def line and body, up to the next top-level statement. */
function testFunctions(text) {
  const lines = text.split('\n');
  const out = [];
  let current = null;
  let decorators = [];
  let inString = false; // inside a triple-quoted string: its lines start at column 0
  for (const line of lines) {
    if (inString || !/^\S/.test(line)) {
      if (current) current.text += `\n${line}`;
      if (((line.match(/"""/g) ?? []).length % 2) === 1) inString = !inString;
      continue;
    }
    if (/^@/.test(line)) {
      if (current) out.push(current);
      current = null;
      decorators.push(line);
      continue;
    }
    const def = /^def (test_\w+)/.exec(line);
    if (def) {
      if (current) out.push(current);
      current = { name: def[1], text: [...decorators, line].join('\n') };
      decorators = [];
      continue;
    }
    if (current) out.push(current);
    current = null;
    decorators = [];
  }
  if (current) out.push(current);
  return out;
}

function unescapePython(s) {
  return s.replace(/\\(.)/g, '$1');
}

const normalize = (name) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** The findings a test expects, from report lines and JSON literals; null when it lists none. */
function expectedOf(body) {
  const found = new Map();
  const add = (code, module, file, line) => {
    const key = `${code}|${normalize(module)}|${file}`;
    if (!found.has(key)) found.set(key, { code, module, file, line });
  };
  const plain = body.replace(/\\x1b\[[0-9;]*m/g, ''); // test_ansi's snapshot, written with escapes
  for (const m of plain.matchAll(/^([\w./-]+?)(?::(\d+):(\d+))?: (DEP\d{3}) '([^']+)'/gm)) add(m[4], m[5], m[1], m[2] ? Number(m[2]) : null);
  const json = /"code":\s*"(DEP\d{3})"[\s\S]*?"module":\s*"([^"]+)"[\s\S]*?"file":\s*(?:str\(Path\()?"([^"]+)"\)?\)?,\s*"line":\s*(\d+|None)/g;
  for (const m of body.matchAll(json)) add(m[1], m[2], m[3], m[4] === 'None' ? null : Number(m[4]));
  return found.size > 0 ? [...found.values()] : null;
}

/** deptry's command-line options, as far as a case needs them; `unsupported` names any other. */
function optionsOf(argv) {
  const o = {
    roots: [], config: null, ignoreNotebooks: false, perRuleIgnores: null, ignore: null, exclude: null, extendExclude: null,
    knownFirstParty: null, requirementsFiles: null, requirementsFilesDev: null, namespace: false, packageModuleNameMap: null,
    optionalDevGroups: null, nonDevGroups: null, unsupported: [],
  };
  const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? '';
    switch (a) {
      case '-o': case '--json-output': case '--github-warning-errors': value(); break;
      case '--github-output': case '--verbose': case '-v': case '--no-ansi': case '--enforce-posix-paths': break;
      case '--config': o.config = value(); break;
      case '--ignore-notebooks': case '-nb': o.ignoreNotebooks = true; break;
      case '--experimental-namespace-package': o.namespace = true; break;
      case '--per-rule-ignores': case '-pri':
        o.perRuleIgnores = Object.fromEntries(list(value()).map((pair) => {
          const [code, names = ''] = pair.split('=');
          return [code, names.split('|').filter(Boolean)];
        }));
        break;
      case '--ignore': case '-i': o.ignore = list(value()); break;
      case '--exclude': case '-e': (o.exclude ??= []).push(value()); break;
      case '--extend-exclude': case '-ee': (o.extendExclude ??= []).push(value()); break;
      case '--known-first-party': case '-kf': (o.knownFirstParty ??= []).push(value()); break;
      case '--requirements-files': case '-rt': o.requirementsFiles = list(value()); break;
      case '--requirements-files-dev': case '-rtd': o.requirementsFilesDev = list(value()); break;
      case '--optional-dependencies-dev-groups': case '--pep621-dev-dependency-groups': case '-ddg': o.optionalDevGroups = list(value()); break;
      case '--non-dev-dependency-groups': o.nonDevGroups = list(value()); break;
      case '--package-module-name-map': case '-pmnm':
        o.packageModuleNameMap = Object.fromEntries(list(value()).map((pair) => {
          const [pkg, mods = ''] = pair.split('=');
          return [pkg, mods.split('|').filter(Boolean)];
        }));
        break;
      default:
        if (a.startsWith('-')) o.unsupported.push(a);
        else o.roots.push(a.replace(/\/$/, ''));
    }
  }
  if (o.roots.length === 0) o.roots.push('.');
  return o;
}

/** Output-only flags do not change what deptry finds: tests that differ only in them are one case. */
function caseKey(fixture, argv, git) {
  const kept = [];
  for (let i = 0; i < argv.length; i++) {
    if (['-o', '--json-output', '--github-warning-errors'].includes(argv[i])) { i++; continue; }
    if (['--github-output', '--verbose', '-v', '--no-ansi', '--enforce-posix-paths'].includes(argv[i])) continue;
    if (argv[i] === '--config' && argv[i + 1] === 'pyproject.toml') { i++; continue; }
    kept.push(argv[i]);
  }
  return `${fixture}${git ? ' (git)' : ''}: deptry ${kept.join(' ')}`;
}

export function readCases(dir) {
  const names = projectNames(dir);
  const cases = new Map();
  const skipped = [];
  const cliDir = path.join(dir, 'tests/functional/cli');
  for (const file of fs.readdirSync(cliDir).filter((f) => /^test_.*\.py$/.test(f)).sort()) {
    const text = fs.readFileSync(path.join(cliDir, file), 'utf8');
    for (const fn of testFunctions(text)) {
      const where = `${file}::${fn.name}`;
      // The Windows variant of a test repeats its POSIX twin with backslashes.
      if (/skipif\(sys\.platform != "win32"/.test(fn.text)) { skipped.push(`${where}: Windows only`); continue; }
      const project = /Project\.([A-Z0-9_]+)/.exec(fn.text);
      const command = /run_deptry\(\s*f?"((?:[^"\\]|\\.)*)"/.exec(fn.text) ?? /\.run\(\s*f?"deptry\s+((?:[^"\\]|\\.)*)"/.exec(fn.text);
      if (!project || !command) { skipped.push(`${where}: no fixture or no deptry command`); continue; }
      const fixture = names.get(project[1]);
      if (!fixture) { skipped.push(`${where}: unknown Project.${project[1]}`); continue; }
      const argv = unescapePython(command[1]).split(/\s+/).filter(Boolean);
      const returncode = /returncode == (\d)/.exec(fn.text);
      let expected = expectedOf(fn.text);
      if (expected === null) {
        if (returncode?.[1] !== '0') { skipped.push(`${where}: lists no expected findings`); continue; }
        expected = [];
      }
      const git = /Path\("\.git"\)\.mkdir/.test(fn.text);
      const key = caseKey(fixture, argv, git);
      const existing = cases.get(key);
      if (existing) {
        existing.tests.push(where);
        continue;
      }
      cases.set(key, { key, fixture, argv, options: optionsOf(argv), git, expected, tests: [where] });
    }
  }
  return { cases: [...cases.values()], skipped };
}

// ------------------------------------------------------------------ running driftcheck

/** Copies the fixture and writes the case's options where driftcheck reads them. */
function prepare(dir, testCase, plain) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'driftcheck-conformance-'));
  const root = path.join(tmp, testCase.fixture);
  fs.cpSync(path.join(dir, 'tests/fixtures', testCase.fixture), root, { recursive: true });
  // Every copy is the top of a repository (deptry's gitignore tests make `.git` too), so no
  // configuration in a folder above the temporary one is read.
  fs.mkdirSync(path.join(root, '.git'), { recursive: true });
  const o = testCase.options;
  const configFile = o.config ?? 'pyproject.toml';
  let driftcheckConfig = null;
  if (!plain) {
    const deptry = {};
    if (o.perRuleIgnores) deptry.per_rule_ignores = o.perRuleIgnores;
    if (o.ignore) deptry.ignore = o.ignore;
    if (o.exclude) deptry.exclude = o.exclude;
    if (o.extendExclude) deptry.extend_exclude = o.extendExclude;
    if (o.knownFirstParty) deptry.known_first_party = o.knownFirstParty;
    if (o.ignoreNotebooks) deptry.ignore_notebooks = true;
    if (o.requirementsFiles) deptry.requirements_files = o.requirementsFiles;
    if (o.requirementsFilesDev) deptry.requirements_files_dev = o.requirementsFilesDev;
    if (o.packageModuleNameMap) deptry.package_module_name_map = o.packageModuleNameMap;
    if (o.optionalDevGroups) deptry.optional_dependencies_dev_groups = o.optionalDevGroups;
    if (o.nonDevGroups) deptry.non_dev_dependency_groups = o.nonDevGroups;
    if (Object.keys(deptry).length > 0) {
      const file = path.join(root, configFile);
      const data = fs.existsSync(file) ? parseToml(fs.readFileSync(file, 'utf8')) : {};
      data.tool ??= {};
      data.tool.deptry = { ...(data.tool.deptry ?? {}), ...deptry };
      fs.writeFileSync(file, `${stringifyToml(data)}\n`);
    }
    const projectRoot = path.posix.dirname(configFile.replace(/\\/g, '/'));
    if (projectRoot !== '.' || o.roots.some((r) => r !== '.')) {
      driftcheckConfig = path.join(tmp, 'driftcheck.yaml');
      const code = o.roots.map((r) => JSON.stringify(r)).join(', ');
      fs.writeFileSync(driftcheckConfig, `projects:\n  - root: ${JSON.stringify(projectRoot)}\n    code: [${code}]\n`);
    }
  }
  return { tmp, root, driftcheckConfig };
}

function runDriftcheck(cli, root, driftcheckConfig) {
  const args = [cli, root, '--format', 'json', '--no-cache', '--fail-on', 'never'];
  if (driftcheckConfig) args.push('--config', driftcheckConfig);
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) return { error: (run.stderr || `exit ${run.status}`).trim().split('\n')[0] };
  const report = JSON.parse(run.stdout);
  return { findings: report.findings.filter((f) => !f.suppressed), header: report.warnings ?? [] };
}

/** The subject of a finding: the first double-quoted name of its message. */
function subjectOf(message) {
  const m = /"([^"]{1,200})"/.exec(message);
  return m ? m[1] : '';
}

/** Files a finding is about: where it is shown, and every import site its evidence names. */
function filesOf(finding) {
  const files = new Set([finding.file]);
  // Import sites (DEP001/DEP003/DEP004), and for DEP002 the requirements file that includes the one
  // the line is written in (`-r other.txt`: deptry reports it at the including file).
  for (const e of finding.evidence ?? []) if (/^(imports|includes) /.test(e.message)) files.add(e.file);
  return files;
}

function explained(kind, testCase, item) {
  return DIFFERENCES.find((d) =>
    d.kind === kind && d.code === item.code &&
    (Array.isArray(d.module) ? d.module.includes(normalize(item.module)) : normalize(d.module) === normalize(item.module)) &&
    (!d.fixture || d.fixture === testCase.fixture) &&
    (!d.when || d.when(testCase.options)),
  ) ?? null;
}

function compare(testCase, findings) {
  const used = new Set();
  const matched = [];
  const missed = [];
  for (const exp of testCase.expected) {
    const hit = findings.find((f) => f.ruleId === exp.code && normalize(subjectOf(f.message)) === normalize(exp.module) && filesOf(f).has(exp.file));
    if (hit) {
      used.add(hit);
      matched.push(exp);
    } else missed.push({ ...exp, difference: explained('miss', testCase, exp) });
  }
  const extra = findings.filter((f) => !used.has(f)).map((f) => {
    const item = { code: f.ruleId, module: subjectOf(f.message), file: f.file, line: f.line, severity: f.severity, message: f.message };
    return { ...item, difference: explained('extra', testCase, item) };
  });
  return { matched, missed, extra };
}

// ------------------------------------------------------------------ main

function pct(n, d) {
  return d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`;
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const { cases, skipped } = readCases(o.dir);
  const totals = Object.fromEntries(CODES.map((c) => [c, { expected: 0, found: 0 }]));
  const results = [];
  const excluded = [];
  for (const testCase of cases) {
    const { tmp, root, driftcheckConfig } = prepare(o.dir, testCase, o.plain);
    try {
      const run = runDriftcheck(o.cli, root, driftcheckConfig);
      const apart = NOT_COMPARABLE.find((n) => n.fixture === testCase.fixture && (!n.when || n.when(testCase.options)));
      if (apart) {
        excluded.push({ case: testCase.key, why: apart, ...(run.error ? { error: run.error } : compare(testCase, run.findings)) });
        continue;
      }
      if (run.error) {
        results.push({ case: testCase.key, error: run.error, expected: testCase.expected });
        for (const exp of testCase.expected) if (totals[exp.code]) totals[exp.code].expected++;
        continue;
      }
      const { matched, missed, extra } = compare(testCase, run.findings);
      for (const exp of testCase.expected) if (totals[exp.code]) totals[exp.code].expected++;
      for (const exp of matched) if (totals[exp.code]) totals[exp.code].found++;
      results.push({ case: testCase.key, tests: testCase.tests, unsupported: testCase.options.unsupported, matched, missed, extra });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  const out = [];
  out.push(`deptry conformance: ${cases.length - excluded.length} cases (+${excluded.length} not comparable) from ${path.join(o.dir, 'tests/functional/cli')}${o.plain ? ' (--plain: no options passed)' : ''}`);
  out.push(`driftcheck: ${path.relative(process.cwd(), o.cli) || o.cli}`);
  out.push('');
  out.push('| deptry code | expected | found | recall |');
  out.push('|---|---|---|---|');
  let failed = false;
  for (const code of CODES) {
    const t = totals[code];
    const recall = t.expected === 0 ? 1 : t.found / t.expected;
    if (recall < TARGET_RECALL) failed = true;
    out.push(`| ${code} | ${t.expected} | ${t.found} | ${pct(t.found, t.expected)} |`);
  }
  const all = Object.values(totals).reduce((a, t) => ({ expected: a.expected + t.expected, found: a.found + t.found }), { expected: 0, found: 0 });
  out.push(`| all | ${all.expected} | ${all.found} | ${pct(all.found, all.expected)} |`);
  const extras = results.flatMap((r) => (r.extra ?? []).map((e) => ({ ...e, case: r.case })));
  const misses = results.flatMap((r) => (r.missed ?? []).map((m) => ({ ...m, case: r.case })));
  const errors = results.filter((r) => r.error);
  out.push('');
  out.push(`extra findings: ${extras.length} (${extras.filter((e) => !e.difference).length} unexplained)`);
  for (const e of extras) {
    if (!e.difference) failed = true;
    out.push(`  ${e.case}\n    ${e.code} ${e.severity} ${e.file}:${e.line} ${e.message}\n    -> ${e.difference ? `design difference "${e.difference.id}": ${e.difference.why}` : 'UNEXPLAINED'}`);
  }
  out.push(`missed expectations: ${misses.length} (${misses.filter((m) => !m.difference).length} unexplained)`);
  for (const m of misses) {
    if (!m.difference) failed = true;
    out.push(`  ${m.case}\n    ${m.code} '${m.module}' ${m.file}${m.line ? `:${m.line}` : ''}\n    -> ${m.difference ? `design difference "${m.difference.id}": ${m.difference.why}` : 'UNEXPLAINED'}`);
  }
  if (errors.length > 0) {
    failed = true;
    out.push(`cases that did not run: ${errors.length}`);
    for (const e of errors) out.push(`  ${e.case}: ${e.error}`);
  }
  if (excluded.length > 0) {
    out.push(`not comparable (not counted): ${excluded.length}`);
    for (const x of excluded) {
      out.push(`  ${x.case}\n    -> "${x.why.id}": ${x.why.why}`);
      if (x.error) out.push(`    did not run: ${x.error}`);
      for (const m of x.missed ?? []) out.push(`    deptry expects ${m.code} '${m.module}' ${m.file}${m.line ? `:${m.line}` : ''}: driftcheck does not report it`);
      for (const e of x.extra ?? []) out.push(`    driftcheck reports ${e.code} ${e.file}:${e.line} ${e.message}`);
    }
  }
  const unsupported = results.filter((r) => r.unsupported?.length > 0);
  for (const r of unsupported) out.push(`  note: ${r.case}: options with no equivalent, ignored: ${r.unsupported.join(' ')}`);
  if (o.verbose) {
    out.push('');
    out.push('cases:');
    for (const r of results) out.push(`  ${r.case}  [${(r.tests ?? []).join(', ')}]: ${r.matched?.length ?? 0} matched, ${r.missed?.length ?? 0} missed, ${r.extra?.length ?? 0} extra`);
    out.push(`skipped tests: ${skipped.length}`);
    for (const s of skipped) out.push(`  ${s}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  if (o.json) fs.writeFileSync(o.json, `${JSON.stringify({ totals, results, excluded: excluded.map((x) => ({ ...x, why: x.why.id })), skipped }, null, 2)}\n`);
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
