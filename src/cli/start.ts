// The driftcheck process: main() (main.ts) with the real process streams. bin.ts calls it when the
// CLI runs from tsc's output; the bundled CLI (dist/bin/driftcheck.js, see launch.ts) loads this
// module from dist/bin/core.cjs, with V8's code cache when it has one.
import { main, type CliIo } from './main.js';

/**
 * Runs the CLI on `argv` and resolves to its exit code; never exits the process itself.
 * `loadInteractive`: see CliIo (the bundled command's loader of dist/bin/run.js).
 */
export async function start(argv: readonly string[], loadInteractive?: CliIo['loadInteractive']): Promise<number> {
  // A reader that stops early (`driftcheck --format json | head`) is not an error: stop quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  // With --debug, stack traces name the TypeScript-compiled files (launch.ts loads the bundle
  // without the code cache then, so that Node reads its source map).
  if (argv.includes('--debug')) process.setSourceMapsEnabled(true);
  return main(argv, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    ...(loadInteractive ? { loadInteractive } : {}),
  });
}
