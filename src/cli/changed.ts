// --changed-since REF: keep only the findings a change since REF can have caused.
// A finding stays when its file, or a file of its evidence chain, changed, or when it belongs to a
// service one of whose inputs changed (compose file, Dockerfile, .dockerignore, installed
// requirements files, the Python files that run). "Changed" is `git diff REF` against the working
// tree plus untracked files, so uncommitted edits count, as they do in a pre-commit or PR check.
import { spawnSync } from 'node:child_process';
import { posix } from 'node:path';
import type { AuditResult } from '../audit.js';
import type { Finding } from '../findings/types.js';
import type { Service } from '../model/types.js';
import { INTERNAL_RULE } from '../rules/index.js';
import { UsageError } from './errors.js';

/** Repo paths (relative to the audited root, POSIX) changed since `ref`, untracked files included. */
/** `label`: the root as the user wrote it, for messages; `env`: git's environment. */
export function changedSince(root: string, ref: string, label: string = root, env: NodeJS.ProcessEnv = process.env): ReadonlySet<string> {
  if (ref === '' || ref.startsWith('-')) throw new UsageError(`--changed-since: "${ref}" is not a git ref`);
  const inside = git(root, ['rev-parse', '--is-inside-work-tree'], env);
  if (inside.missing) throw new UsageError('--changed-since needs git, and git is not installed (or not on PATH)');
  if (inside.status !== 0 || inside.stdout.trim() !== 'true') throw new UsageError(`--changed-since needs a git work tree, and "${label}" is not inside one`);
  const commit = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], env);
  if (commit.status !== 0) throw new UsageError(`--changed-since: unknown git ref "${ref}"`);
  const sha = commit.stdout.trim();
  // `--relative` limits the diff to the audited folder and prints paths relative to it (cwd = root);
  // ls-files does both by default. -z: no quoting of unusual names.
  const diff = git(root, ['-c', 'core.quotePath=false', 'diff', '--name-only', '--no-renames', '--relative', '-z', sha, '--'], env);
  if (diff.status !== 0) throw new UsageError(`--changed-since: git diff ${ref} failed: ${firstLine(diff.stderr)}`);
  const untracked = git(root, ['ls-files', '--others', '--exclude-standard', '-z'], env);
  if (untracked.status !== 0) throw new UsageError(`--changed-since: git ls-files failed: ${firstLine(untracked.stderr)}`);
  const paths = new Set<string>();
  for (const path of `${diff.stdout}\0${untracked.stdout}`.split('\0')) if (path !== '') paths.add(normalize(path));
  return paths;
}

/** The same result with only the findings touched by the changed paths. */
export function onlyChanged(result: AuditResult, changed: ReadonlySet<string>): AuditResult {
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

function git(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv): GitResult {
  const result = spawnSync('git', [...args], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const missing = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { status: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? result.error?.message ?? '', missing };
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
