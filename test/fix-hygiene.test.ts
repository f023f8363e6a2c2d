// Fixes keep what they do not mean to change: CRLF line endings, a BOM, comments, indentation,
// and list syntax in compose and JSON-form CMD.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitCopy, run } from './helpers/cli.js';
import { runCliInProcess } from './helpers/in-process.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

function scenario(): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftcheck-hygiene-'));
  mkdirSync(join(dir, 'api'));
  mkdirSync(join(dir, 'worker'));
  writeFileSync(join(dir, 'api', 'requirements.txt'), '\ufefffastapi==0.115.6\r\n# web server\r\nuvicorn==0.32.1');
  writeFileSync(join(dir, 'api', 'main.py'), 'import fastapi\r\nimport redis\r\n');
  writeFileSync(join(dir, 'api', 'Dockerfile'), 'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY main.py .\nCMD ["uvicorn", "main:app", "--reload", "--port", "80"]\n');
  writeFileSync(join(dir, 'worker', 'requirements.txt'), 'redis==5.2.1\n');
  writeFileSync(join(dir, 'docker-compose.yml'), [
    'services:',
    '  api:',
    '    build: ./api',
    '    command: ["uvicorn", "main:app", "--port", "80", "--reload"]   # keep this comment',
    '  api2:',
    '    build: ./api',
    '    command:',
    '      - uvicorn',
    '      - main:app',
    '      - --reload',
    '      - --reload-dir',
    '      - /app',
    '  api3:',
    '    build: ./api',
    '',
  ].join('\n'));
  return gitCopy(dir);
}

describe('fix hygiene', () => {
  it('keeps BOM, CRLF, comments and list syntax, and converges', async () => {
    const dir = scenario();
    const patch = (await runCliInProcess(['.', '--diff'], { cwd: dir })).stdout;
    const patchFile = join(dir, '..', `hygiene-${process.pid}.patch`);
    writeFileSync(patchFile, patch);
    expect(run('git', ['apply', '--check', patchFile], dir).stderr).toBe('');
    expect(run('git', ['apply', patchFile], dir).status).toBe(0);

    expect(readFileSync(join(dir, 'api', 'requirements.txt'), 'utf8')).toBe('\ufefffastapi==0.115.6\r\n# web server\r\nuvicorn==0.32.1\r\nredis==5.2.1\r\n');
    const compose = readFileSync(join(dir, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain('    command: ["uvicorn", "main:app", "--port", "80"]   # keep this comment\n');
    expect(compose).toContain('    command:\n      - uvicorn\n      - main:app\n  api3:\n');
    expect(readFileSync(join(dir, 'api', 'Dockerfile'), 'utf8')).toContain('CMD ["uvicorn", "main:app", "--port", "80"]\n');
    expect((await runCliInProcess(['.', '--diff'], { cwd: dir })).stdout).toBe('');
  });
});
