// The configuration file and the baseline, through the real CLI on copies of the example.
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, gitCopy } from './helpers/cli.js';
import { runCliInProcess } from './helpers/in-process.js';

const EXAMPLE = join(REPO_ROOT, 'fixtures/projects/sutazai');

function example(): string {
  const dir = gitCopy(EXAMPLE);
  for (const name of ['expected.txt', 'expected.json', 'expected.patch']) rmSync(join(dir, name));
  return dir;
}

interface JsonFinding {
  ruleId: string;
  severity: string;
  file: string;
  suppressed: boolean;
  suppression?: { kind: string; reason: string | null };
}

async function findings(dir: string, args: string[] = []): Promise<JsonFinding[]> {
  const out = await runCliInProcess(['.', '--format', 'json', ...args], { cwd: dir });
  expect(out.stderr).toBe('');
  return (JSON.parse(out.stdout) as { findings: JsonFinding[] }).findings;
}

describe('.driftcheck.yaml', () => {
  it.each([
    ['rulez: {}\n', /^driftcheck: \.driftcheck\.yaml:1: unknown key "rulez" \(expected one of: select, rules, ignore, /],
    ['rules:\n  DEP001: loud\n', /^driftcheck: \.driftcheck\.yaml:2: "rules\.DEP001" must be one of error, warning, info, off \(got "loud"\)\n$/],
    ['rules:\n  NOPE001: off\n', /^driftcheck: \.driftcheck\.yaml:2: "rules\.NOPE001": unknown rule/],
    ['ignore:\n  - rules: [DEP006]\n', /^driftcheck: \.driftcheck\.yaml:2: "ignore\[0\]\.rules": unknown rule "DEP006" \(renamed MOD003 missing-extra in 0\.2\.0\)\n$/],
    ['failOn: 3\n', /^driftcheck: \.driftcheck\.yaml:1: "failOn" must be one of error, warning, info, never \(got number 3\)\n$/],
    ['ignore:\n  - paht: x\n', /^driftcheck: \.driftcheck\.yaml:2: unknown key "ignore\[0\]\.paht"/],
    ['ignore: yes\n', /^driftcheck: \.driftcheck\.yaml:1: "ignore" must be a list/],
    ['moduleMap:\n  foo: [1]\n', /^driftcheck: \.driftcheck\.yaml:2: "moduleMap\.foo" must be a list of strings/],
    ['composeSets: [docker-compose.yml]\n', /^driftcheck: \.driftcheck\.yaml:1: "composeSets\[0\]" must be a list of strings/],
    ['composeSets:\n  - []\n', /^driftcheck: \.driftcheck\.yaml:2: "composeSets\[0\]" must name at least one compose file\n$/],
    ['composeSets: docker-compose.yml\n', /^driftcheck: \.driftcheck\.yaml:1: "composeSets" must be a list of lists/],
    ['rules: [\n', /^driftcheck: \.driftcheck\.yaml:\d+: invalid YAML/],
    ['rules: {}\n---\nrules: {}\n', /^driftcheck: \.driftcheck\.yaml:2: invalid YAML: more than one document\n$/],
    ['a: &x 1\nb: *y\n', /^driftcheck: \.driftcheck\.yaml: invalid YAML: Unresolved alias/],
  ])('rejects %j with exit 2 and one line naming the key', async (yaml, message) => {
    const dir = example();
    writeFileSync(join(dir, '.driftcheck.yaml'), yaml);
    const out = await runCliInProcess(['.'], { cwd: dir });
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(message);
  });

  it('reads [tool.driftcheck] from pyproject.toml, and names it in errors', async () => {
    const dir = example();
    writeFileSync(join(dir, 'pyproject.toml'), '[tool.driftcheck]\nfailOn = "sometimes"\n');
    const out = await runCliInProcess(['.'], { cwd: dir });
    expect(out.status).toBe(2);
    expect(out.stderr).toBe('driftcheck: pyproject.toml:2: [tool.driftcheck] "failOn" must be one of error, warning, info, never (got "sometimes")\n');
  });

  it('--config FILE is read instead, and a missing one is an error', async () => {
    const dir = example();
    writeFileSync(join(dir, 'strict.yaml'), 'failOn: warning\n');
    expect((await runCliInProcess(['.', '--config', 'strict.yaml', '--select', 'DEP002'], { cwd: dir })).status).toBe(1);
    expect((await runCliInProcess(['.', '--select', 'DEP002'], { cwd: dir })).status).toBe(0); // warnings only
    const missing = await runCliInProcess(['.', '--config', 'nope.yaml'], { cwd: dir });
    expect([missing.status, missing.stderr]).toEqual([2, 'driftcheck: nope.yaml: config file not found\n']);
  });

  it('sets severities, turns rules off, and ignores by path and by package', async () => {
    const dir = example();
    const before = await findings(dir);
    expect(before.some((f) => f.ruleId === 'PROD001')).toBe(true);
    writeFileSync(
      join(dir, '.driftcheck.yaml'),
      ['rules:', '  DEP001: info', '  reload-in-production: off', 'ignore:', '  - path: "backend/requirements-minimal.txt"', '    reason: legacy file', '  - package: redis', '    rules: [DEP002]', ''].join('\n'),
    );
    const after = await findings(dir);
    expect(after.some((f) => f.ruleId === 'PROD001')).toBe(false);
    const dep001 = after.filter((f) => f.ruleId === 'DEP001');
    expect(dep001.length).toBeGreaterThan(0);
    expect(dep001.every((f) => f.severity === 'info')).toBe(true);
    const legacy = after.filter((f) => f.file === 'backend/requirements-minimal.txt');
    expect(legacy.length).toBeGreaterThan(0);
    expect(legacy.every((f) => f.suppressed && f.suppression?.kind === 'config' && f.suppression.reason === 'legacy file')).toBe(true);
    // redis is unused in both files the image installs: one ignored by path, the other by package
    const redis = after.filter((f) => f.ruleId === 'DEP002' && f.message.startsWith('"redis"'));
    expect(redis.map((f) => [f.file, f.suppressed, f.suppression?.reason])).toEqual([
      ['backend/requirements-minimal.txt', true, 'legacy file'],
      ['backend/requirements.txt', true, 'ignored by .driftcheck.yaml'],
    ]);
    expect(after.filter((f) => f.ruleId === 'DEP002' && !f.suppressed).length).toBe(before.filter((f) => f.ruleId === 'DEP002').length - 2);
  });

  it('moduleMap maps an import to a distribution the table does not know', async () => {
    const dir = example();
    const message = async (): Promise<string | undefined> => (await runCliInProcess(['.', '--format', 'json'], { cwd: dir })).stdout.match(/"message": "(\\"chromadb\\"[^"]*(?:\\"[^"]*)*)"/)?.[1];
    expect(await message()).not.toContain('distribution');
    writeFileSync(join(dir, '.driftcheck.yaml'), 'moduleMap:\n  chromadb: chromadb-client\n');
    expect(await message()).toContain('(distribution chromadb-client)');
  });
});

describe('baseline', () => {
  it('round trip: update, add one new finding, only it is reported; line shifts do not matter', async () => {
    const dir = example();
    const update = await runCliInProcess(['.', '--update-baseline', '--baseline', 'base.json'], { cwd: dir });
    expect(update.status).toBe(0);
    expect(update.stderr).toMatch(/^wrote base\.json: \d+ findings in the baseline\n$/);
    const baseline = JSON.parse(readFileSync(join(dir, 'base.json'), 'utf8')) as { version: number };
    expect(baseline.version).toBe(2);

    const clean = await runCliInProcess(['.', '--baseline', 'base.json'], { cwd: dir });
    expect(clean.status).toBe(0);
    expect(clean.stdout).toMatch(/^No problems found .*suppressed\)\.\n$/);

    // Shift every line of a file with findings, and add one new missing import.
    const main = join(dir, 'backend/app/api/mesh.py');
    writeFileSync(main, `# moved down\n\n${readFileSync(main, 'utf8')}`);
    appendFileSync(join(dir, 'backend/app/main.py'), 'import zzz_new_dependency\n');
    const json = await findings(dir, ['--baseline', 'base.json']);
    const shown = json.filter((f) => !f.suppressed);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ ruleId: 'DEP001', file: 'backend/app/main.py' });
    expect(json.filter((f) => f.suppression?.kind === 'baseline').length).toBeGreaterThan(5);
    expect((await runCliInProcess(['.', '--baseline', 'base.json'], { cwd: dir })).status).toBe(1);
  });

  it('a missing or broken baseline is a one-line error (exit 2)', async () => {
    const dir = example();
    const missing = await runCliInProcess(['.', '--baseline', 'none.json'], { cwd: dir });
    expect([missing.status, missing.stderr]).toEqual([2, 'driftcheck: none.json: cannot read the baseline (ENOENT); create it with --update-baseline\n']);
    writeFileSync(join(dir, 'bad.json'), '{"version": 7}');
    expect((await runCliInProcess(['.', '--baseline', 'bad.json'], { cwd: dir })).stderr).toMatch(/^driftcheck: bad\.json: not a driftcheck baseline/);
  });
});
