// Drives the real built CLI (dist/), as users and CI do.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(REPO_ROOT, 'dist/bin/driftcheck.js');

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `bounded`: for hostile inputs (a FIFO, /dev/zero) that could hang the run or eat the machine
 * when a guard regresses: killed after 20 s, and at most 3 GB of address space (POSIX sh ulimit).
 */
export function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string>; bounded?: boolean } = {}): RunResult {
  const [command, argv] = options.bounded
    ? ['sh', ['-c', 'ulimit -v 3000000 && exec "$0" "$@"', process.execPath, CLI, ...args]]
    : [process.execPath, [CLI, ...args]];
  const result = spawnSync(command, argv, {
    cwd: options.cwd ?? REPO_ROOT,
    encoding: 'utf8',
    // A FORCE_COLOR of the shell running the tests would beat NO_COLOR: the tests set their own.
    env: { ...withoutForceColor(process.env), NO_COLOR: '1', ...options.env },
    maxBuffer: 64 * 1024 * 1024,
    ...(options.bounded ? { timeout: 20_000 } : {}),
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

function withoutForceColor(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _force, ...rest } = env;
  return rest;
}

export function run(command: string, args: readonly string[], cwd: string, input?: string): RunResult {
  const result = spawnSync(command, [...args], { cwd, encoding: 'utf8', input });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Copies a fixture into a fresh temp git repository (one commit) and returns its path. */
export function gitCopy(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftcheck-'));
  cpSync(fixture, dir, { recursive: true });
  const git = (args: readonly string[]): void => {
    const r = run('git', args, dir);
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  };
  git(['init', '-q']);
  // What `git config` would write, without three more git processes per copy.
  appendFileSync(join(dir, '.git', 'config'), '[user]\n\temail = test@example.com\n\tname = test\n[core]\n\tautocrlf = false\n');
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'fixture']);
  return dir;
}
