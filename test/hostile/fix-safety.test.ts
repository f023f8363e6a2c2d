// `--fix` never loses data (issue #9): atomic writes that keep mode bits, no writes through a
// symlink leaving the root, no write over a file changed since it was read, a clear one-line error
// (exit 2) when the target cannot be written, and a run killed at any moment leaves the old or the
// new file, never a partial one, and no temp file that a later audit would read.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classify } from '../../src/discover.js';
import { WriteError, writeFixes } from '../../src/fix/write.js';
import { makeSourceFile } from '../../src/source.js';
import { CLI, REPO_ROOT } from '../helpers/cli.js';
import { runCliInProcess } from '../helpers/in-process.js';

const FIXTURE = join(REPO_ROOT, 'fixtures/rules/missing-dependency/flags-yaml-import-name');
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftcheck-fixsafe-'));
  temps.push(dir);
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

const OLD = readFileSync(join(FIXTURE, 'requirements.txt'), 'utf8');

describe('--fix writes safely', () => {
  it('writes atomically and keeps the mode bits', async () => {
    const dir = copy();
    chmodSync(join(dir, 'requirements.txt'), 0o640);
    const r = await runCliInProcess([dir, '--fix']);
    expect([0, 1]).toContain(r.status);
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).toContain('PyYAML==6.0.2');
    expect(statSync(join(dir, 'requirements.txt')).mode & 0o7777).toBe(0o640);
    expect(readdirSync(dir).filter((n) => n.includes('.driftcheck-'))).toEqual([]);
  });

  it('refuses to write through a symlink that leaves the root', async () => {
    const dir = copy();
    const outside = mkdtempSync(join(tmpdir(), 'driftcheck-outside-'));
    temps.push(outside);
    writeFileSync(join(outside, 'real.txt'), OLD);
    rmSync(join(dir, 'requirements.txt'));
    symlinkSync(join(outside, 'real.txt'), join(dir, 'requirements.txt'));
    const file = makeSourceFile('requirements.txt', 'requirements', OLD);
    expect(() => writeFixes(dir, [{ original: file, text: `${OLD}PyYAML==6.0.2\n` }])).toThrow(/refusing to write outside the audited root/);
    expect(readFileSync(join(outside, 'real.txt'), 'utf8')).toBe(OLD);
    // Through the CLI: discovery does not read the escaping link, so nothing is written there.
    const r = await runCliInProcess([dir, '--fix']);
    expect([0, 1, 2]).toContain(r.status);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(readFileSync(join(outside, 'real.txt'), 'utf8')).toBe(OLD);
  });

  it('refuses when the file changed since it was read', async () => {
    const dir = copy();
    const file = makeSourceFile('requirements.txt', 'requirements', OLD);
    appendFileSync(join(dir, 'requirements.txt'), 'edited-meanwhile==1\n');
    let error: unknown;
    try {
      writeFixes(dir, [{ original: file, text: `${OLD}PyYAML==6.0.2\n` }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WriteError);
    expect((error as Error).message).toBe('requirements.txt: changed on disk since it was audited; run driftcheck again');
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).toBe(`${OLD}edited-meanwhile==1\n`);
  });

  it('a directory it cannot write to: one clear line, exit 2, file unchanged', async (ctx) => {
    const dir = copy();
    // As root every mode bit is ignored: run the CLI as an unprivileged user on a root-owned,
    // read-only directory (chmod 555), where creating the temp file fails.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    // In a checkout under a private directory (mktemp -d is 0700) that user cannot load the CLI.
    const probe = spawnSync(process.execPath, ['-e', `require('fs').readFileSync(${JSON.stringify(CLI)})`], asNobody);
    if (probe.status !== 0) ctx.skip('the unprivileged user cannot read the built CLI in this checkout');
    for (const sub of ['', 'app']) chmodSync(join(dir, sub), 0o555);
    const r = spawnSync(process.execPath, [CLI, dir, '--fix'], { encoding: 'utf8', ...asNobody });
    for (const sub of ['', 'app']) chmodSync(join(dir, sub), 0o755);
    if (r.stderr.includes('EACCES') && r.stderr.includes('scandir')) return; // could not even read: nothing to test
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toBe('driftcheck: requirements.txt: cannot write: permission denied (EACCES); the file is unchanged\n');
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).toBe(OLD);
  });

  it('a run killed at any moment leaves the old or the new file, and no temp file is read or kept', async () => {
    // A large target (1 MB of comments) so writing it is not instantaneous.
    const padding = '# padding line to make the write slow enough to interrupt\n'.repeat(17_500);
    const oldText = padding + OLD;
    const probe = copy();
    writeFileSync(join(probe, 'requirements.txt'), oldText);
    const started = Date.now();
    expect([0, 1]).toContain((await runCliInProcess([probe, '--fix'])).status);
    const duration = Date.now() - started;
    const newText = readFileSync(join(probe, 'requirements.txt'), 'utf8');
    expect(newText).not.toBe(oldText);

    const dir = copy();
    const outcomes = { old: 0, new: 0 };
    let leftovers = 0;
    const runs = 16;
    for (let i = 0; i < runs; i++) {
      writeFileSync(join(dir, 'requirements.txt'), oldText);
      const child = spawn(process.execPath, [CLI, dir, '--fix'], { stdio: 'ignore' });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Spread over the whole run: start-up, audit, the write itself and the re-audit.
      const delay = Math.round(duration * (0.2 + 0.9 * ((i * 0.618) % 1)));
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill('SIGKILL');
      await exited;
      const now = readFileSync(join(dir, 'requirements.txt'), 'utf8');
      expect(now === oldText || now === newText, `run ${i}: partial file of ${now.length} chars`).toBe(true);
      outcomes[now === oldText ? 'old' : 'new']++;
      const temp = readdirSync(dir).filter((n) => n.includes('.driftcheck-'));
      leftovers += temp.length;
      for (const name of temp) expect(classify(name)).toBeNull();
    }
    // A later run removes temp files of killed runs and still fixes the file.
    writeFileSync(join(dir, 'requirements.txt'), oldText);
    expect([0, 1]).toContain((await runCliInProcess([dir, '--fix'])).status);
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).toBe(newText);
    expect(readdirSync(dir).filter((n) => n.includes('.driftcheck-'))).toEqual([]);
    console.info(`killed --fix runs: ${outcomes.old} left the old file, ${outcomes.new} the new one; ${leftovers} temp files left behind, cleaned by the next run`);
  }, 120_000);

  it('stale temp files of dead processes are removed; discovery never reads them', async () => {
    const dir = copy();
    writeFileSync(join(dir, '.requirements.txt.driftcheck-999999999.tmp'), 'partial');
    writeFileSync(join(dir, '.Dockerfile.driftcheck-999999999.tmp'), 'partial');
    const audit = JSON.parse((await runCliInProcess([dir, '--format', 'json'])).stdout) as { findings: { file: string }[] };
    expect(audit.findings.some((f) => f.file.includes('.driftcheck-'))).toBe(false);
    expect([0, 1]).toContain((await runCliInProcess([dir, '--fix'])).status);
    expect(readdirSync(dir).filter((n) => n.startsWith('.requirements.txt.driftcheck-'))).toEqual([]);
  });
});
