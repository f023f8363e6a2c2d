#!/usr/bin/env node
// The driftcheck command: main() (main.ts) with the real process. The only place that exits.
import { main } from './main.js';

// A reader that stops early (`driftcheck --format json | head`) is not an error: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

// The CLI runs bundled (dist/bin/); with --debug, stack traces name the TypeScript-compiled files.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  stdoutIsTTY: process.stdout.isTTY === true,
  stdinIsTTY: process.stdin.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
});
