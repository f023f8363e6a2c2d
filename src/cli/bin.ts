#!/usr/bin/env node
// The driftcheck command as tsc compiles it (dist/cli/bin.js): start() with the real process. The
// installed command is the bundle (dist/bin/driftcheck.js, from launch.ts), which calls the same
// start(). The only places that exit.
import { start } from './start.js';

process.exitCode = await start(process.argv.slice(2));
