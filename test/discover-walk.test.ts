// The tree walk (src/discover.ts): virtualenvs skipped and .gitignore files honoured as before, but
// found in each folder's listing instead of probed with an open or stat that fails (an exception
// per folder) in every folder of the tree (issue #18).
import * as fs from 'node:fs';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discover, DEFAULT_DISCOVER_OPTIONS, listFiles } from '../src/discover.js';

type Fs = typeof fs;
const fsModule = createRequire(import.meta.url)('node:fs') as { -readonly [K in keyof Fs]: Fs[K] };

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'driftcheck-walk-'));
  temps.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** The paths `statSync` and `openSync` were asked about while `run` ran (node:fs patched, then restored). */
function probed(run: () => void): string[] {
  const seen: string[] = [];
  const originals = { statSync: fsModule.statSync, openSync: fsModule.openSync };
  fsModule.statSync = ((path: fs.PathLike, ...rest: unknown[]) => {
    seen.push(String(path));
    return (originals.statSync as (...args: unknown[]) => unknown)(path, ...rest);
  }) as Fs['statSync'];
  fsModule.openSync = ((path: fs.PathLike, ...rest: unknown[]) => {
    seen.push(String(path));
    return (originals.openSync as (...args: unknown[]) => unknown)(path, ...rest);
  }) as Fs['openSync'];
  syncBuiltinESMExports();
  try {
    run();
  } finally {
    Object.assign(fsModule, originals);
    syncBuiltinESMExports();
  }
  return seen;
}

describe('the tree walk', () => {
  it('skips virtualenvs (pyvenv.cfg a file, or a link to one) but not a folder named pyvenv.cfg, nor the root', () => {
    const root = tree({
      'pyvenv.cfg': 'home = /usr/bin\n', // the audited root itself is never skipped
      'app.py': 'import requests\n',
      'env/pyvenv.cfg': 'home = /usr/bin\n',
      'env/lib/site.py': 'import os\n',
      'linked/real.cfg': 'home = /usr/bin\n',
      'linked/mod.py': 'import os\n',
      'odd/pyvenv.cfg/inner.py': 'import os\n',
      'odd/keep.py': 'import os\n',
    });
    symlinkSync('real.cfg', join(root, 'linked/pyvenv.cfg'));
    const paths = discover(root, DEFAULT_DISCOVER_OPTIONS).files.map((f) => f.path).sort();
    expect(paths).toEqual(['app.py', 'odd/keep.py', 'odd/pyvenv.cfg/inner.py']);
  });

  it('honours a .gitignore at any depth, and does not follow a symlinked one', () => {
    const root = tree({
      '.gitignore': 'build/\n',
      'build/gen.py': 'import os\n',
      'pkg/.gitignore': 'secret.py\n',
      'pkg/secret.py': 'import os\n',
      'pkg/main.py': 'import os\n',
      'other/rules.txt': 'main.py\n',
      'other/main.py': 'import os\n',
    });
    symlinkSync('rules.txt', join(root, 'other/.gitignore'));
    expect(discover(root, DEFAULT_DISCOVER_OPTIONS).files.map((f) => f.path).sort()).toEqual(['other/main.py', 'pkg/main.py']);
  });

  it('probes no pyvenv.cfg or .gitignore that its folder listing does not show', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`svc${i}/app/mod${i}.py`] = 'import os\n';
    const root = tree(files);
    const seen = probed(() => {
      listFiles(root, DEFAULT_DISCOVER_OPTIONS);
      discover(root, DEFAULT_DISCOVER_OPTIONS);
    });
    expect(seen.filter((path) => path.endsWith('/pyvenv.cfg') || path.endsWith('/.gitignore'))).toEqual([]);
    expect(seen.length).toBeGreaterThan(0); // the patch saw discovery's own opens
  });
});
