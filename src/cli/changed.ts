// --changed-since REF: the findings a change since REF introduced. The base revision is audited
// from git objects, never checked out: `ls-tree` lists REF's files under the audited folder and
// `cat-file --batch` hands over their raw bytes, written into a temporary folder (under
// os.tmpdir()) that the same audit runs on; a finding of the working tree is new when the base
// audit has no finding with its fingerprint (rule, file, service, message; src/findings/fingerprint.ts).
// With --only-changed instead, every finding stays whose file, or a file of its evidence chain,
// changed, or that belongs to a service one of whose inputs changed (compose file, Dockerfile,
// .dockerignore, installed requirements files, the Python files that run). "Changed" compares the
// working tree with REF, so uncommitted edits and untracked files count, as they do in a
// pre-commit or PR check.
//
// The audited repository is untrusted, and so is its `.git/config`: a work-tree `git diff` or
// `git status` refreshes the index, which starts `core.fsmonitor`, and hashes edited files through
// `filter.<x>.clean`; `git archive` and `checkout` run smudge filters. So git only reads objects
// here (`rev-parse`, `ls-tree`, `cat-file --batch`, none of which converts or filters), with every
// program-starting setting overridden and GIT_* overrides dropped; driftcheck hashes the working
// tree files itself, raw, and only those a finding asks about. A file whose clean filter (LFS) or
// eol conversion changes its bytes therefore counts as changed: more findings, never fewer.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, ftruncateSync, lstatSync, mkdirSync, mkdtempSync, openSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import type { AuditOptions, AuditResult } from '../audit.js';
import { auditInParallel } from '../engine/pipeline.js';
import { newSince } from '../engine/baseline.js';
import type { Finding } from '../findings/types.js';
import { findLocalEnv } from '../metadata/python-env.js';
import type { Service } from '../model/types.js';
import type { Threads } from '../parallel/discover-parallel.js';
import { INTERNAL_RULE } from '../rules/index.js';
import { readGuarded } from '../util/safe-fs.js';
import { UsageError } from './errors.js';

/** Repo paths (relative to the audited root, POSIX) that differ from REF, untracked files included. */
export interface ChangedPaths {
  has(path: string): boolean;
}

/** A working-tree file larger than this is not hashed: it counts as changed. */
const MAX_HASHED_BYTES = 64 * 1024 * 1024;

/** One file of REF under the audited folder (ls-tree -r -l). */
interface TreeEntry {
  /** 100644, 100755 (files), 120000 (symbolic links), 160000 (submodules). */
  readonly mode: string;
  readonly type: string;
  readonly oid: string;
  /** Bytes of the blob; null for a submodule. */
  readonly size: number | null;
}

/** REF resolved to a commit, and its files under the audited folder (paths relative to it, POSIX). */
export interface GitBase {
  readonly ref: string;
  readonly sha: string;
  readonly tree: ReadonlyMap<string, TreeEntry>;
}

/**
 * `label`: the root as the user wrote it, for messages; `env`: git's environment (before
 * hardening). `sizes`: list blob sizes too (`ls-tree -l`, which reads every blob's header), for a
 * base audit; --only-changed needs only object ids, so a blobless clone serves it.
 */
export function gitBase(root: string, ref: string, label: string = root, env: NodeJS.ProcessEnv = process.env, sizes = true): GitBase {
  if (ref === '' || ref.startsWith('-')) throw new UsageError(`--changed-since: "${ref}" is not a git ref`);
  const inside = git(root, ['rev-parse', '--is-inside-work-tree'], env);
  if (inside.missing) throw new UsageError('--changed-since needs git, and git is not installed (or not on PATH)');
  if (inside.status !== 0 || inside.stdout.trim() !== 'true') throw new UsageError(`--changed-since needs a git work tree, and "${label}" is not inside one`);
  const commit = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], env);
  if (commit.status !== 0) throw new UsageError(`--changed-since: unknown git ref "${ref}"`);
  const sha = commit.stdout.trim();
  // Run from the root, ls-tree lists only the audited folder, with paths relative to it. -z: no quoting.
  const listing = git(root, ['ls-tree', '-r', ...(sizes ? ['-l'] : []), '-z', sha], env);
  if (listing.status !== 0) throw new UsageError(`--changed-since: git ls-tree ${ref} failed: ${firstLine(listing.stderr)}`);
  const tree = new Map<string, TreeEntry>();
  for (const record of listing.stdout.split('\0')) {
    if (record === '') continue;
    const m = /^(\d+) (\w+) ([0-9a-f]+)(?: +(-|\d+|BAD))?\t(.+)$/s.exec(record);
    if (!m || !m[1] || !m[2] || !m[3] || !m[5]) throw new UsageError(`--changed-since: cannot read git ls-tree ${ref} (${firstLine(record)})`);
    // BAD: the object is not in this clone (a partial or damaged one); the base would be wrong without it.
    if (m[4] === 'BAD') throw new UsageError(missingObject(m[3], ref));
    tree.set(m[5], { mode: m[1], type: m[2], oid: m[3], size: m[4] === undefined || m[4] === '-' ? null : Number(m[4]) });
  }
  return { ref, sha, tree };
}

export function changedPaths(root: string, base: GitBase): ChangedPaths {
  const memo = new Map<string, boolean>();
  return {
    has(path: string): boolean {
      const rel = normalize(path);
      let changed = memo.get(rel);
      if (changed === undefined) {
        const entry = base.tree.get(rel);
        changed = differs(root, rel, entry?.type === 'blob' ? entry.oid : undefined);
        memo.set(rel, changed);
      }
      return changed;
    },
  };
}

/** Whether the working-tree file at `rel` differs from the blob `oid` REF has there (undefined: none). */
function differs(root: string, rel: string, oid: string | undefined): boolean {
  if (rel === '' || rel === '.' || rel.startsWith('../') || posix.isAbsolute(rel)) return false;
  const abs = join(root, rel);
  let content: Buffer;
  try {
    const stat = lstatSync(abs);
    if (stat.isSymbolicLink()) content = Buffer.from(readlinkSync(abs)); // git stores the link's target
    else if (!stat.isFile()) return false;
    else {
      if (oid === undefined) return true; // untracked or added since REF
      const read = readGuarded(abs, { rootReal: null, maxBytes: MAX_HASHED_BYTES, followLinks: false });
      if ('refused' in read) return true;
      content = read.bytes;
    }
  } catch {
    return oid !== undefined; // deleted since REF (or unreadable)
  }
  if (oid === undefined) return true;
  return blobId(content, oid.length === 64 ? 'sha256' : 'sha1') !== oid;
}

/** The object id git gives `content` as a blob, with no filters applied. */
function blobId(content: Buffer, algorithm: 'sha1' | 'sha256'): string {
  return createHash(algorithm).update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** Whether a finding is in a changed file, cites one, or belongs to a service with a changed input. */
export function touchedBy(result: AuditResult, changed: ChangedPaths): (finding: Finding) => boolean {
  const touchedServices = new Set<string>();
  for (const service of result.project.services) {
    if (serviceInputs(service).some((path) => changed.has(path))) touchedServices.add(service.name);
  }
  return (finding) =>
    finding.ruleId === INTERNAL_RULE.id ||
    changed.has(normalize(finding.file)) ||
    finding.evidence.some((link) => changed.has(normalize(link.file))) ||
    (finding.service !== null && touchedServices.has(finding.service));
}

/** The findings the base audit did not have (an internal error is always shown). */
export function introduced(findings: readonly Finding[], before: readonly Finding[]): Finding[] {
  const fresh = new Set(newSince(findings, before));
  return findings.filter((f) => f.ruleId === INTERNAL_RULE.id || fresh.has(f));
}

/**
 * The findings of the same audit run on REF's files: written from git objects into a temporary
 * folder (removed afterwards), audited with the same options (the same config, and the working
 * tree's Python environment for package metadata), never checked out.
 */
export async function auditBase(root: string, base: GitBase, options: AuditOptions, threads: Threads, env: NodeJS.ProcessEnv = process.env): Promise<readonly Finding[]> {
  const dest = mkdtempSync(join(tmpdir(), 'driftcheck-base-'));
  try {
    const maxBytes = options.discover?.maxFileBytes ?? 8 * 1024 * 1024;
    await writeTree(root, base, dest, maxBytes, env);
    const pythonEnv = options.pythonEnv ?? findLocalEnv(root) ?? undefined;
    const result = await auditInParallel({ ...options, root: dest, ...(pythonEnv === undefined ? {} : { pythonEnv: resolve(pythonEnv) }) }, threads);
    return result.findings;
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
}

/**
 * Writes REF's files (under the audited folder) into `dest`: blobs byte for byte, executable bits
 * kept, symbolic links as links (created last, so no file is ever written through one), a
 * submodule as an empty folder. A blob over `maxBytes` becomes a sparse file of its size: the
 * audit skips it as too large either way, without reading it from git. A path with an empty, `.`,
 * `..` or `.git` segment is not written.
 */
async function writeTree(root: string, base: GitBase, dest: string, maxBytes: number, env: NodeJS.ProcessEnv): Promise<void> {
  const wanted: { path: string; entry: TreeEntry }[] = [];
  const links: { path: string; target: string }[] = [];
  const place = (path: string, write: (abs: string) => void): void => {
    const abs = join(dest, ...path.split('/'));
    try {
      mkdirSync(dirname(abs), { recursive: true });
      write(abs);
    } catch {
      // A path the file system refuses (a clash, a name it cannot hold): the audit goes without it.
    }
  };
  for (const [path, entry] of base.tree) {
    if (!safeTreePath(path)) continue;
    if (entry.type === 'commit') place(path, (abs) => mkdirSync(abs));
    else if (entry.type !== 'blob') continue;
    else if (entry.mode === '120000' || (entry.size ?? 0) <= maxBytes) wanted.push({ path, entry });
    else place(path, (abs) => {
      const fd = openSync(abs, 'wx', 0o644);
      try {
        ftruncateSync(fd, entry.size ?? 0);
      } finally {
        closeSync(fd);
      }
    });
  }
  await catFileBatch(root, base, wanted.map((w) => w.entry.oid), env, (index, bytes) => {
    const item = wanted[index];
    if (!item) return;
    if (item.entry.mode === '120000') links.push({ path: item.path, target: bytes.toString('utf8') });
    else place(item.path, (abs) => writeFileSync(abs, bytes, { flag: 'wx', mode: item.entry.mode === '100755' ? 0o755 : 0o644 }));
  });
  for (const link of links) place(link.path, (abs) => symlinkSync(link.target, abs));
}

function safeTreePath(path: string): boolean {
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..' && segment.toLowerCase() !== '.git');
}

/**
 * `git cat-file --batch` over `oids`, streamed: `onBlob(i, bytes)` for the i-th object as it
 * arrives, so memory holds one blob at a time. A missing object (a partial or shallow clone) or a
 * failing git is a usage error naming REF.
 */
function catFileBatch(root: string, base: GitBase, oids: readonly string[], env: NodeJS.ProcessEnv, onBlob: (index: number, bytes: Buffer) => void): Promise<void> {
  if (oids.length === 0) return Promise.resolve();
  return new Promise((done, fail) => {
    const child = spawn('git', [...HARDENING, 'cat-file', '--batch'], { cwd: root, env: gitEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let failure: Error | null = null;
    const stop = (error: Error): void => {
      if (failure === null) failure = error;
      child.kill();
    };
    let index = 0;
    let pending: Buffer = Buffer.alloc(0); // header bytes not yet parsed
    let body: { size: number; chunks: Buffer[]; have: number } | null = null;
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      if (stderr.length < 4096) stderr += text;
    });
    child.stdout.on('data', (chunk: Buffer) => {
      let data: Buffer = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      pending = Buffer.alloc(0);
      while (data.length > 0 && failure === null) {
        if (body === null) {
          const eol = data.indexOf(10);
          if (eol === -1) {
            pending = data;
            return;
          }
          const header = data.subarray(0, eol).toString('utf8');
          data = data.subarray(eol + 1);
          const m = /^([0-9a-f]+) (\w+) (\d+)$/.exec(header);
          if (!m) {
            stop(new UsageError(missingObject(header.split(' ')[0] ?? '', base.ref)));
            return;
          }
          body = { size: Number(m[3]), chunks: [], have: 0 };
        }
        // The body, then the newline git puts after it.
        const need = body.size + 1 - body.have;
        const take = data.subarray(0, need);
        body.chunks.push(take);
        body.have += take.length;
        data = data.subarray(take.length);
        if (body.have === body.size + 1) {
          const bytes = Buffer.concat(body.chunks).subarray(0, body.size);
          body = null;
          try {
            onBlob(index++, bytes);
          } catch (error) {
            stop(error instanceof Error ? error : new Error(String(error)));
          }
        }
      }
    });
    child.on('error', (error) => stop(new UsageError(`--changed-since: cannot run git cat-file (${(error as NodeJS.ErrnoException).code ?? error.message})`)));
    child.stdin.on('error', () => {
      // git exited early; its status or stderr says why.
    });
    child.on('close', (status) => {
      if (failure !== null) fail(failure);
      else if (status !== 0 || index !== oids.length) fail(new UsageError(`--changed-since: git cat-file for ${base.ref} failed: ${firstLine(stderr) || `exit ${status ?? 'signal'}`}`));
      else done();
    });
    child.stdin.end(`${oids.join('\n')}\n`);
  });
}

/** Every repo file whose content decides what a service's image holds and runs. */
export function serviceInputs(service: Service): string[] {
  const inputs: (string | null)[] = [service.composeFile, service.dockerfilePath];
  if (service.context !== null) inputs.push(posix.join(service.context, '.dockerignore'));
  if (service.dockerfilePath !== null) inputs.push(`${service.dockerfilePath}.dockerignore`);
  for (const file of service.installedFiles) inputs.push(file.path);
  for (const installed of service.installed) inputs.push(installed.file);
  for (const run of service.runFiles) inputs.push(run.repoPath);
  return inputs.filter((path): path is string => path !== null && path !== '').map(normalize);
}

function normalize(path: string): string {
  const clean = posix.normalize(path.replace(/\\/g, '/'));
  return clean.startsWith('./') ? clean.slice(2) : clean;
}

interface GitResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  /** git itself could not be run. */
  readonly missing: boolean;
}

/**
 * Settings that could make git start a program the repository configured, overridden on every
 * call (`-c` beats .git/config): the fsmonitor hook, hooks, pagers, and transports (a partial
 * clone would fetch missing objects, running `core.sshCommand`). No command used here runs
 * filters, textconv or external diffs.
 */
const HARDENING = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'core.untrackedCache=false', '-c', 'protocol.allow=never', '--no-pager'];

/** GIT_* variables kept: they only limit where git looks for the repository. */
const KEPT_GIT_ENV = new Set(['GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM']);

/**
 * The environment without GIT_* overrides (GIT_DIR, GIT_CONFIG_*, GIT_EXTERNAL_DIFF...) and
 * without the system config; no prompts, no optional index locks.
 */
function gitEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) if (!key.startsWith('GIT_') || KEPT_GIT_ENV.has(key)) env[key] = value;
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', GIT_NO_LAZY_FETCH: '1' };
}

function git(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv): GitResult {
  const result = spawnSync('git', [...HARDENING, ...args], { cwd, encoding: 'utf8', env: gitEnv(env), maxBuffer: 256 * 1024 * 1024 });
  const missing = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { status: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? result.error?.message ?? '', missing };
}

function missingObject(oid: string, ref: string): string {
  return `--changed-since: object ${oid.slice(0, 12)} of ${ref} is not in this clone (fetch it, or clone without --filter)`;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
