// .gitignore never hides a tracked file (git ignores only untracked ones), read from the real
// index git writes (versions 2 and 4, a work tree below the audited folder), and ignore patterns
// match case-sensitively unless the repository sets core.ignorecase, as git does.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listFiles } from '../src/discover.js';
import { parseGitIndex } from '../src/util/git-index.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

function git(root: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: root, env: GIT_ENV, encoding: 'utf8' });
}

function repo(files: Record<string, string>, tracked: readonly string[], config: string[][] = []): string {
  const root = mkdtempSync(join(tmpdir(), 'driftcheck-tracked-'));
  temps.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  git(root, 'init', '-q');
  for (const [key, value] of config) git(root, 'config', key ?? '', value ?? '');
  if (tracked.length > 0) git(root, 'add', '-f', '--', ...tracked);
  return root;
}

const listed = (root: string): string[] => listFiles(root).candidates.map((c) => c.rel).sort();

const FILES = {
  '.gitignore': 'generated/\nbing.py\n',
  'app.py': 'import generated.client\n',
  'Bing.py': 'import yaml\n',
  'generated/client.py': 'import grpc\n',
  'generated/scratch.py': 'import pandas\n',
};

describe('ignore files and tracked files', () => {
  it('audits a tracked file an ignore file names, and nothing untracked beside it', () => {
    const root = repo(FILES, ['.gitignore', 'app.py', 'generated/client.py']);
    expect(listed(root)).toEqual(['Bing.py', 'app.py', 'generated/client.py']);
  });

  it('reads index version 4 (prefix-compressed paths) the same way', () => {
    const root = repo(FILES, ['.gitignore', 'app.py', 'generated/client.py']);
    git(root, 'update-index', '--index-version', '4');
    expect(listed(root)).toEqual(['Bing.py', 'app.py', 'generated/client.py']);
  });

  it('matches patterns case-sensitively, unless the repository sets core.ignorecase', () => {
    expect(listed(repo(FILES, []))).toEqual(['Bing.py', 'app.py']);
    expect(listed(repo(FILES, [], [['core.ignorecase', 'true']]))).toEqual(['app.py']);
  });

  it('finds the index of a work tree above the audited folder', () => {
    const root = repo({ 'svc/.gitignore': 'gen/\n', 'svc/gen/api.py': 'import grpc\n', 'svc/main.py': 'import gen.api\n', 'svc/gen/tmp.py': 'x = 1\n' }, ['svc/gen/api.py', 'svc/main.py']);
    expect(listed(join(root, 'svc'))).toEqual(['gen/api.py', 'main.py']);
  });

  it('gives up on what it cannot read, rather than guess', () => {
    expect(parseGitIndex(Buffer.from('DIRC\0\0\0\x09\0\0\0\0', 'latin1'))).toBeNull();
    expect(parseGitIndex(Buffer.from('nope'))).toBeNull();
    expect(parseGitIndex(Buffer.from('DIRC\0\0\0\x02\0\0\0\x05', 'latin1'))).toBeNull(); // 5 entries promised, none there
  });
});
