// --changed-since REF: keep only the findings a change since REF can have caused.
// A finding stays when its file, or a file of its evidence chain, changed, or when it belongs to a
// service one of whose inputs changed (compose file, Dockerfile, .dockerignore, installed
// requirements files, the Python files that run). "Changed" compares the working tree with REF,
// so uncommitted edits and untracked files count, as they do in a pre-commit or PR check.
//
// The audited repository is untrusted, and so is its `.git/config`: a work-tree `git diff` or
// `git status` refreshes the index, which starts `core.fsmonitor`, and hashes edited files through
// `filter.<x>.clean`. So git only reads objects here (`rev-parse`, `ls-tree` of REF), with every
// program-starting setting overridden and GIT_* overrides dropped; driftcheck hashes the working
// tree files itself, raw, and only those a finding asks about. A file whose clean filter (LFS) or
// eol conversion changes its bytes therefore counts as changed: more findings, never fewer.
import { createHash } from 'node:crypto';
import { lstatSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { AuditResult } from '../audit.js';
import type { Finding } from '../findings/types.js';
import type { Service } from '../model/types.js';
import { INTERNAL_RULE } from '../rules/index.js';
import { readGuarded } from '../util/safe-fs.js';
import { UsageError } from './errors.js';
import { childProcess } from '../util/lazy-builtins.js';

/** Repo paths (relative to the audited root, POSIX) that differ from REF, untracked files included. */
export interface ChangedPaths {
  has(path: string): boolean;
}

/** A working-tree file larger than this is not hashed: it counts as changed. */
const MAX_HASHED_BYTES = 64 * 1024 * 1024;

/** `label`: the root as the user wrote it, for messages; `env`: git's environment (before hardening). */
export function changedSince(root: string, ref: string, label: string = root, env: NodeJS.ProcessEnv = process.env): ChangedPaths {
  if (ref === '' || ref.startsWith('-')) throw new UsageError(`--changed-since: "${ref}" is not a git ref`);
  const inside = git(root, ['rev-parse', '--is-inside-work-tree'], env);
  if (inside.missing) throw new UsageError('--changed-since needs git, and git is not installed (or not on PATH)');
  if (inside.status !== 0 || inside.stdout.trim() !== 'true') throw new UsageError(`--changed-since needs a git work tree, and "${label}" is not inside one`);
  const commit = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], env);
  if (commit.status !== 0) throw new UsageError(`--changed-since: unknown git ref "${ref}"`);
  const sha = commit.stdout.trim();
  // Run from the root, ls-tree lists only the audited folder, with paths relative to it. -z: no quoting.
  const tree = git(root, ['ls-tree', '-r', '-z', sha], env);
  if (tree.status !== 0) throw new UsageError(`--changed-since: git ls-tree ${ref} failed: ${firstLine(tree.stderr)}`);
  const atRef = new Map<string, string>();
  for (const record of tree.stdout.split('\0')) {
    const m = /^(\d+) (\w+) ([0-9a-f]+)\t(.+)$/s.exec(record);
    if (m && m[2] === 'blob' && m[3] && m[4]) atRef.set(m[4], m[3]);
  }
  const memo = new Map<string, boolean>();
  return {
    has(path: string): boolean {
      const rel = normalize(path);
      let changed = memo.get(rel);
      if (changed === undefined) {
        changed = differs(root, rel, atRef.get(rel));
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

/** The same result with only the findings touched by the changed paths. */
export function onlyChanged(result: AuditResult, changed: ChangedPaths): AuditResult {
  const touchedServices = new Set<string>();
  for (const service of result.project.services) {
    if (serviceInputs(service).some((path) => changed.has(path))) touchedServices.add(service.name);
  }
  const keep = (finding: Finding): boolean =>
    finding.ruleId === INTERNAL_RULE.id ||
    changed.has(normalize(finding.file)) ||
    finding.evidence.some((link) => changed.has(normalize(link.file))) ||
    (finding.service !== null && touchedServices.has(finding.service));
  return { ...result, findings: result.findings.filter(keep) };
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
  const result = childProcess().spawnSync('git', [...HARDENING, ...args], { cwd, encoding: 'utf8', env: gitEnv(env), maxBuffer: 256 * 1024 * 1024 });
  const missing = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { status: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? result.error?.message ?? '', missing };
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
