// The adversarial corpus (issue #9): every hostile input is audited by the CLI; each yields a
// finding or a warning naming its path (or is cleanly ignored), the exit code is 0 or 1 (never 2,
// never a stack trace), nothing hangs, and the rest of the repository is still reported: each
// case has an app.py with a normal missing import that must still be found. Most audits run in
// process; a real process (with a hang timeout) where a regression could hang or overflow the
// stack (FIFO, deep trees and nesting), run as another user, or where exit and EPIPE are the point.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from '../helpers/cli.js';
import { runCliInProcess } from '../helpers/in-process.js';

interface Report {
  findings: { ruleId: string; file: string; line: number; message: string }[];
  warnings: { file: string; message: string }[];
}

const CORPUS = join(REPO_ROOT, 'fixtures/adversarial');
const temps: string[] = [];
afterAll(() => {
  // `rm -rf` copes with trees deeper than PATH_MAX, which fs.rmSync does not.
  for (const dir of temps) spawnSync('rm', ['-rf', dir]);
});

function tempRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftcheck-adv-'));
  temps.push(dir);
  writeFileSync(join(dir, 'app.py'), 'import totally_missing_pkg_xyz\n');
  return dir;
}

/**
 * Runs the CLI (in process; with `spawn` or a uid/gid, the built CLI as a process with a hang
 * timeout); returns the parsed JSON report.
 */
async function audit(dir: string, extra: readonly string[] = [], options: { uid?: number; gid?: number; spawn?: true } = {}): Promise<{ status: number; stderr: string; report: Report }> {
  if (options.spawn === undefined && options.uid === undefined) {
    const r = await runCliInProcess([dir, '--format', 'json', ...extra]);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at .*:\d+:\d+/);
    expect([0, 1], r.stderr).toContain(r.status);
    return { status: r.status, stderr: r.stderr, report: JSON.parse(r.stdout) as Report };
  }
  const { spawn: _, ...ids } = options;
  const r = spawnSync(process.execPath, [CLI, dir, '--format', 'json', ...extra], {
    encoding: 'utf8', timeout: 60_000, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' }, ...ids,
  });
  expect(r.error, 'the CLI did not finish within 60 s (hang?)').toBeUndefined();
  expect(r.stderr).not.toMatch(/internal error|\n\s+at .*:\d+:\d+/);
  expect([0, 1], r.stderr).toContain(r.status);
  return { status: r.status ?? -1, stderr: r.stderr, report: JSON.parse(r.stdout) as Report };
}

function expectStillAudited(report: Report): void {
  expect(report.findings.some((f) => f.ruleId === 'DEP001' && f.file === 'app.py' && f.message.includes('totally_missing_pkg_xyz'))).toBe(true);
}

const cases = readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

describe('adversarial corpus (fixtures/adversarial)', () => {
  it.each(cases)('%s', async (name) => {
    const dir = mkdtempSync(join(tmpdir(), 'driftcheck-adv-'));
    temps.push(dir);
    cpSync(join(CORPUS, name), dir, { recursive: true });
    const { status, report } = await audit(dir);
    for (const line of readFileSync(join(CORPUS, name, 'expected.txt'), 'utf8').split('\n').filter(Boolean)) {
      const [kind, a = '', b = '', c = ''] = line.split('|');
      const why = `${name}: ${line}\n${JSON.stringify(report, null, 1).slice(0, 4000)}`;
      if (kind === 'exit') expect(status, why).toBe(Number(a));
      else if (kind === 'warning') expect(report.warnings.some((w) => w.file === a && w.message.includes(b)), why).toBe(true);
      else if (kind === 'no-warning') expect(report.warnings.some((w) => w.file === a), why).toBe(false);
      else if (kind === 'finding') expect(report.findings.some((f) => f.ruleId === a && f.file === b && f.message.includes(c)), why).toBe(true);
      else if (kind === 'no-finding') expect(report.findings.some((f) => f.ruleId === a && (b === '' || f.file === b)), why).toBe(false);
      else throw new Error(`${name}/expected.txt: unknown line ${line}`);
    }
    expectStillAudited(report);
    // The other outputs survive the same input too.
    for (const args of [['--diff']]) {
      const r = await runCliInProcess([dir, ...args]);
      expect(r.stderr).not.toMatch(/internal error/);
      expect([0, 1]).toContain(r.status);
    }
  });
});

describe('adversarial inputs generated at test time', () => {
  it('a symlink loop and a self-referencing symlink are skipped', async () => {
    const dir = tempRepo();
    mkdirSync(join(dir, 'a'));
    symlinkSync('../a', join(dir, 'a', 'loop'));
    symlinkSync('requirements.txt', join(dir, 'requirements.txt'));
    const { report } = await audit(dir);
    expect(report.warnings.some((w) => w.file === 'requirements.txt')).toBe(true);
    expectStillAudited(report);
  });

  it('a symlink pointing outside the root is not read', async () => {
    const dir = tempRepo();
    const outside = mkdtempSync(join(tmpdir(), 'driftcheck-outside-'));
    temps.push(outside);
    writeFileSync(join(outside, 'secret.txt'), 'totally-missing-pkg-xyz==1.0\n');
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'requirements.txt'));
    symlinkSync(outside, join(dir, 'linked-dir'));
    const { report } = await audit(dir);
    expect(report.warnings).toContainEqual({ file: 'requirements.txt', message: 'symbolic link points outside the audited root; not read' });
    expectStillAudited(report);
  });

  it('a FIFO named requirements.txt is not opened (reading it would block forever)', async () => {
    const dir = tempRepo();
    const made = spawnSync('mkfifo', [join(dir, 'requirements.txt')]);
    if (made.status !== 0) return; // no mkfifo: nothing to test
    symlinkSync('requirements.txt', join(dir, 'requirements-link.txt'));
    expectStillAudited((await audit(dir, [], { spawn: true })).report);
  });

  it('an unreadable file gives a warning naming it', async (ctx) => {
    const dir = tempRepo();
    writeFileSync(join(dir, 'requirements.txt'), 'flask==3.0.3\n');
    chmodSync(join(dir, 'requirements.txt'), 0o000);
    // As root, mode 000 is still readable: run the CLI as an unprivileged user instead.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    chmodSync(dir, 0o755);
    const probe = spawnSync(process.execPath, ['-e', `require('fs').readFileSync(${JSON.stringify(CLI)})`], asNobody);
    if (probe.status !== 0) ctx.skip('the unprivileged user cannot read the built CLI in this checkout');
    const { report } = await audit(dir, [], asNobody);
    expect(report.warnings).toContainEqual({ file: 'requirements.txt', message: 'cannot read file: EACCES' });
    expectStillAudited(report);
  });

  it('a 50 MB single-line requirements file is skipped with a size warning, and --max-file-size raises or lowers the limit', async () => {
    const dir = tempRepo();
    writeFileSync(join(dir, 'requirements.txt'), Buffer.alloc(50 * 1024 * 1024, 'a'));
    const { report } = await audit(dir);
    expect(report.warnings.find((w) => w.file === 'requirements.txt')?.message).toMatch(/over the 8388608-byte limit/);
    expectStillAudited(report);
    const small = (await audit(dir, ['--max-file-size', '10'])).report;
    expect(small.warnings.find((w) => w.file === 'app.py')?.message).toMatch(/over the 10-byte limit/);
  });

  it('--max-files stops the walk with a warning', async () => {
    const dir = tempRepo();
    for (const n of ['b', 'c', 'd']) writeFileSync(join(dir, `${n}.py`), 'import os\n');
    const { report } = await audit(dir, ['--max-files', '2']);
    expect(report.warnings).toContainEqual({ file: 'c.py', message: 'file limit of 2 reached; the rest of the tree is not audited' });
    expectStillAudited(report);
    const bad = await runCliInProcess([dir, '--max-files', 'lots']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('driftcheck: --max-files expects a positive whole number, got "lots"\n');
  });

  it('10,000 nested directories: no stack overflow, a warning where paths get too long', async () => {
    const dir = tempRepo();
    // Built with relative mkdir/chdir: the absolute path is far longer than PATH_MAX.
    const script = "const fs = require('fs'); for (let i = 0; i < 10000; i++) { fs.mkdirSync('d'); process.chdir('d'); } fs.writeFileSync('deep.py', 'import os\\n');";
    const made = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const { report } = await audit(dir, [], { spawn: true });
    expect(report.warnings.some((w) => w.file.startsWith('d/d/d/') && /ENAMETOOLONG|too deep/.test(w.message))).toBe(true);
    expectStillAudited(report);
  }, 120_000);

  it('YAML nested 25,000 levels (flow) and 1,500 levels (block) deep in compose files: a PARSE finding, no stack overflow', async () => {
    const dir = tempRepo();
    writeFileSync(join(dir, 'docker-compose.yml'), `x: ${'['.repeat(25_000)}${']'.repeat(25_000)}\n`);
    writeFileSync(join(dir, 'compose.dev.yml'), Array.from({ length: 1_500 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')); // 1.1 MB
    const { report } = await audit(dir, [], { spawn: true });
    for (const file of ['docker-compose.yml', 'compose.dev.yml']) {
      expect(report.findings.some((f) => f.ruleId === 'PARSE' && f.file === file && f.message.includes('nested deeper than 128 levels'))).toBe(true);
    }
    expectStillAudited(report);
  });

  it('a config nested 25,000 levels deep exits 2 naming the file and line', () => {
    const dir = tempRepo();
    writeFileSync(join(dir, '.driftcheck.yaml'), `rules:\n  x: ${'{a: '.repeat(25_000)}1${'}'.repeat(25_000)}\n`);
    const r = spawnSync(process.execPath, [CLI, dir], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('driftcheck: .driftcheck.yaml:2: invalid YAML: nested deeper than 128 levels\n');
  });

  it('a -r chain of 200 files stops with a warning at depth 32; a 30-level diamond of includes is read once per file', async () => {
    const dir = tempRepo();
    for (let i = 0; i < 200; i++) writeFileSync(join(dir, `chain${i}.txt`), `pkg${i}==1.0\n${i < 199 ? `-r chain${i + 1}.txt\n` : ''}`);
    // Each file includes the next twice: followed naively, the last is read 2^30 times.
    for (let i = 0; i < 30; i++) writeFileSync(join(dir, `diamond${i}.txt`), `dia${i}==1.0\n${i < 29 ? `-r diamond${i + 1}.txt\n-r diamond${i + 1}.txt\n` : ''}`);
    writeFileSync(join(dir, 'Dockerfile'), 'FROM python:3.12-slim\nCOPY . /app\nWORKDIR /app\nRUN pip install -r chain0.txt -r diamond0.txt\nUSER app\nCMD ["python", "app.py"]\n');
    const { report } = await audit(dir);
    const deep = [...report.findings.map((f) => ({ file: f.file, message: f.message })), ...report.warnings].filter((d) => d.message.includes('nested more than 32 files deep'));
    expect(deep.map((d) => d.file)).toEqual(['chain31.txt']);
    expectStillAudited(report);
  });

  it('an extends chain of 200 services stops with a warning', async () => {
    const dir = tempRepo();
    const services = Array.from({ length: 200 }, (_, i) => (i === 0 ? '  s0:\n    image: python:3.12-slim\n' : `  s${i}:\n    extends: s${i - 1}\n`));
    writeFileSync(join(dir, 'docker-compose.yml'), `services:\n${services.join('')}`);
    const { report } = await audit(dir);
    const messages = [...report.findings.map((f) => f.message), ...report.warnings.map((w) => w.message)];
    expect(messages.some((m) => m.includes('extends chain longer than 32 services'))).toBe(true);
    expectStillAudited(report);
  });

  it('a path with a newline is read and reported as written', async () => {
    const dir = tempRepo();
    mkdirSync(join(dir, 'bad\nname'));
    writeFileSync(join(dir, 'bad\nname', 'requirements.txt'), 'not a requirement ((\n');
    const { report } = await audit(dir);
    expect(report.findings.some((f) => f.ruleId === 'PARSE' && f.file === 'bad\nname/requirements.txt')).toBe(true);
    expectStillAudited(report);
    const text = await runCliInProcess([dir]);
    expect([0, 1]).toContain(text.status);
  });
});

describe('output consumers that stop reading', () => {
  it('a closed stdout pipe (driftcheck | head) ends quietly, without an EPIPE stack trace', () => {
    const dir = tempRepo();
    // Enough findings that the JSON report is far larger than a pipe buffer.
    for (let i = 0; i < 400; i++) writeFileSync(join(dir, `m${i}.py`), `import missing_pkg_${i}\n`);
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" . --format json 2>err.txt | head -c 100 >/dev/null; cat err.txt`], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).not.toMatch(/EPIPE|at .*:\d+:\d+/);
  });
});
