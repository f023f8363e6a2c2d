// Writes fixed files in place: only inside the audited root, never through a symlink that leaves
// it, only when the file on disk is still what was audited, and atomically (src/util/safe-fs.ts:
// an exclusive, no-follow temp file + rename). Temp files are named
// `.<name>.driftcheck-<pid>-<random>.tmp` beside their target: discovery never reads them (no
// input kind matches), and a later run removes those whose process is gone (a killed run).
import { readdirSync, readFileSync, realpathSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import type { SourceFile } from '../source.js';
import { atomicWrite } from '../util/safe-fs.js';
import { withBom } from './patch.js';

export class WriteError extends Error {}

const TEMP = /^\.(.+)\.driftcheck-(\d+)(?:-[0-9a-f]+)?\.tmp$/;

export function writeFixes(root: string, changes: readonly { readonly original: SourceFile; readonly text: string }[]): string[] {
  const rootReal = realpathSync(root);
  const written: string[] = [];
  for (const { original, text } of changes) {
    const target = join(root, original.path);
    let real: string;
    let onDisk: string;
    try {
      real = realpathSync(target);
    } catch (error) {
      throw new WriteError(`${original.path}: cannot resolve: ${describe(error)}`);
    }
    if (real !== rootReal && !real.startsWith(rootReal + sep)) throw new WriteError(`${original.path}: refusing to write outside the audited root (resolves to ${real})`);
    try {
      onDisk = readFileSync(real, 'utf8');
    } catch (error) {
      throw new WriteError(`${original.path}: cannot read before writing: ${describe(error)}`);
    }
    if (onDisk !== withBom(original, original.text)) throw new WriteError(`${original.path}: changed on disk since it was audited; run driftcheck again`);
    removeStaleTemps(real);
    try {
      writeInPlace(real, withBom(original, text));
    } catch (error) {
      throw new WriteError(`${original.path}: cannot write: ${describe(error)}; the file is unchanged`);
    }
    written.push(original.path);
  }
  return written;
}

/** Temp files of runs that were killed before their rename (their process no longer exists). */
function removeStaleTemps(path: string): void {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m || m[1] !== base || isAlive(Number(m[2]))) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // best effort: a leftover temp file is never read by discovery
    }
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Keeps the file's mode; the temp file is created exclusively and never through a link. */
function writeInPlace(path: string, content: string): void {
  const mode = statSync(path).mode & 0o7777;
  atomicWrite(path, content, { mode, tempName: (tag) => join(dirname(path), `.${basename(path)}.driftcheck-${tag}.tmp`) });
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e && e.code === 'EACCES') return 'permission denied (EACCES)';
  if (e && e.code === 'EROFS') return 'read-only file system (EROFS)';
  if (e && e.code === 'EPERM') return 'operation not permitted (EPERM)';
  if (e && typeof e.code === 'string') return e.code;
  return error instanceof Error ? error.message : String(error);
}
