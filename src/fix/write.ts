// Writes fixed files in place: only inside the audited root, never through a symlink that leaves
// it, only when the file on disk is still what was audited, and atomically (temp file + rename).
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { SourceFile } from '../source.js';
import { withBom } from './patch.js';

export class WriteError extends Error {}

export function writeFixes(root: string, changes: readonly { readonly original: SourceFile; readonly text: string }[]): string[] {
  const rootReal = realpathSync(root);
  const written: string[] = [];
  for (const { original, text } of changes) {
    const target = join(root, original.path);
    const real = realpathSync(target);
    if (real !== rootReal && !real.startsWith(rootReal + sep)) throw new WriteError(`${original.path}: refusing to write outside the audited root (resolves to ${real})`);
    const onDisk = readFileSync(real, 'utf8');
    if (onDisk !== withBom(original, original.text)) throw new WriteError(`${original.path}: changed on disk since it was audited; run driftcheck again`);
    atomicWrite(real, withBom(original, text));
    written.push(original.path);
  }
  return written;
}

function atomicWrite(path: string, content: string): void {
  const mode = statSync(path).mode & 0o7777;
  const temp = join(dirname(path), `.${path.split(sep).pop() ?? 'file'}.driftcheck-${process.pid}.tmp`);
  const fd = openSync(temp, 'w', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  chmodSync(temp, mode);
  renameSync(temp, path);
}
