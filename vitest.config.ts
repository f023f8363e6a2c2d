import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Every CLI the tests spawn caches results here, not in the user's cache folder (the CLI's
// default); test/cache.test.ts uses directories of its own.
const cacheDir = mkdtempSync(join(tmpdir(), 'driftcheck-test-cache-'));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most tests run the CLI in process (test/helpers/in-process.ts), so the work is in the test
    // workers themselves: use every core (vitest's default leaves one free, which on 2 cores means
    // one worker). Files share a worker's module graph (no per-file re-import of src/, ~25 s of a
    // run on 2 cores); nothing in the tests mocks modules or changes globals, and the CLI resets its
    // process-wide state per run. Measured on 20 parser/util/model/report/rules files, 2 cores:
    // forks+isolate 104 s, threads+isolate 130 s, threads without isolation 78 s, forks without 39 s
    // (a shared machine under load 5-8, so noisy, but the order held).
    maxWorkers: Math.max(2, availableParallelism()),
    isolate: false,
    // Test names carry whole fixture paths (`missing-dependency/ok-uv-copied-from-its-image`):
    // untruncated, so each case has its own name and `-t` can select it.
    chaiConfig: { truncateThreshold: 0 },
    // The fixtures are projects of their own, not subfolders of this repository: git (and the
    // patches' paths, which start at the top of the git work tree) stop looking for a .git at
    // fixtures/, as they would at the top of a checkout of the fixture.
    env: { DRIFTCHECK_CACHE_DIR: cacheDir, GIT_CEILING_DIRECTORIES: join(dirname(fileURLToPath(import.meta.url)), 'fixtures') },
  },
});
