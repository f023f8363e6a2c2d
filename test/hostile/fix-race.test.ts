// `--fix` and what happens during its write (issue #22): an edit made while the temp file is
// written is kept (the file is compared again just before the rename), and a rename that fails
// midway names what was and was not written. node:fs is patched for the duration of one
// synchronous call (syncBuiltinESMExports carries the patch to ESM imports), then restored: no
// module mock, which the shared module graph (vitest.config.ts, isolate: false) would leak.
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WriteError, writeFixes } from '../../src/fix/write.js';
import { makeSourceFile } from '../../src/source.js';

type Fs = typeof fs;
const fsModule = createRequire(import.meta.url)('node:fs') as { -readonly [K in keyof Fs]: Fs[K] };

/** Runs `run` with `fs[name]` replaced, and restores it whatever happens. */
function withPatched<K extends 'fsyncSync' | 'renameSync'>(name: K, replace: (original: Fs[K]) => Fs[K], run: () => void): void {
  const original = fsModule[name];
  fsModule[name] = replace(original);
  syncBuiltinESMExports();
  try {
    run();
  } finally {
    fsModule[name] = original;
    syncBuiltinESMExports();
  }
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftcheck-race-'));
  temps.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function thrown(name: 'fsyncSync' | 'renameSync', replace: (original: never) => unknown, run: () => void): Error {
  let error: unknown = null;
  withPatched(name, replace as never, () => {
    try {
      run();
    } catch (e) {
      error = e;
    }
  });
  if (error === null) throw new Error('expected an error');
  return error as Error;
}

describe('--fix during its write', () => {
  it('keeps an edit made after the first check, before the rename', () => {
    const dir = repo({ 'requirements.txt': 'a==1\n' });
    const file = makeSourceFile('requirements.txt', 'requirements', 'a==1\n');
    const error = thrown(
      'fsyncSync',
      (original: Fs['fsyncSync']) => (fd: number) => {
        original(fd);
        writeFileSync(join(dir, 'requirements.txt'), 'a==1\nedited-meanwhile==1\n');
      },
      () => writeFixes(dir, [{ original: file, text: 'a==1\nb==2\n' }]),
    );
    expect(error).toBeInstanceOf(WriteError);
    expect(error.message).toBe('requirements.txt: changed on disk while it was being written; not written');
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).toBe('a==1\nedited-meanwhile==1\n');
    expect(fs.readdirSync(dir)).toEqual(['requirements.txt']);
  });

  it('a rename failing midway names what was and was not written', () => {
    const dir = repo({ 'a.txt': 'a==1\n', 'b.txt': 'b==1\n', 'c.txt': 'c==1\n' });
    const change = (name: string) => ({ original: makeSourceFile(name, 'requirements', `${name[0]}==1\n`), text: `${name[0]}==1\nx==1\n` });
    const error = thrown(
      'renameSync',
      (original: Fs['renameSync']) => (from: fs.PathLike, to: fs.PathLike) => {
        if (String(to).endsWith('b.txt')) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
        original(from, to);
      },
      () => writeFixes(dir, [change('a.txt'), change('b.txt'), change('c.txt')]),
    );
    expect(error).toBeInstanceOf(WriteError);
    expect(error.message).toBe('b.txt: cannot write: EIO; the file is unchanged; written: a.txt; not written: b.txt, c.txt');
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('a==1\nx==1\n');
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('b==1\n');
    expect(readFileSync(join(dir, 'c.txt'), 'utf8')).toBe('c==1\n');
  });
});
