// --changed-since REF: a PR check reports what the change introduced, not the repository's history.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './helpers/cli.js';
import { runCliInProcess } from './helpers/in-process.js';

interface JsonFinding {
  ruleId: string;
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

  it('counts uncommitted and untracked changes to a service input (its Dockerfile, a new run file)', async () => {
    const dockerfile = join(repo, 'worker/Dockerfile');
    const original = FIRST_COMMIT['worker/Dockerfile'] ?? '';
    try {
      // Editing the worker's Dockerfile (not committed) brings the worker's old finding back in scope.
      writeFileSync(dockerfile, original.replace('WORKDIR /app', 'WORKDIR /app\nENV PYTHONUNBUFFERED=1'));
      expect(dep001((await findings([repo, '--changed-since', 'HEAD'])).findings)).toEqual(['worker worker/worker.py redis']);
    } finally {
      writeFileSync(dockerfile, original);
    }
    const untracked = join(repo, 'api/app/jobs.py');
    try {
      writeFiles(repo, { 'api/app/jobs.py': 'import celery\n', 'api/app/main.py': `${SECOND_COMMIT['api/app/main.py']}from app import jobs\n` });
      // main.py changed and jobs.py is untracked: both api findings are in scope, the worker's is not.
      expect(dep001((await findings([repo, '--changed-since', 'HEAD'])).findings)).toEqual(['api api/app/jobs.py celery', 'api api/app/main.py httpx']);
    } finally {
      rmSync(untracked);
      writeFiles(repo, SECOND_COMMIT);
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

describe('--changed-since with --select', () => {
  it('a service whose only change is a Python file it runs stays in scope, even for rules that read no run files', async () => {
    // --select PROD005 builds no import closure on its own (RuleMeta.needs); --changed-since
    // needs it to know that editing helper.py touches the web service.
    const top = realpathSync(mkdtempSync(join(tmpdir(), 'driftcheck-changed-select-')));
    try {
      git(top, 'init', '-q');
      writeFiles(top, {
        'compose.yaml': 'services:\n  web:\n    build: .\n',
        Dockerfile: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "app.py"]\n',
        'app.py': 'import helper\n',
        'helper.py': 'X = 1\n',
      });
      commitAll(top, 'web runs as root');
      expect((await findings([top, '--changed-since', 'HEAD', '--select', 'PROD005'])).findings).toEqual([]);
      writeFiles(top, { 'helper.py': 'X = 2\n' });
      const scoped = await findings([top, '--changed-since', 'HEAD', '--select', 'PROD005']);
      expect(scoped.findings.map((f) => `${f.ruleId} ${f.service ?? '-'} ${f.file}`)).toEqual(['PROD005 web Dockerfile']);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });
});
