import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    // Test names carry whole fixture paths (`missing-dependency/ok-uv-copied-from-its-image`):
    // untruncated, so each case has its own name and `-t` can select it.
    chaiConfig: { truncateThreshold: 0 },
    env: { DRIFTCHECK_CACHE_DIR: cacheDir },
  },
});
