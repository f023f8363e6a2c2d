// Writes fixed files in place: only inside the audited root, never through a symlink that leaves
// it, only when the file on disk is still what was audited, and atomically (src/util/safe-fs.ts:
// an exclusive, no-follow temp file + rename). All or nothing: every file is checked before any is
// written, and checked again just before its rename. Temp files are named
// `.<name>.driftcheck-<pid>-<random>.tmp` beside their target: discovery never reads them (no
// input kind matches), and a later run removes those whose process is gone (a killed run).
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { encodeText, type SourceFile } from '../source.js';
import { atomicWrite } from '../util/safe-fs.js';

export class WriteError extends Error {}

const TEMP = /^\.(.+)\.driftcheck-(\d+)(?:-[0-9a-f]+)?\.tmp$/;

interface Planned {
  readonly path: string;
  readonly real: string;
  readonly expected: Buffer;
  readonly bytes: Buffer;
  readonly stat: Stats;
}

/**
 * Writes the changes; returns the repo paths written. `note` receives one line for each file not
 * rewritten in place (a symbolic link's target written instead, a hard-linked or UTF-16 file skipped).
 */
export function writeFixes(root: string, changes: readonly { readonly original: SourceFile; readonly text: string }[], note: (line: string) => void = () => {}): string[] {
  const rootReal = realpathSync(root);
  const plans: Planned[] = [];
  const changed: string[] = [];
  for (const { original, text } of changes) {
    const plan = planWrite(root, rootReal, original, text, note);
    if (plan === null) continue;
    const same = plans.find((p) => p.real === plan.real);
    if (same) {
      if (same.bytes.equals(plan.bytes)) continue; // one file reached by two paths: written once
      throw new WriteError(`${plan.path}: same file as ${same.path} but fixed differently; no file written`);
    }
    if (!readNow(plan).equals(plan.expected)) changed.push(plan.path);
    plans.push(plan);
  }
  if (changed.length > 0) {
    const none = plans.length > 1 ? '; no file written' : '';
    throw new WriteError(`${changed.join(', ')}: changed on disk since ${changed.length > 1 ? 'they were' : 'it was'} audited${none}; run driftcheck again`);
  }
  const written: string[] = [];
  for (const plan of plans) {
    removeStaleTemps(plan.real);
    try {
      writeInPlace(plan);
    } catch (error) {
      const reason = error instanceof WriteError ? `${error.message}; not written` : `cannot write: ${describe(error)}; the file is unchanged`;
      const rest = plans.slice(written.length + 1).map((p) => p.path);
      const done = written.length > 0 ? `; written: ${written.join(', ')}; not written: ${[plan.path, ...rest].join(', ')}` : rest.length > 0 ? `; no file written` : '';
      throw new WriteError(`${plan.path}: ${reason}${done}`);
    }
    written.push(plan.path);
  }
  return written;
}

function planWrite(root: string, rootReal: string, original: SourceFile, text: string, note: (line: string) => void): Planned | null {
  const path = original.path;
  const target = join(root, path);
  let real: string;
  let link: boolean;
  try {
    link = lstatSync(target).isSymbolicLink();
    real = realpathSync(target);
  } catch (error) {
    throw new WriteError(`${path}: cannot resolve: ${describe(error)}`);
  }
  if (real !== rootReal && !real.startsWith(rootReal + sep)) throw new WriteError(`${path}: refusing to write outside the audited root (resolves to ${real})`);
  const expected = encodeText(original, original.text);
  const bytes = encodeText(original, text);
  if (expected === null || bytes === null) {
    note(`${path}: ${original.encoding.startsWith('utf16') ? 'UTF-16 file' : 'the fix adds characters this Latin-1 file cannot hold'}; not fixed`);
    return null;
  }
  let stat: Stats;
  try {
    stat = statSync(real);
  } catch (error) {
    throw new WriteError(`${path}: cannot read before writing: ${describe(error)}`);
  }
  // A rename would give the other names the old content: leave the file to the user.
  if (stat.nlink > 1) {
    note(`${path}: has ${stat.nlink} hard links; not rewritten (apply the --diff by hand)`);
    return null;
  }
  if (link) note(`${path}: symbolic link; writing its target ${relative(rootReal, real).split(sep).join('/')}`);
  return { path, real, expected, bytes, stat };
}

function readNow(plan: Planned): Buffer {
  try {
    return readFileSync(plan.real);
  } catch (error) {
    throw new WriteError(`${plan.path}: cannot read before writing: ${describe(error)}`);
  }
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

/**
 * Keeps the file's owner, group and mode; the temp file is created exclusively and never through
 * a link. The file is compared again just before the rename, so an edit made meanwhile is kept.
 */
function writeInPlace(plan: Planned): void {
  const { real, stat } = plan;
  atomicWrite(real, plan.bytes, {
    mode: stat.mode & 0o7777,
    owner: { uid: stat.uid, gid: stat.gid },
    tempName: (tag) => join(dirname(real), `.${basename(real)}.driftcheck-${tag}.tmp`),
    beforeRename: () => {
      if (!readNow(plan).equals(plan.expected)) throw new WriteError('changed on disk while it was being written');
    },
  });
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e && e.code === 'EACCES') return 'permission denied (EACCES)';
  if (e && e.code === 'EROFS') return 'read-only file system (EROFS)';
  if (e && e.code === 'EPERM') return 'operation not permitted (EPERM)';
  if (e && typeof e.code === 'string') return e.code;
  return error instanceof Error ? error.message : String(error);
}
