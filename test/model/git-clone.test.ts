// #16 idiom 10: a `git clone` of the application inside its image (PROD012), with the repository's
// own remote read from a real `.git/config` (git init + git remote add), and the URL spellings git
// accepts for one repository.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalGitUrl, parseGitRemotes } from '../../src/model/git-remotes.js';
import { run } from '../helpers/cli.js';
import { runCliInProcess } from '../helpers/in-process.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

/** A service whose image clones a repository into /opt/src but runs the copied code from /srv. */
function repository(): string {
  dir = mkdtempSync(join(tmpdir(), 'driftcheck-clone-'));
  writeFileSync(join(dir, 'Dockerfile'), [
    'FROM python:3.12-slim',
    'RUN apt-get update && apt-get install -y --no-install-recommends git',
    'RUN git clone https://github.com/Acme/shop-api /opt/src && pip install /opt/src',
    'WORKDIR /srv',
    'COPY app.py .',
    'USER nobody',
    'CMD ["python", "app.py"]',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'app.py'), 'print("ok")\n');
  mkdirSync(join(dir, 'docs'));
  expect(run('git', ['init', '-q', '.'], dir).status).toBe(0);
  return dir;
}

describe('PROD012 application-cloned-in-image', () => {
  it('a clone of another repository, not run from, is not reported', async () => {
    const root = repository();
    expect(run('git', ['remote', 'add', 'origin', 'git@github.com:acme/other.git'], root).status).toBe(0);
    const result = await runCliInProcess(['.', '--select', 'PROD012', '-f', 'json'], { cwd: root });
    expect(JSON.parse(result.stdout).findings).toEqual([]);
  });

  it('a clone of the repository\'s own remote (another spelling) is reported, with .git/config as evidence', async () => {
    const root = repository();
    expect(run('git', ['remote', 'add', 'upstream', 'git@github.com:acme/shop-api.git'], root).status).toBe(0);
    const result = await runCliInProcess(['.', '--select', 'PROD012', '-f', 'json'], { cwd: root });
    const findings = JSON.parse(result.stdout).findings as { ruleId: string; line: number; severity: string; evidence: { file: string; message: string }[] }[];
    expect(findings.map((f) => [f.ruleId, f.line, f.severity])).toEqual([['PROD012', 3, 'warning']]);
    expect(findings[0]!.evidence.map((e) => e.file)).toEqual(['.git/config']);
    expect(findings[0]!.evidence[0]!.message).toContain('remote "upstream" is git@github.com:acme/shop-api.git');
  });
});

describe('git remotes', () => {
  it('reads [remote "name"] url lines with their line numbers', () => {
    const text = '[core]\n\tbare = false\n[remote "origin"]\n\turl = https://github.com/acme/api.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[branch "main"]\n\tremote = origin\n';
    expect(parseGitRemotes(text)).toEqual([{ name: 'origin', url: 'https://github.com/acme/api.git', line: 4 }]);
  });

  it.each([
    'git@github.com:acme/api.git',
    'https://github.com/acme/api',
    'https://github.com/Acme/API.git/',
    'ssh://git@github.com/acme/api.git',
    'git+https://www.github.com/acme/api.git',
    'ssh://git@github.com:22/acme/api.git',
  ])('%s is github.com/acme/api', (url) => {
    expect(canonicalGitUrl(url)).toBe('github.com/acme/api');
  });

  it('other repositories stay apart', () => {
    expect(canonicalGitUrl('https://github.com/acme/api-docs')).not.toBe(canonicalGitUrl('https://github.com/acme/api'));
    expect(canonicalGitUrl('https://gitlab.com/acme/api')).not.toBe(canonicalGitUrl('https://github.com/acme/api'));
  });
});
