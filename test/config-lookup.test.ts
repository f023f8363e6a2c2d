// Issue #19.12: where the configuration is found and what it may say. Like ruff and ESLint, the
// nearest config from the audited folder up to the repository's top is used; `select:` is a key;
// an `ignore:` entry by package covers every rule about that package; pyproject errors have lines.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, gitCopy } from './helpers/cli.js';
import { runCliInProcess } from './helpers/in-process.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

interface JsonFinding {
  ruleId: string;
  ruleName: string;
  severity: string;
  file: string;
  message: string;
  suppressed: boolean;
  suppression?: { kind: string; reason: string | null };
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/**
 * `outer/` (a folder above the repository, with a config of its own) holding `repo/`, a
 * repository (`.git`) with one service folder, services/api, whose code imports redis, which its
 * requirements lack.
 */
function monorepo(files: Record<string, string> = {}): { outer: string; repo: string } {
  const outer = realpathSync(mkdtempSync(join(tmpdir(), 'driftcheck-lookup-')));
  temps.push(outer);
  const repo = join(outer, 'repo');
  write(repo, {
    '.git/HEAD': 'ref: refs/heads/main\n',
    'services/api/requirements.txt': 'requests==2.32.3\n',
    'services/api/app.py': 'import requests\nimport redis\n',
    'services/api/legacy/old.py': 'import boto3\n',
    ...files,
  });
  // Above the repository's top: never read for an audit inside it.
  write(outer, { '.driftcheck.yaml': 'rules:\n  missing-dependency: "off"\n' });
  return { outer, repo };
}

async function findings(cwd: string, args: string[]): Promise<JsonFinding[]> {
  const out = await runCliInProcess([...args, '--format', 'json'], { cwd });
  expect(out.stderr).toBe('');
  return (JSON.parse(out.stdout) as { findings: JsonFinding[] }).findings;
}

const redis = (list: JsonFinding[]): JsonFinding | undefined => list.find((f) => f.ruleId === 'DEP001' && f.message.includes('"redis"'));

describe('the nearest config, from the audited folder up to the repository top', () => {
  it('`driftcheck services/api` uses the root .driftcheck.yaml', async () => {
    const { repo } = monorepo({ '.driftcheck.yaml': 'rules:\n  missing-dependency: info\n' });
    expect(redis(await findings(repo, ['services/api']))?.severity).toBe('info');
    // From inside the service folder too.
    expect(redis(await findings(join(repo, 'services/api'), ['.']))?.severity).toBe('info');
  });

  it('stops at the folder holding .git: a config above the repository is not read', async () => {
    const { repo } = monorepo();
    expect(redis(await findings(repo, ['services/api']))?.severity).toBe('error');
  });

  it('a nearer config wins; a pyproject.toml without [tool.driftcheck] does not stop the search', async () => {
    const { repo } = monorepo({ '.driftcheck.yaml': 'rules:\n  missing-dependency: info\n', 'services/api/pyproject.toml': '[project]\nname = "api"\n' });
    expect(redis(await findings(repo, ['services/api']))?.severity).toBe('info');
    write(repo, { 'services/api/pyproject.toml': '[project]\nname = "api"\n\n[tool.driftcheck]\nrules = { missing-dependency = "warning" }\n' });
    expect(redis(await findings(repo, ['services/api']))?.severity).toBe('warning');
    write(repo, { 'services/api/.driftcheck.yaml': 'rules:\n  DEP001: error\n' });
    expect(redis(await findings(repo, ['services/api']))?.severity).toBe('error');
  });

  it('path globs of a config above the audited folder are relative to the config', async () => {
    const { repo } = monorepo({ '.driftcheck.yaml': 'ignore:\n  - path: "services/api/legacy/**"\n    reason: frozen\n' });
    const list = await findings(repo, ['services/api']);
    const boto = list.find((f) => f.ruleId === 'DEP001' && f.file === 'legacy/old.py');
    expect(boto?.suppression).toEqual({ kind: 'config', reason: 'frozen' });
    expect(redis(list)?.suppressed).toBe(false);
  });

  it('errors name the file from the working directory, with its line', async () => {
    const { repo } = monorepo({ '.driftcheck.yaml': 'rules:\n  DEP01: info\n' });
    const out = await runCliInProcess(['services/api'], { cwd: repo });
    expect([out.status, out.stderr]).toEqual([2, 'driftcheck: .driftcheck.yaml:2: "rules.DEP01": unknown rule (did you mean DEP001?)\n']);
    const inside = await runCliInProcess(['.'], { cwd: join(repo, 'services/api') });
    expect(inside.stderr).toBe('driftcheck: ../../.driftcheck.yaml:2: "rules.DEP01": unknown rule (did you mean DEP001?)\n');
  });

  it('a config that is a symbolic link out of its folder is refused, in the root as in the audited folder', async () => {
    const { outer, repo } = monorepo();
    write(outer, { 'elsewhere.yaml': 'rules:\n  missing-dependency: info\n' });
    symlinkSync(join(outer, 'elsewhere.yaml'), join(repo, '.driftcheck.yaml'));
    const out = await runCliInProcess(['services/api'], { cwd: repo });
    expect([out.status, out.stdout]).toEqual([2, '']);
    expect(out.stderr).toBe('driftcheck: .driftcheck.yaml: symbolic link points outside the audited root; not read\n');
  });
});

describe('what the config may say', () => {
  it('`select:` picks the rules; --select on the command line wins; a typo is an error', async () => {
    const { repo } = monorepo({ '.driftcheck.yaml': 'select: [PIN, unused-dependency]\n', 'services/api/requirements.txt': 'requests==2.32.3\nflask==3.0.3\n' });
    const selected = await findings(repo, ['services/api']);
    expect(selected.map((f) => f.ruleName)).toEqual(['unused-dependency']);
    expect(redis(await findings(repo, ['services/api', '--select', 'DEP001']))).toBeDefined();
    write(repo, { '.driftcheck.yaml': 'select:\n  - PROD\n  - DEP01\n' });
    const typo = await runCliInProcess(['services/api'], { cwd: repo });
    expect([typo.status, typo.stderr]).toEqual([2, 'driftcheck: .driftcheck.yaml:3: "select": unknown rule "DEP01" (did you mean DEP001?)\n']);
  });

  it('`ignore: [{package: X}]` without rules covers every rule about X, missing-dependency and pins included', async () => {
    const dir = gitCopy(join(REPO_ROOT, 'fixtures/projects/sutazai'));
    temps.push(dir);
    const before = await findings(dir, ['.']);
    const chromadb = (list: JsonFinding[]): JsonFinding[] => list.filter((f) => f.ruleId === 'DEP001' && f.message.includes('"chromadb"'));
    const fastapiPins = (list: JsonFinding[]): JsonFinding[] => list.filter((f) => f.ruleId === 'PIN001' && f.message.includes('"fastapi"'));
    expect(chromadb(before).length).toBeGreaterThan(0);
    expect(fastapiPins(before).length).toBeGreaterThan(0);
    write(dir, { '.driftcheck.yaml': 'ignore:\n  - package: chromadb\n    reason: optional\n  - package: FastAPI\n' });
    const after = await findings(dir, ['.']);
    for (const f of [...chromadb(after), ...fastapiPins(after)]) expect(f.suppression?.kind, f.message).toBe('config');
    expect(after.filter((f) => !f.suppressed && /chromadb|fastapi/i.test(f.message) && f.ruleName !== 'transitive-dependency')).toEqual([]);
  });
});

describe('[tool.driftcheck] errors give their line', () => {
  it.each([
    ['[project]\nname = "x"\n\n[tool.driftcheck]\nfailOn = "sometimes"\n', 'pyproject.toml:5: [tool.driftcheck] "failOn" must be one of error, warning, info, never (got "sometimes")'],
    ['[tool.driftcheck]\nfailOn = "error"\n\n[tool.driftcheck.rules]\nPROD001 = "off"\nDEP01 = "info"\n', 'pyproject.toml:6: [tool.driftcheck] "rules.DEP01": unknown rule (did you mean DEP001?)'],
    ['[tool.driftcheck]\nrulez = {}\n', 'pyproject.toml:2: [tool.driftcheck] unknown key "rulez" (expected one of: select, rules, ignore, moduleMap, allowUnused, production, development, composeSets, failOn, baseline)'],
    ['[[tool.driftcheck.ignore]]\npath = "a/**"\n\n[[tool.driftcheck.ignore]]\npackage = "x"\npaht = "b"\n', 'pyproject.toml:6: [tool.driftcheck] unknown key "ignore[1].paht" (expected one of: path, package, rules, reason)'],
    ['tool.driftcheck.select = ["NOPE"]\n', 'pyproject.toml:1: [tool.driftcheck] "select": unknown rule "NOPE" (run "driftcheck rules" for the list)'],
  ])('%j', async (toml, message) => {
    const { repo } = monorepo({ 'pyproject.toml': toml });
    const out = await runCliInProcess(['.'], { cwd: repo });
    expect([out.status, out.stderr]).toEqual([2, `driftcheck: ${message}\n`]);
  });
});
