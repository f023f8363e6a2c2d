// NPM004's fix, judged by npm itself: before it, `npm ci --omit=dev` (offline, dry run, the lock as
// it is) leaves the package out; after `git apply` of driftcheck's patch, npm installs it from the
// same lock. And moveJsonDependency / addJsonDependency on the package.json shapes they meet.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { addJsonDependency, moveJsonDependency } from '../src/rules/edits.js';
import { makeSourceFile } from '../src/source.js';
import { REPO_ROOT, gitCopy, run } from './helpers/cli.js';
import { runCliInProcess } from './helpers/in-process.js';

/** The packages `npm ci --omit=dev` would add, offline and without touching node_modules. */
function npmCiOmitDev(dir: string): string[] {
  const result = spawnSync('npm', ['ci', '--omit=dev', '--offline', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund', '--no-update-notifier', '--logs-max=0'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, npm_config_cache: join(dir, '.npm-cache') },
  });
  expect(result.status, result.stderr).toBe(0);
  return [...result.stdout.matchAll(/^add (\S+) /gm)].map((m) => m[1] ?? '').sort();
}

describe('NPM004 fix against npm', () => {
  it('moving a devDependency to dependencies makes npm ci --omit=dev install it from the unchanged lock', async () => {
    const copy = gitCopy(join(REPO_ROOT, 'fixtures/rules/node-module-missing-in-image/flags-esm-dev-dependency-omit-dev'));
    expect(npmCiOmitDev(copy)).toEqual(['express']);
    const patch = (await runCliInProcess(['.', '--select', 'NPM004', '--diff', '--unsafe-fixes'], { cwd: copy })).stdout;
    const file = join(copy, '..', `npm004-${process.pid}.patch`);
    writeFileSync(file, patch);
    expect(run('git', ['apply', file], copy).status).toBe(0);
    expect(npmCiOmitDev(copy)).toEqual(['express', 'helmet']);
    // and the finding is gone; the safe-only diff never had it
    expect((await runCliInProcess(['.', '--select', 'NPM004', '-q'], { cwd: copy })).stdout).toBe('');
  });
});

describe('package.json dependency edits', () => {
  const apply = (text: string, edits: readonly { start: number; end: number; text: string }[]): string =>
    [...edits].sort((a, b) => b.start - a.start).reduce((out, e) => out.slice(0, e.start) + e.text + out.slice(e.end), text);

  it('moves the only, the last and a middle member, into order, creating the table when absent; CRLF and tabs kept', () => {
    const move = (text: string, name: string): string => {
      const file = makeSourceFile('package.json', 'package-json', text);
      const edits = moveJsonDependency(file, 'devDependencies', 'dependencies', name);
      if (!edits) throw new Error('no edits');
      const out = apply(file.text, edits);
      expect(() => JSON.parse(out) as unknown).not.toThrow();
      return out;
    };
    expect(move('{\n  "dependencies": {\n    "b": "1"\n  },\n  "devDependencies": {\n    "a": "^2.0.0"\n  }\n}\n', 'a'))
      .toBe('{\n  "dependencies": {\n    "a": "^2.0.0",\n    "b": "1"\n  },\n  "devDependencies": {}\n}\n');
    expect(move('{\n  "devDependencies": {\n    "a": "1",\n    "m": "2",\n    "z": "3"\n  }\n}\n', 'm'))
      .toBe('{\n  "dependencies": {\n    "m": "2"\n  },\n  "devDependencies": {\n    "a": "1",\n    "z": "3"\n  }\n}\n');
    expect(move('{\r\n\t"dependencies": {\r\n\t\t"a": "1"\r\n\t},\r\n\t"devDependencies": {\r\n\t\t"x": "1",\r\n\t\t"z": "3"\r\n\t}\r\n}\r\n', 'z'))
      .toBe('{\r\n\t"dependencies": {\r\n\t\t"a": "1",\r\n\t\t"z": "3"\r\n\t},\r\n\t"devDependencies": {\r\n\t\t"x": "1"\r\n\t}\r\n}\r\n');
    expect(move('{\n  "dependencies": {},\n  "devDependencies": {\n    "@scope/a": "1"\n  }\n}\n', '@scope/a'))
      .toBe('{\n  "dependencies": {\n    "@scope/a": "1"\n  },\n  "devDependencies": {}\n}\n');
  });

  it('adds a member, creating the table at the end; refuses what is not a JSON object or lacks the member', () => {
    const file = makeSourceFile('package.json', 'package-json', '{\n  "name": "x"\n}\n');
    const edit = addJsonDependency(file, 'dependencies', 'left-pad', '^1.3.0');
    expect(edit && apply(file.text, [edit])).toBe('{\n  "name": "x",\n  "dependencies": {\n    "left-pad": "^1.3.0"\n  }\n}\n');
    expect(moveJsonDependency(makeSourceFile('package.json', 'package-json', '[1, 2]'), 'devDependencies', 'dependencies', 'a')).toBeNull();
    expect(moveJsonDependency(makeSourceFile('package.json', 'package-json', '{"devDependencies": {}}'), 'devDependencies', 'dependencies', 'a')).toBeNull();
    expect(moveJsonDependency(makeSourceFile('package.json', 'package-json', '{ broken'), 'devDependencies', 'dependencies', 'a')).toBeNull();
  });
});
