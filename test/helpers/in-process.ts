// Runs the CLI in this process: main() from src/cli/main.ts, the function the driftcheck command
// (src/cli/bin.ts) calls with the real process, here with strings for stdout and stderr. ~20 ms a
// run instead of ~0.6 s for spawning node on the bundle; the spawned CLI is still tested by the few
// tests that need a real process (exit codes, TTYs, stdin, git apply/patch, pre-commit, tmux).
import { main } from '../../src/cli/main.js';
import { REPO_ROOT, type RunResult } from './cli.js';

/** As runCli (helpers/cli.ts): the same {status, stdout, stderr}, for the same cwd and env. */
export async function runCliInProcess(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const status = await main(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    // spawnSync gives the CLI pipes, never terminals.
    stdoutIsTTY: false,
    stdinIsTTY: false,
  });
  return { status, stdout, stderr };
}
