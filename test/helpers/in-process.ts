// Runs the CLI in this process: main() from src/cli/main.ts, the function the driftcheck command
// (src/cli/bin.ts) calls with the real process, here with strings for stdout and stderr. ~20 ms a
// run instead of ~0.6 s for spawning node on the bundle; the spawned CLI is still tested by the few
// tests that need a real process (exit codes, TTYs, stdin, git apply/patch, pre-commit, tmux).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../src/cli/main.js';
import { REPO_ROOT, type RunResult } from './cli.js';

export interface InProcessOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /**
   * Run main() as tsc compiled it (dist/cli/main.js; `npm run build` first) instead of from src:
   * for --workers and --index-url, which start dist's scan-worker.js and index-fetch.js next to
   * the modules that use them.
   */
  readonly built?: boolean;
  /** Tell the CLI its stderr is a terminal (the progress line). */
  readonly stderrIsTTY?: boolean;
}

type Main = typeof main;
let builtMain: Promise<Main> | null = null;
// One run at a time, as in separate processes: a run sets process-wide state (the file-role policy).
let queue: Promise<unknown> = Promise.resolve();

/** As runCli (helpers/cli.ts): the same {status, stdout, stderr}, for the same cwd and env. */
export function runCliInProcess(args: readonly string[], options: InProcessOptions = {}): Promise<RunResult & { readonly stdoutBytes: Buffer }> {
  const result = queue.then(() => runOnce(args, options));
  queue = result.catch(() => undefined);
  return result;
}

async function runOnce(args: readonly string[], options: InProcessOptions): Promise<RunResult & { readonly stdoutBytes: Buffer }> {
  const run: Main = options.built ? await (builtMain ??= import(pathToFileURL(join(REPO_ROOT, 'dist/cli/main.js')).href).then((m: { main: Main }) => m.main)) : main;
  const stdout: Buffer[] = [];
  let stderr = '';
  const status = await run(args, {
    stdout: (text) => stdout.push(Buffer.from(text)),
    stderr: (text) => (stderr += text),
    cwd: options.cwd ?? REPO_ROOT,
    // A FORCE_COLOR of the shell running the tests would beat NO_COLOR: the tests set their own.
    env: { ...process.env, FORCE_COLOR: undefined, NO_COLOR: '1', ...options.env },
    // spawnSync gives the CLI pipes, never terminals.
    stdoutIsTTY: false,
    stdinIsTTY: false,
    stderrIsTTY: options.stderrIsTTY === true,
  });
  const bytes = Buffer.concat(stdout);
  // The raw bytes ride along non-enumerable, so results still compare equal to { status, stdout, stderr }.
  const result = { status, stdout: bytes.toString('utf8'), stderr };
  Object.defineProperty(result, 'stdoutBytes', { value: bytes, enumerable: false });
  return result as RunResult & { readonly stdoutBytes: Buffer };
}
