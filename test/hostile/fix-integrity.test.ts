// `--fix` changes only the bytes it edits and keeps what it replaces (issue #22): a Latin-1 byte
// stays that byte (in the file and in the --diff), UTF-16 files are skipped with one line, CR-only
// files get CR line ends, several files are written all or nothing, the owner and group are kept,
// a hard-linked file is left alone and a symlinked one is fixed (and patched) through its target.
import { spawnSync } from 'node:child_process';
import { chownSync, cpSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WriteError, writeFixes } from '../../src/fix/write.js';
import { makeSourceFile } from '../../src/source.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { runCliInProcess } from '../helpers/in-process.js';

const FIXTURE = join(REPO_ROOT, 'fixtures/rules/missing-dependency/flags-yaml-import-name');
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftcheck-integrity-'));
  temps.push(dir);
  cpSync(FIXTURE, dir, { recursive: true });
  rmSync(join(dir, 'expected.patch'));
  rmSync(join(dir, 'expected.txt'));
  return dir;
}

function git(dir: string, ...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

describe('--fix is byte-exact outside its edits', () => {
  const latin1 = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from(' pinned by hand\nfastapi==0.115.6\nuvicorn==0.32.1\n')]);

  it('keeps a Latin-1 byte in a comment when it appends a line', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'requirements.txt'), latin1);
    const r = await runCliInProcess([dir, '--fix']);
    expect(r.stderr).not.toMatch(/driftcheck:/);
    expect(readFileSync(join(dir, 'requirements.txt'))).toEqual(Buffer.concat([latin1, Buffer.from('PyYAML==6.0.2\n')]));
  });

  it('keeps a UTF-8 BOM before Latin-1 bytes, and reads the first line as a requirement', async () => {
    const dir = copy();
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('fastapi==0.115.6\n# caf'), Buffer.from([0xe9]), Buffer.from('\nuvicorn==0.32.1\n')]);
    writeFileSync(join(dir, 'requirements.txt'), withBom);
    const report = JSON.parse((await runCliInProcess([dir, '--format', 'json'])).stdout) as { findings: { file: string; ruleId: string; message: string }[] };
    expect(report.findings.filter((f) => f.file === 'requirements.txt').map((f) => `${f.ruleId} ${f.message}`)).toEqual([]);
    const r = await runCliInProcess([dir, '--fix']);
    expect(r.stderr).not.toMatch(/driftcheck:/);
    expect(readFileSync(join(dir, 'requirements.txt'))).toEqual(Buffer.concat([withBom, Buffer.from('PyYAML==6.0.2\n')]));
  });

  it('prints a --diff for a Latin-1 file that git apply and patch -p1 accept', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'requirements.txt'), latin1);
    const r = await runCliInProcess([dir, '--diff']);
    expect(r.status).toBe(0); // a patch was printed
    writeFileSync(join(dir, '..', `${dir.split('/').pop()}.patch`), r.stdoutBytes);
    const patchFile = join(dir, '..', `${dir.split('/').pop()}.patch`);
    temps.push(patchFile);
    expect(git(dir, 'init', '-q').status).toBe(0);
    const check = git(dir, 'apply', '--check', patchFile);
    expect(check.stderr).toBe('');
    expect(spawnSync('patch', ['-p1', '--dry-run', '-i', patchFile], { cwd: dir, encoding: 'utf8' }).status).toBe(0);
    expect(git(dir, 'apply', patchFile).status).toBe(0);
    expect(readFileSync(join(dir, 'requirements.txt'))).toEqual(Buffer.concat([latin1, Buffer.from('PyYAML==6.0.2\n')]));
  });

  it('skips a UTF-16 file with one line, no false "changed on disk"', async () => {
    const dir = copy();
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('fastapi==0.115.6\nuvicorn==0.32.1\n', 'utf16le')]);
    writeFileSync(join(dir, 'requirements.txt'), utf16);
    const r = await runCliInProcess([dir, '--fix']);
    expect(r.status).not.toBe(2);
    expect(r.stderr).toContain('warning: requirements.txt: UTF-16 file; fixes not applied (save it as UTF-8 to fix it)\n');
    expect(r.stderr).not.toMatch(/changed on disk/);
    expect(readFileSync(join(dir, 'requirements.txt'))).toEqual(utf16);
  });

  it('ends inserted lines with CR in a CR-only file', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'requirements.txt'), 'fastapi==0.115.6\ruvicorn==0.32.1\r');
    const patchFile = join(dir, '..', `${dir.split('/').pop()}.patch`);
    temps.push(patchFile);
    writeFileSync(patchFile, (await runCliInProcess([dir, '--diff'])).stdoutBytes);
    expect(git(dir, 'init', '-q').status).toBe(0);
    expect(git(dir, 'apply', '--check', patchFile).stderr).toBe('');
    await runCliInProcess([dir, '--fix']);
    expect(readFileSync(join(dir, 'requirements.txt'), 'latin1')).toBe('fastapi==0.115.6\ruvicorn==0.32.1\rPyYAML==6.0.2\r');
  });
});

describe('--fix over several files is all or nothing', () => {
  it('writes no file when any changed on disk, and names it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftcheck-integrity-'));
    temps.push(dir);
    writeFileSync(join(dir, 'a.txt'), 'a==1\n');
    writeFileSync(join(dir, 'b.txt'), 'b==1\n');
    const a = makeSourceFile('a.txt', 'requirements', 'a==1\n');
    const b = makeSourceFile('b.txt', 'requirements', 'b==1\n');
    writeFileSync(join(dir, 'b.txt'), 'b==1\nedited==1\n');
    let error: unknown;
    try {
      writeFixes(dir, [
        { original: a, text: 'a==1\nx==1\n' },
        { original: b, text: 'b==1\nx==1\n' },
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WriteError);
    expect((error as Error).message).toBe('b.txt: changed on disk since it was audited; no file written; run driftcheck again');
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('a==1\n');
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('b==1\nedited==1\n');
  });
});

describe('--fix keeps what it replaces', () => {
  it.skipIf(process.getuid?.() !== 0)('keeps the owner and group (as root)', async () => {
    const dir = copy();
    chownSync(join(dir, 'requirements.txt'), 1234, 2345);
    await runCliInProcess([dir, '--fix']);
    const stat = statSync(join(dir, 'requirements.txt'));
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).toContain('PyYAML==6.0.2');
    expect([stat.uid, stat.gid]).toEqual([1234, 2345]);
  });

  it('leaves a hard-linked file alone, in one line', async () => {
    const dir = copy();
    const old = readFileSync(join(dir, 'requirements.txt'), 'utf8');
    const other = join(dir, '..', `${dir.split('/').pop()}-link.txt`);
    temps.push(other);
    linkSync(join(dir, 'requirements.txt'), other);
    const r = await runCliInProcess([dir, '--fix']);
    expect(r.stderr).toContain('note: requirements.txt: has 2 hard links; not rewritten (apply the --diff by hand)\n');
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).toBe(old);
    expect(statSync(join(dir, 'requirements.txt')).ino).toBe(statSync(other).ino);
  });

  function linked(): string {
    const dir = copy();
    mkdirSync(join(dir, 'deps'));
    renameSync(join(dir, 'requirements.txt'), join(dir, 'deps/requirements.txt'));
    symlinkSync('deps/requirements.txt', join(dir, 'requirements.txt'));
    return dir;
  }

  it('a symlinked requirements file: --fix says it writes the target', async () => {
    const dir = linked();
    const r = await runCliInProcess([dir, '--fix']);
    expect(r.stderr).toContain('note: requirements.txt: symbolic link; writing its target deps/requirements.txt\n');
    expect(lstatSync(join(dir, 'requirements.txt')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'deps/requirements.txt'), 'utf8')).toContain('PyYAML==6.0.2\n');
  });

  it('a symlinked requirements file: the --diff names the real file and applies', async () => {
    const dir = linked();
    const r = await runCliInProcess([dir, '--diff']);
    expect(r.stdout).toContain('--- a/deps/requirements.txt\n+++ b/deps/requirements.txt\n');
    const patchFile = join(dir, '..', `${dir.split('/').pop()}.patch`);
    temps.push(patchFile);
    writeFileSync(patchFile, r.stdoutBytes);
    expect(git(dir, 'init', '-q').status).toBe(0);
    expect(git(dir, 'apply', '--check', patchFile).stderr).toBe('');
    expect(spawnSync('patch', ['-p1', '--dry-run', '-i', patchFile], { cwd: dir, encoding: 'utf8' }).status).toBe(0);
  });

  it('a symlinked requirements file: --fix writes the target once and keeps the link', async () => {
    const dir = linked();
    // A second service installs the same file by its real path: two findings, one file.
    writeFileSync(join(dir, 'Dockerfile.worker'), readFileSync(join(dir, 'Dockerfile'), 'utf8').replaceAll('requirements.txt', 'deps/requirements.txt'));
    writeFileSync(join(dir, 'docker-compose.yml'), 'services:\n  api:\n    build: .\n  worker:\n    build:\n      context: .\n      dockerfile: Dockerfile.worker\n');
    const r = await runCliInProcess([dir, '--fix']);
    expect(r.stderr).not.toMatch(/changed on disk|driftcheck:/);
    expect(r.stderr).toContain('fixed 2 findings in 1 file\n');
    expect(lstatSync(join(dir, 'requirements.txt')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'deps/requirements.txt'), 'utf8')).toBe('fastapi==0.115.6\nuvicorn==0.32.1\nPyYAML==6.0.2\n');
  });
});
