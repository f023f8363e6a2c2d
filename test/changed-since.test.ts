// --changed-since REF: a PR check reports what the change introduced, not the repository's history.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, runCli } from './helpers/cli.js';
import { runCliInProcess } from './helpers/in-process.js';

interface JsonFinding {
  ruleId: string;
  suppressed: boolean;
  file: string;
  message: string;
  service: string | null;
}

const USER_AND_CMD = 'RUN useradd --create-home app\nUSER app\n';

/** Two compose services: `worker` already imports an undeclared module (an old finding). */
const FIRST_COMMIT: Record<string, string> = {
  'docker-compose.yml': [
    'services:',
    '  api:',
    '    build:',
    '      context: ./api',
    '  worker:',
    '    build:',
    '      context: ./worker',
    '',
  ].join('\n'),
  'api/Dockerfile': `FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app/ app/\n${USER_AND_CMD}CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n`,
  'api/requirements.txt': 'fastapi==0.115.6\nuvicorn==0.32.1\n',
  'api/app/__init__.py': '',
  'api/app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
  'worker/Dockerfile': `FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY worker.py .\n${USER_AND_CMD}CMD ["python", "worker.py"]\n`,
  'worker/requirements.txt': 'requests==2.32.3\n',
  'worker/worker.py': 'import redis\nimport requests\n\nredis.Redis(host="redis").ping()\nrequests.get("http://api:8000/")\n',
};

/** The second commit adds exactly one new drift: api imports httpx, which its image never installs. */
const SECOND_COMMIT: Record<string, string> = {
  'api/app/main.py': 'import httpx\nfrom fastapi import FastAPI\n\napp = FastAPI()\nclient = httpx.Client()\n',
};

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function git(cwd: string, ...args: string[]): string {
  const result = run('git', args, cwd);
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

function commitAll(cwd: string, message: string): void {
  git(cwd, 'add', '-A');
  git(cwd, '-c', 'user.email=test@example.com', '-c', 'user.name=test', 'commit', '-q', '-m', message);
}

async function findings(args: string[], cwd?: string): Promise<{ status: number; stderr: string; findings: JsonFinding[] }> {
  const result = await runCliInProcess([...args, '--format', 'json'], cwd ? { cwd } : {});
  if (result.status !== 0 && result.status !== 1) throw new Error(`driftcheck exited ${result.status}: ${result.stderr}`);
  return { status: result.status, stderr: result.stderr, findings: (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings };
}

const dep001 = (list: JsonFinding[]): string[] =>
  list.filter((f) => f.ruleId === 'DEP001').map((f) => `${f.service ?? '-'} ${f.file} ${f.message.match(/"([^"]+)"/)?.[1] ?? f.message}`).sort();

describe('--changed-since REF', () => {
  let top: string; // the git repository
  let repo: string; // the audited folder: a subdirectory of the git repository

  beforeAll(() => {
    top = realpathSync(mkdtempSync(join(tmpdir(), 'driftcheck-changed-')));
    repo = join(top, 'deploy');
    mkdirSync(repo);
    git(top, 'init', '-q');
    git(top, 'config', 'core.autocrlf', 'false');
    writeFiles(top, { 'README.md': '# monorepo\n' });
    writeFiles(repo, FIRST_COMMIT);
    commitAll(top, 'two services; worker already drifts');
    writeFiles(repo, SECOND_COMMIT);
    commitAll(top, 'api imports httpx');
  });

  afterAll(() => {
    rmSync(top, { recursive: true, force: true });
  });

  it('without the flag, reports the old and the new finding', async () => {
    const all = await findings([repo]);
    expect(all.status).toBe(1);
    expect(dep001(all.findings)).toEqual(['api api/app/main.py httpx', 'worker worker/worker.py redis']);
  });

  it('--changed-since HEAD~1 reports only the finding the last commit introduced', async () => {
    const recent = await findings([repo, '--changed-since', 'HEAD~1']);
    expect(recent.status).toBe(1);
    expect(dep001(recent.findings)).toEqual(['api api/app/main.py httpx']);
    // Nothing from the untouched worker service survives, whatever other rules say about it.
    expect(recent.findings.filter((f) => f.service === 'worker' || f.file.startsWith('worker/'))).toEqual([]);
  });

  it('works from inside the audited folder with a relative path', async () => {
    const recent = await findings(['.', '--changed-since', 'HEAD~1'], repo);
    expect(dep001(recent.findings)).toEqual(['api api/app/main.py httpx']);
  });

  it('--changed-since HEAD reports nothing from committed history, so it exits 0 when the tree is clean', async () => {
    const none = await findings([repo, '--changed-since', 'HEAD']);
    expect(none.findings).toEqual([]);
    expect(none.status).toBe(0);
  });

  it('counts uncommitted and untracked changes: a new run file brings its own finding, an edited input alone brings none', async () => {
    const dockerfile = join(repo, 'worker/Dockerfile');
    const original = FIRST_COMMIT['worker/Dockerfile'] ?? '';
    try {
      // Editing the worker's Dockerfile (not committed) introduces nothing: redis was missing at HEAD too.
      writeFileSync(dockerfile, original.replace('WORKDIR /app', 'WORKDIR /app\nENV PYTHONUNBUFFERED=1'));
      expect(dep001((await findings([repo, '--changed-since', 'HEAD'])).findings)).toEqual([]);
      // --only-changed: every finding of a service whose input changed, old ones included.
      expect(dep001((await findings([repo, '--changed-since', 'HEAD', '--only-changed'])).findings)).toEqual(['worker worker/worker.py redis']);
    } finally {
      writeFileSync(dockerfile, original);
    }
    const untracked = join(repo, 'api/app/jobs.py');
    try {
      writeFiles(repo, { 'api/app/jobs.py': 'import celery\n', 'api/app/main.py': `${SECOND_COMMIT['api/app/main.py']}from app import jobs\n` });
      // jobs.py is untracked and imports celery: that is new; httpx was already missing at HEAD.
      expect(dep001((await findings([repo, '--changed-since', 'HEAD'])).findings)).toEqual(['api api/app/jobs.py celery']);
      // main.py changed and jobs.py is untracked: both api findings are in scope, the worker's is not.
      expect(dep001((await findings([repo, '--changed-since', 'HEAD', '--only-changed'])).findings)).toEqual(['api api/app/jobs.py celery', 'api api/app/main.py httpx']);
    } finally {
      rmSync(untracked);
      writeFiles(repo, SECOND_COMMIT);
    }
  });

  it('editing a file that already has a finding reports only what the edit adds (#19 point 6)', async () => {
    const worker = join(repo, 'worker/worker.py');
    const original = FIRST_COMMIT['worker/worker.py'] ?? '';
    try {
      writeFileSync(worker, `import celery\n${original}`);
      // redis was missing at HEAD already; celery is what this change brings.
      expect(dep001((await findings([repo, '--changed-since', 'HEAD'])).findings)).toEqual(['worker worker/worker.py celery']);
      expect(dep001((await findings([repo, '--changed-since', 'HEAD', '--only-changed'])).findings)).toEqual(['worker worker/worker.py celery', 'worker worker/worker.py redis']);
    } finally {
      writeFileSync(worker, original);
    }
  });

  it('an unknown ref is a usage error: exit 2, one line', async () => {
    const result = await runCliInProcess([repo, '--changed-since', 'no-such-branch']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('unknown git ref "no-such-branch"');
  });

  it('a folder outside any git repository is a usage error: exit 2, one line', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'driftcheck-nogit-'));
    try {
      writeFiles(plain, { 'app.py': 'import redis\n', 'requirements.txt': 'requests==2.32.3\n' });
      // GIT_CEILING_DIRECTORIES stops git from finding a repository above the temp folder.
      const result = await runCliInProcess([plain, '--changed-since', 'HEAD'], { env: { GIT_CEILING_DIRECTORIES: dirname(realpathSync(plain)) } });
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain('not inside');
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});

describe('--changed-since audits the base revision from git objects (#19 point 6)', () => {
  let top: string;
  const BASE: Record<string, string> = {
    'requirements.txt': 'requests==2.32.3\n',
    // yaml: an old, unsuppressed finding; redis: suppressed at the base.
    'app.py': 'import requests\nimport yaml\nimport redis  # driftcheck: ignore[DEP001] -- provided by the base image\n',
    'lib/big.txt': `${'x'.repeat(5000)}\n`,
    'tools/run.sh': '#!/bin/sh\nexit 0\n',
  };

  beforeAll(() => {
    top = realpathSync(mkdtempSync(join(tmpdir(), 'driftcheck-base-audit-')));
    git(top, 'init', '-q');
    git(top, 'config', 'core.autocrlf', 'false');
    writeFiles(top, BASE);
    commitAll(top, 'base');
  });

  afterAll(() => {
    rmSync(top, { recursive: true, force: true });
  });

  it('old findings stay out however their lines move; one whose suppression was removed is new', async () => {
    // The change: lines move down, and the suppression of redis is dropped.
    writeFiles(top, { 'app.py': '"""The app."""\n\nimport requests\nimport yaml\nimport redis\n' });
    try {
      const all = await findings(['.'], top);
      expect(dep001(all.findings)).toEqual(['- app.py redis', '- app.py yaml']);
      const fresh = await findings(['.', '--changed-since', 'HEAD'], top);
      expect(dep001(fresh.findings)).toEqual(['- app.py redis']);
      expect(fresh.status).toBe(1);
    } finally {
      writeFiles(top, BASE);
    }
  });

  it('checks nothing out: HEAD, the index, the work tree and the temp folder are as before', () => {
    writeFiles(top, { 'app.py': `${BASE['app.py'] ?? ''}import celery\n` });
    const temp = mkdtempSync(join(tmpdir(), 'driftcheck-tmpdir-'));
    try {
      const status = git(top, 'status', '--porcelain');
      const head = git(top, 'rev-parse', 'HEAD');
      const index = readFileSync(join(top, '.git/index'));
      // The built CLI with its own TMPDIR, so the base tree it writes there can be looked for.
      // A small --max-file-size: lib/big.txt is written as a sparse file of its size, not read from git.
      const out = runCli(['.', '--changed-since', 'HEAD', '--format', 'json', '--max-file-size', '1000'], { cwd: top, env: { TMPDIR: temp } });
      expect(out.stderr).toBe('');
      expect(dep001((JSON.parse(out.stdout) as { findings: JsonFinding[] }).findings)).toEqual(['- app.py celery']);
      expect(git(top, 'status', '--porcelain')).toBe(status);
      expect(git(top, 'rev-parse', 'HEAD')).toBe(head);
      expect(readFileSync(join(top, '.git/index')).equals(index)).toBe(true);
      expect(readFileSync(join(top, 'app.py'), 'utf8')).toBe(`${BASE['app.py'] ?? ''}import celery\n`);
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      writeFiles(top, BASE);
      rmSync(temp, { recursive: true, force: true });
    }
  });

  it('an object of REF missing from the clone is a usage error for the base audit, not an empty base (exit 2, one line)', async () => {
    const repo = realpathSync(mkdtempSync(join(tmpdir(), 'driftcheck-missing-')));
    try {
      git(repo, 'init', '-q');
      writeFiles(repo, { 'app.py': 'import redis\n' });
      commitAll(repo, 'one');
      const oid = git(repo, 'rev-parse', 'HEAD:app.py').trim();
      rmSync(join(repo, '.git/objects', oid.slice(0, 2), oid.slice(2)));
      const result = await runCliInProcess(['.', '--changed-since', 'HEAD'], { cwd: repo });
      expect([result.status, result.stdout]).toEqual([2, '']);
      expect(result.stderr).toBe(`driftcheck: --changed-since: object ${oid.slice(0, 12)} of HEAD is not in this clone (fetch it, or clone without --filter)\n`);
      // --only-changed compares object ids only: it needs no blob of REF (a blobless clone serves it).
      const touched = await runCliInProcess(['.', '--changed-since', 'HEAD', '--only-changed'], { cwd: repo });
      expect([touched.status, touched.stderr]).toEqual([0, '']);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('a hostile base tree (a link over a folder, "..", ".git") writes nothing outside its temp folder', async () => {
    const outside = realpathSync(mkdtempSync(join(tmpdir(), 'driftcheck-outside-')));
    try {
      // Trees git itself never writes, made with mktree: `a` is both a link to `outside` and a folder.
      const blob = run('git', ['hash-object', '-w', '--stdin'], top, 'import pwned\n').stdout.trim();
      const link = run('git', ['hash-object', '-w', '--stdin'], top, outside).stdout.trim();
      const sub = run('git', ['mktree'], top, `100644 blob ${blob}\tx.py\n`).stdout.trim();
      const tree = run('git', ['mktree'], top, `120000 blob ${link}\ta\n040000 tree ${sub}\ta\n100644 blob ${blob}\t..\n040000 tree ${sub}\t.git\n100644 blob ${blob}\tapp.py\n`).stdout.trim();
      const commit = git(top, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit-tree', tree, '-m', 'hostile').trim();
      const result = await findings(['.', '--changed-since', commit], top);
      expect(readdirSync(outside)).toEqual([]);
      expect(existsSync(join(top, '..', 'x.py'))).toBe(false);
      // The base's app.py imported only `pwned`: the work tree's yaml finding is new against it.
      expect(dep001(result.findings.filter((f) => !f.suppressed))).toEqual(['- app.py yaml']);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
