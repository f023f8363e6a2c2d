// `--fix` and what happens during its write (issue #22): an edit made while the temp file is
// written is kept (the file is compared again just before the rename), and a rename that fails
// midway names what was and was not written. node:fs is wrapped to act at those moments.
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { WriteError, writeFixes } from '../../src/fix/write.js';
import { makeSourceFile } from '../../src/source.js';

const hooks: { onFsync: (() => void) | null; renameFails: ((to: string) => boolean) | null } = { onFsync: null, renameFails: null };

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  return {
    ...real,
    fsyncSync: (fd: number) => {
      real.fsyncSync(fd);
      hooks.onFsync?.();
    },
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      if (hooks.renameFails?.(String(to))) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      real.renameSync(from, to);
    },
  };
});

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  hooks.onFsync = null;
  hooks.renameFails = null;
});

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftcheck-race-'));
  temps.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function thrown(run: () => void): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('--fix during its write', () => {
  it('keeps an edit made after the first check, before the rename', () => {
    const dir = repo({ 'requirements.txt': 'a==1\n' });
    const file = makeSourceFile('requirements.txt', 'requirements', 'a==1\n');
    hooks.onFsync = () => writeFileSync(join(dir, 'requirements.txt'), 'a==1\nedited-meanwhile==1\n');
    const error = thrown(() => writeFixes(dir, [{ original: file, text: 'a==1\nb==2\n' }]));
    expect(error).toBeInstanceOf(WriteError);
    expect(error.message).toBe('requirements.txt: changed on disk while it was being written; not written');
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).toBe('a==1\nedited-meanwhile==1\n');
    expect(fs.readdirSync(dir)).toEqual(['requirements.txt']);
  });

  it('a rename failing midway names what was and was not written', () => {
    const dir = repo({ 'a.txt': 'a==1\n', 'b.txt': 'b==1\n', 'c.txt': 'c==1\n' });
    const change = (name: string) => ({ original: makeSourceFile(name, 'requirements', `${name[0]}==1\n`), text: `${name[0]}==1\nx==1\n` });
    hooks.renameFails = (to) => to.endsWith('b.txt');
    const error = thrown(() => writeFixes(dir, [change('a.txt'), change('b.txt'), change('c.txt')]));
    expect(error).toBeInstanceOf(WriteError);
    expect(error.message).toBe('b.txt: cannot write: EIO; the file is unchanged; written: a.txt; not written: b.txt, c.txt');
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('a==1\nx==1\n');
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('b==1\n');
    expect(readFileSync(join(dir, 'c.txt'), 'utf8')).toBe('c==1\n');
  });
});
