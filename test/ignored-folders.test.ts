// Files on disk in git-ignored, untracked folders are in the Docker build context unless
// .dockerignore drops them (#17 point 10). The walk does not enter such folders (they may be huge:
// build output, data), so a rule that would call a module or file under one absent asks the disk
// first (one lstat): present there, it is unknown rather than missing; absent there, the finding stands.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './helpers/in-process.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

/** A git repository whose tracked files are `tracked`; `untracked` are written but not added. */
function repo(tracked: Record<string, string>, untracked: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'driftcheck-ignored-'));
  temps.push(root);
  for (const [path, text] of Object.entries({ ...tracked, ...untracked })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  execFileSync('git', ['init', '-q'], { cwd: root, env: GIT_ENV });
  execFileSync('git', ['add', '--', ...Object.keys(tracked)], { cwd: root, env: GIT_ENV });
  return root;
}

interface Finding {
  readonly ruleId: string;
  readonly severity: string;
  readonly file: string;
  readonly message: string;
}

async function findings(root: string): Promise<Finding[]> {
  const run = await runCliInProcess([root, '--format', 'json', '--no-cache']);
  expect(run.stderr).toBe('');
  return (JSON.parse(run.stdout) as { findings: Finding[] }).findings;
}

const TRACKED = {
  '.gitignore': 'config/\napp/generated/\nlocal/\n',
  'requirements.txt': 'fastapi==0.115.6\nuvicorn==0.32.1\n',
  'Dockerfile': [
    'FROM python:3.12-slim',
    'WORKDIR /srv',
    'COPY requirements.txt .',
    'RUN pip install --no-cache-dir -r requirements.txt',
    'COPY local/extra.txt /tmp/extra.txt',
    'RUN pip install --no-cache-dir -r /tmp/extra.txt',
    'COPY . .',
    'USER 10001',
    'CMD ["uvicorn", "app.generated.api:app", "--host", "0.0.0.0"]',
    '',
  ].join('\n'),
  'app/__init__.py': '',
  'app/routes.py': 'from config.local import SETTINGS\n\nprint(SETTINGS)\n',
};

// Written by a build step or by hand, never committed: in the context all the same.
const ON_DISK = {
  'app/generated/__init__.py': '',
  'app/generated/api.py': 'from fastapi import FastAPI\n\nfrom app import routes\n\napp = FastAPI()\nprint(routes)\n',
  'config/__init__.py': '',
  'config/local.py': 'SETTINGS = {"debug": False}\n',
  'local/extra.txt': 'httpx==0.28.1\n',
};

const about = (list: readonly Finding[], text: string): Finding[] => list.filter((f) => f.message.includes(text));

describe('git-ignored folders are in the build context', () => {
  it('does not call a module, an entry or a requirements file absent when the disk has it under an ignored folder', async () => {
    const list = await findings(repo(TRACKED, ON_DISK));
    expect(about(list, 'app.generated.api')).toEqual([]);
    expect(about(list, 'config')).toEqual([]);
    expect(about(list, 'extra.txt').filter((f) => f.ruleId === 'PIN004' || f.severity === 'error')).toEqual([]);
  });

  it('reads the same with discovery on worker threads (built: npm run build first)', async () => {
    const run = await runCliInProcess([repo(TRACKED, ON_DISK), '--format', 'json', '--no-cache', '--workers', '2'], { built: true });
    const list = (JSON.parse(run.stdout) as { findings: Finding[] }).findings;
    expect(about(list, 'app.generated.api')).toEqual([]);
    expect(about(list, 'config')).toEqual([]);
  });

  it('still reports them when the disk has nothing there', async () => {
    const list = await findings(repo(TRACKED, { 'app/generated/__init__.py': '' }));
    expect(about(list, 'app.generated.api').map((f) => [f.ruleId, f.severity])).toEqual([['MOD001', 'error']]);
    expect(about(list, '"config').length).toBeGreaterThan(0);
    expect(about(list, 'extra.txt').map((f) => f.severity)).toContain('error');
  });

  it('still reports them when .dockerignore drops the ignored folder from the context', async () => {
    const list = await findings(repo({ ...TRACKED, '.dockerignore': 'config/\napp/generated/\nlocal/\n' }, ON_DISK));
    expect(about(list, 'app.generated.api').map((f) => [f.ruleId, f.severity])).toEqual([['MOD001', 'error']]);
    expect(about(list, 'extra.txt').map((f) => f.severity)).toContain('error');
  });
});

describe('git-ignored folders and the result cache', () => {
  it('redoes a cached report when a file appears under an ignored folder it asked the disk about', async () => {
    const root = repo(TRACKED, { 'app/generated/__init__.py': '' });
    // Files older than the racy window, as in a real checkout, so the report is cached.
    const past = new Date(Date.now() - 3_600_000);
    const age = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) age(path);
        utimesSync(path, past, past);
      }
    };
    age(root);
    const env = { DRIFTCHECK_CACHE_DIR: mkdtempSync(join(tmpdir(), 'driftcheck-ignored-cache-')) };
    temps.push(env.DRIFTCHECK_CACHE_DIR);
    const run = async (): Promise<Finding[]> => (JSON.parse((await runCliInProcess([root, '--format', 'json'], { env })).stdout) as { findings: Finding[] }).findings;
    expect(about(await run(), 'app.generated.api')).toHaveLength(1);
    expect(readdirSync(join(env.DRIFTCHECK_CACHE_DIR, 'results')).length).toBeGreaterThan(0);
    expect(about(await run(), 'app.generated.api')).toHaveLength(1); // from the cache
    writeFileSync(join(root, 'app/generated/api.py'), ON_DISK['app/generated/api.py']);
    expect(about(await run(), 'app.generated.api')).toEqual([]);
  });
});
