// The parse cache (src/cache/parse-cache.ts), through the CLI: after one file changed, a run parses
// that file only (the counts --debug prints) and prints exactly what a --no-cache run prints on the
// edited tree; a damaged pack is ignored line by line, never trusted and never a crash.
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHAPES, openParseCache, packPython, unpackPython } from '../src/cache/parse-cache.js';
import { scanJob } from '../src/parallel/scan.js';
import { FileChangedError } from '../src/source.js';
import type { PythonFileModel } from '../src/parsers/types.js';
import { DEFAULT_DISCOVER_OPTIONS, discover } from '../src/discover.js';
import { MEMO_KINDS, PARSERS, type MemoKind } from '../src/parsers/memo.js';
import { REPO_ROOT } from './helpers/cli.js';
import { runCliInProcess } from './helpers/in-process.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

function copy(fixture: string): { dir: string; cache: string } {
  const dir = tempDir('driftcheck-parse-tree-');
  cpSync(join(REPO_ROOT, 'fixtures/projects', fixture), dir, { recursive: true });
  return { dir, cache: tempDir('driftcheck-parse-cache-') };
}

type Counts = Record<MemoKind, { parsed: number; reused: number }>;

/** A run with --debug: its output and the parse counts it printed. */
async function run(dir: string, cache: string, extra: readonly string[] = []): Promise<{ status: number; stdout: string; counts: Counts; unread: number }> {
  const result = await runCliInProcess(['.', '--format', 'json', '--debug', ...extra], { cwd: dir, env: { DRIFTCHECK_CACHE_DIR: cache } });
  const line = result.stderr.split('\n').find((l) => l.startsWith('debug: parse cache: '));
  if (line === undefined) throw new Error(`no parse cache counts in stderr:\n${result.stderr}`);
  const counts = Object.fromEntries(MEMO_KINDS.map((kind) => [kind, { parsed: -1, reused: -1 }])) as Counts;
  for (const m of line.matchAll(/(\w+) (\d+) parsed, (\d+) reused/g)) counts[m[1] as MemoKind] = { parsed: Number(m[2]), reused: Number(m[3]) };
  const unread = /; (\d+) files not read \(stat unchanged\)$/.exec(line);
  if (unread === null) throw new Error(`no count of files not read in: ${line}`);
  return { status: result.status, stdout: result.stdout, counts, unread: Number(unread[1]) };
}

/** What a run without any cache prints on the tree as it is now. */
async function fresh(dir: string): Promise<{ status: number; stdout: string }> {
  const { status, stdout } = await run(dir, tempDir('driftcheck-parse-nocache-'), ['--no-cache']);
  return { status, stdout };
}

const parsedTotal = (counts: Counts): number => MEMO_KINDS.reduce((n, kind) => n + counts[kind].parsed, 0);
const reusedTotal = (counts: Counts): number => MEMO_KINDS.reduce((n, kind) => n + counts[kind].reused, 0);

const EDITS: readonly { name: string; kind: MemoKind | null; edit: (dir: string) => void }[] = [
  { name: 'a Python file', kind: 'python', edit: (dir) => appendFileSync(join(dir, 'backend/app/api/health.py'), '\nimport chromadb\n') },
  { name: 'a requirements file', kind: 'requirements', edit: (dir) => appendFileSync(join(dir, 'backend/requirements.txt'), 'aio-pika==9.4.1\n') },
  { name: 'a Dockerfile', kind: 'dockerfile', edit: (dir) => appendFileSync(join(dir, 'docker/backend/Dockerfile'), 'COPY agents/ ./agents/\n') },
  {
    name: 'a compose file',
    kind: 'compose',
    edit: (dir) => {
      const path = join(dir, 'docker-compose.yml');
      writeFileSync(path, readFileSync(path, 'utf8').replace(' --reload', ''));
    },
  },
  { name: 'a deleted file', kind: null, edit: (dir) => rmSync(join(dir, 'backend/app/api/vectors.py')) },
  { name: 'a renamed file', kind: null, edit: (dir) => renameSync(join(dir, 'backend/app/api/mesh.py'), join(dir, 'backend/app/api/messaging.py')) },
];

describe('after one file changed, only that file is parsed and the report is a --no-cache run\'s', () => {
  for (const { name, kind, edit } of EDITS) {
    it(name, async () => {
      const { dir, cache } = copy('sutazai');
      const first = await run(dir, cache);
      expect(reusedTotal(first.counts)).toBe(0);
      expect(parsedTotal(first.counts)).toBeGreaterThan(10);
      edit(dir);
      const second = await run(dir, cache);
      expect(second.stdout, 'the edit changes the report').not.toEqual(first.stdout);
      expect({ status: second.status, stdout: second.stdout }).toEqual(await fresh(dir));
      for (const k of MEMO_KINDS) {
        // The edited file is the one parsed; a deleted or renamed one (same text) parses nothing.
        expect(second.counts[k].parsed, k).toBe(k === kind ? 1 : 0);
        expect(second.counts[k].reused, k).toBe(first.counts[k].parsed - (k === kind || (kind === null && name.includes('deleted') && k === 'python') ? 1 : 0));
      }
      // The tree was copied moments ago: no stat is old enough to stand for a file (a write within
      // RACY_MS could keep it), so every file was read.
      expect(second.unread).toBe(0);
      // And the pack now holds the edited tree: a third run parses nothing.
      const third = await run(dir, cache, ['--select', 'DEP001']);
      expect(parsedTotal(third.counts)).toBe(0);
    });
  }
});

describe('a Python file whose stat is unchanged since the last run is not read (issue #18)', () => {
  it('a damaged or forged record is not used: the file is read', { timeout: 30_000 }, async () => {
    const { dir, cache } = copy('sutazai');
    await new Promise((resolve) => setTimeout(resolve, 2300));
    const first = await run(dir, cache);
    const pack = packOf(cache);
    const lines = readFileSync(pack, 'utf8').split('\n');
    const records = lines.filter((line) => line.startsWith('file\t'));
    expect(records.length, readFileSync(pack, 'utf8').slice(0, 2000)).toBe(first.counts.python.parsed);
    // One record's check broken, the others' stamps changed with their checks recomputed.
    writeFileSync(pack, lines.map((line, i) => {
      if (!line.startsWith('file\t')) return line;
      const [kind, path, check, json] = line.split('\t') as [string, string, string, string];
      if (i === lines.indexOf(records[0] ?? '')) return [kind, path, `0${check.slice(1)}`, json].join('\t');
      const forged = JSON.stringify([`0${(JSON.parse(json) as string[])[0] ?? ''}`, ...(JSON.parse(json) as unknown[]).slice(1)]);
      return [kind, path, createHash('sha256').update(`${kind}\t${path}`).update('\t').update(forged).digest('hex').slice(0, 32), forged].join('\t');
    }).join('\n'));
    appendFileSync(join(dir, 'backend/app/api/health.py'), '\nimport chromadb\n');
    const second = await run(dir, cache);
    expect(second.unread, JSON.stringify(second.counts)).toBe(0);
    expect(second.counts.python.parsed, JSON.stringify(second.counts)).toBe(1);
    expect({ status: second.status, stdout: second.stdout }).toEqual(await fresh(dir));
  });

  it('after one edit, the other Python files are taken by their stat, and the report is a --no-cache run\'s', { timeout: 30_000 }, async () => {
    const { dir, cache } = copy('sutazai');
    // Stats are trusted only once older than RACY_MS (2 s) at the start of a run.
    await new Promise((resolve) => setTimeout(resolve, 2300));
    const first = await run(dir, cache);
    expect(first.unread).toBe(0);
    appendFileSync(join(dir, 'backend/app/api/health.py'), '\nimport chromadb\n');
    const second = await run(dir, cache);
    // Every Python file but the edited one: their models come from the pack, their texts are read
    // only where a finding needs a position (the report has findings in such files).
    expect(second.counts.python.parsed).toBe(1);
    expect(second.unread).toBe(first.counts.python.parsed - 1);
    expect(second.unread).toBeGreaterThan(10);
    const expected = await fresh(dir);
    expect({ status: second.status, stdout: second.stdout }).toEqual(expected);
    const report = JSON.parse(second.stdout) as { findings: { file: string; line: number }[] };
    expect(report.findings.filter((f) => f.file.endsWith('.py') && f.file !== 'backend/app/api/health.py' && f.line > 1).length).toBeGreaterThan(0);
    // Options with no stored report (so no check walked the tree first): the stats are taken by
    // discovery itself, with the same outcome. The edit above is too fresh to be recorded.
    const third = await run(dir, cache, ['--select', 'DEP001,MOD001']);
    expect(third.counts.python.parsed).toBe(0);
    expect(third.unread).toBe(first.counts.python.parsed - 1);
    const selectedFresh = await run(dir, tempDir('driftcheck-parse-nocache-'), ['--no-cache', '--select', 'DEP001,MOD001']);
    expect({ status: third.status, stdout: third.stdout }).toEqual({ status: selectedFresh.status, stdout: selectedFresh.stdout });
  });
});

/** The one pack of a cache folder. */
function packOf(cache: string): string {
  const names = readdirSync(join(cache, 'parsed')).filter((n) => n.endsWith('.jsonl'));
  expect(names).toHaveLength(1);
  return join(cache, 'parsed', names[0] ?? '');
}

describe('a damaged pack is ignored, never trusted', () => {
  const damages: readonly { name: string; damage: (pack: string) => void; parsedAtLeast: number }[] = [
    { name: 'cut short', damage: (pack) => writeFileSync(pack, readFileSync(pack).subarray(0, Math.floor(statSync(pack).size / 2))), parsedAtLeast: 1 },
    { name: 'emptied', damage: (pack) => writeFileSync(pack, ''), parsedAtLeast: 10 },
    { name: 'garbage', damage: (pack) => writeFileSync(pack, 'not a pack\n\u0000\u0001{{{'), parsedAtLeast: 10 },
    {
      name: 'a model altered (its check fails)',
      // (A Python model's imports are tuples without "line" keys; every Python model has hasMainGuard.)
      damage: (pack) => writeFileSync(pack, readFileSync(pack, 'utf8').replace(/"line":(\d+)/g, (_, n: string) => `"line":${Number(n) + 1}`).replace(/"hasMainGuard":false/g, '"hasMainGuard":true')),
      parsedAtLeast: 10,
    },
    {
      name: 'a model of the wrong shape with a valid check',
      damage: (pack) => {
        const lines = readFileSync(pack, 'utf8').split('\n').map((line) => {
          const [kind, digest, , json] = line.split('\t');
          if (kind === undefined || digest === undefined || json === undefined) return line;
          const bad = JSON.stringify({ ...(JSON.parse(json) as object), imports: 'not a list', stages: 7, requirements: null, services: {} });
          const check = createHash('sha256').update(`${kind}\t${digest}`).update('\t').update(bad).digest('hex').slice(0, 32);
          return [kind, digest, check, bad].join('\t');
        });
        writeFileSync(pack, lines.join('\n'));
      },
      parsedAtLeast: 10,
    },
  ];
  for (const { name, damage, parsedAtLeast } of damages) {
    it(name, async () => {
      const { dir, cache } = copy('sutazai');
      const first = await run(dir, cache);
      // Without damage the next run would reuse every model (checked by the tests above).
      damage(packOf(cache));
      appendFileSync(join(dir, 'backend/app/api/health.py'), '\n'); // a result-cache miss
      const second = await run(dir, cache);
      expect(parsedTotal(second.counts)).toBeGreaterThanOrEqual(parsedAtLeast);
      expect({ status: second.status, stdout: second.stdout }).toEqual(await fresh(dir));
      expect(second.stdout.length).toBeGreaterThan(0);
      expect(first.status).toBe(second.status);
    });
  }

  it('--no-cache reads no pack, and refreshes it', async () => {
    const { dir, cache } = copy('sutazai');
    await run(dir, cache);
    const again = await run(dir, cache, ['--no-cache']);
    expect(reusedTotal(again.counts)).toBe(0);
    appendFileSync(join(dir, 'backend/app/api/health.py'), '\n');
    const after = await run(dir, cache);
    expect(after.counts.python.parsed).toBe(1);
  });
});

describe('every model the parsers give passes its own shape check (else the cache would never answer)', () => {
  const roots = [
    ...readdirSync(join(REPO_ROOT, 'fixtures/projects')).map((name) => join(REPO_ROOT, 'fixtures/projects', name)),
    ...readdirSync(join(REPO_ROOT, 'fixtures/rules')).flatMap((rule) => readdirSync(join(REPO_ROOT, 'fixtures/rules', rule)).map((c) => join(REPO_ROOT, 'fixtures/rules', rule, c))),
  ];
  it(`${roots.length} fixture trees`, () => {
    const seen: Record<string, number> = {};
    for (const root of roots) {
      if (!statSync(root).isDirectory()) continue;
      for (const file of discover(root).files) {
        const kind = file.kind as MemoKind;
        if (!MEMO_KINDS.includes(kind)) continue;
        const model: unknown = JSON.parse(JSON.stringify(PARSERS[kind](file.text)));
        expect(SHAPES[kind](model), `${root}/${file.path}`).toBe(true);
        seen[kind] = (seen[kind] ?? 0) + 1;
      }
    }
    for (const kind of MEMO_KINDS) expect(seen[kind] ?? 0, kind).toBeGreaterThan(5);
  });
});

describe('Python models are stored packed (issue #18: memory and read time of the pack)', () => {
  it('a packed model comes back equal to the scanned one, field order and shared names included', () => {
    let imports = 0;
    for (const fixture of readdirSync(join(REPO_ROOT, 'fixtures/projects'))) {
      for (const file of discover(join(REPO_ROOT, 'fixtures/projects', fixture)).files) {
        if (file.kind !== 'python') continue;
        const model = PARSERS.python(file.text);
        const back = unpackPython(JSON.parse(JSON.stringify(packPython(model))) as ReturnType<typeof packPython>);
        expect(back, file.path).toEqual(model);
        expect(JSON.stringify(back)).toBe(JSON.stringify(model));
        back.imports.forEach((imp, i) => expect(imp.module === model.imports[i]?.module).toBe(true));
        imports += model.imports.length;
      }
    }
    expect(imports).toBeGreaterThan(50);
    // An import whose handler raises or only reports keeps its `guard`, in the same place.
    const text = 'try:\n    import yaml\nexcept ImportError:\n    raise SystemExit("pip install pyyaml")\ntry:\n    import toml\nexcept ImportError:\n    print("no toml")\n';
    const model = PARSERS.python(text);
    expect(model.imports.map((imp) => imp.guard?.handling)).toEqual(['raises', 'reports']);
    const back = unpackPython(JSON.parse(JSON.stringify(packPython(model))) as ReturnType<typeof packPython>);
    expect(JSON.stringify(back)).toBe(JSON.stringify(model));
  });

  it("the pack's Python lines are under half the models' JSON", async () => {
    const { dir, cache } = copy('sutazai');
    await run(dir, cache);
    let stored = 0;
    let json = 0;
    const models = new Map<string, PythonFileModel>();
    for (const file of discover(dir).files) if (file.kind === 'python') models.set(createHash('sha256').update(file.text).digest('hex'), PARSERS.python(file.text));
    for (const line of readFileSync(packOf(cache), 'utf8').split('\n')) {
      const [kind, digest, , payload] = line.split('\t');
      if (kind !== 'python' || digest === undefined || payload === undefined) continue;
      const model = models.get(digest);
      if (!model || model.imports.length === 0) continue;
      stored += payload.length;
      json += JSON.stringify(model).length;
    }
    expect(json).toBeGreaterThan(1000);
    expect(stored).toBeLessThan(json / 2);
  });
});

describe('a text read again must be the text scanned (issue #18: texts are not held after the scan)', () => {
  it('is read again, checked, when needed; changed since the scan, it is a one-line error naming the file', () => {
    const dir = tempDir('driftcheck-reread-');
    const path = join(dir, 'app.py');
    writeFileSync(path, '\ufeffimport os\r\nimport chromadb\r\n');
    const memo = openParseCache(tempDir('driftcheck-reread-cache-'), dir, true);
    const outcome = scanJob({ abs: path, rel: 'app.py', kind: 'python', isLink: false }, realpathSync(dir), DEFAULT_DISCOVER_OPTIONS, memo);
    expect(outcome.model?.imports.map((i) => i.module)).toEqual(['os', 'chromadb']);
    expect(outcome.file).toMatchObject({ bom: true, eol: '\r\n', encoding: 'utf8' });
    expect(outcome.file?.lines.position(11)).toEqual({ line: 2, column: 1 });
    expect(outcome.file?.text).toBe('import os\r\nimport chromadb\r\n');
    // Changed after the scan, before anything needed the text:
    const again = scanJob({ abs: path, rel: 'app.py', kind: 'python', isLink: false }, realpathSync(dir), DEFAULT_DISCOVER_OPTIONS, memo);
    writeFileSync(path, 'import os\nimport chromadb  # now another text\n');
    expect(() => again.file?.text).toThrow(FileChangedError);
    expect(() => again.file?.text).toThrow(/^app\.py: changed on disk during the audit; run driftcheck again$/);
    rmSync(path);
    expect(() => again.file?.lines.position(3)).toThrow(FileChangedError);
  });

  it('reads again what the first read decoded: Latin-1, UTF-16 with its BOM, a link inside the root', () => {
    const dir = tempDir('driftcheck-reread-');
    const memo = openParseCache(tempDir('driftcheck-reread-cache-'), dir, true);
    const cases: { name: string; bytes: Buffer; text: string; encoding: string; link?: boolean }[] = [
      { name: 'latin.py', bytes: Buffer.from('# caf\xe9\nimport requests\n', 'latin1'), text: '# caf\u00e9\nimport requests\n', encoding: 'latin1' },
      { name: 'wide.py', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('import requests\r\n', 'utf16le')]), text: 'import requests\r\n', encoding: 'utf16le' },
      { name: 'linked.py', bytes: Buffer.from('import requests\n'), text: 'import requests\n', encoding: 'utf8', link: true },
    ];
    for (const c of cases) {
      const target = join(dir, c.link ? 'real.py' : c.name);
      writeFileSync(target, c.bytes);
      if (c.link) symlinkSync('real.py', join(dir, c.name));
      const outcome = scanJob({ abs: join(dir, c.name), rel: c.name, kind: 'python', isLink: c.link === true }, realpathSync(dir), DEFAULT_DISCOVER_OPTIONS, memo);
      expect(outcome.model?.imports.map((i) => i.module), c.name).toEqual(['requests']);
      expect(outcome.file?.encoding, c.name).toBe(c.encoding);
      expect(outcome.file?.text, c.name).toBe(c.text);
      if (c.link) expect(outcome.file?.target).toBe('real.py');
    }
  });
});
