// The CLI as a user meets it: exit codes, formats, subcommands, clear one-line errors. Exit codes
// and errors go through the real built CLI (a process); the reports are checked in process.
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, type RunResult } from './helpers/cli.js';
import { runCliInProcess } from './helpers/in-process.js';

const SUTAZAI = join(REPO_ROOT, 'fixtures/projects/sutazai');

interface JsonReport {
  version: number;
  tool: { name: string; version: string };
  root: string;
  findings: Record<string, unknown>[];
  summary: Record<string, unknown>;
}

describe('the seed incident (fixtures/projects/sutazai)', () => {
  let text: RunResult;
  let json: JsonReport;
  beforeAll(async () => {
    text = await runCliInProcess([SUTAZAI]);
    json = JSON.parse((await runCliInProcess([SUTAZAI, '--format', 'json'])).stdout) as JsonReport;
  });
  const find = (ruleId: string, needle: string) =>
    json.findings.find((f) => f['ruleId'] === ruleId && String(f['message']).includes(needle));

  it('exits 1 because errors were found', () => {
    expect(text.status).toBe(1);
  });

  it('reports chromadb and aio_pika (as aio-pika) missing from the backend image, with file:line and evidence', () => {
    const chromadb = find('DEP001', '"chromadb"');
    const aioPika = find('DEP001', 'distribution aio-pika');
    for (const finding of [chromadb, aioPika]) {
      expect(finding).toBeDefined();
      expect(finding?.['service']).toBe('backend');
      expect(finding?.['severity']).toBe('error');
      const evidence = finding?.['evidence'] as { file: string; line: number; message: string }[];
      expect(evidence.some((e) => e.file === 'docker/backend/Dockerfile' && e.message.includes('backend/requirements.txt'))).toBe(true);
      expect(evidence.some((e) => e.file === 'backend/requirements.txt' && e.message.includes('is not in it'))).toBe(true);
    }
    expect(chromadb?.['file']).toBe('backend/app/api/vectors.py');
    expect(chromadb?.['line']).toBe(3);
    expect(aioPika?.['file']).toBe('backend/app/api/mesh.py');
    expect(text.stdout).toMatch(/backend\/app\/api\/vectors\.py\n\s+3:8\s+error\s+DEP001 "chromadb"/);
  });

  it('reports the agents package missing from the image (MOD001), the pin drift (PIN001) and --reload (PROD001)', () => {
    expect(find('MOD001', '"agents.core"')?.['file']).toBe('backend/app/api/agents.py');
    // the drifted pins: requirements-minimal.txt is installed first, and requirements.txt replaces its pins
    const drift = json.findings.filter((f) => f['ruleId'] === 'PIN001' && f['severity'] === 'error');
    expect(drift.map((f) => String(f['message']).split('"')[1])).toEqual(['fastapi', 'uvicorn', 'httpx']);
    for (const f of drift) expect((f['evidence'] as { file: string }[]).some((e) => e.file === 'backend/requirements-minimal.txt')).toBe(true);
    const reload = find('PROD001', '--reload');
    expect(reload?.['file']).toBe('docker-compose.yml');
    expect(reload?.['line']).toBe(8);
    for (const rule of ['MOD001', 'PIN001', 'PROD001']) expect(text.stdout).toContain(rule);
  });

  it('follows the JSON contract', () => {
    expect(json.version).toBe(2);
    expect(json.tool.name).toBe('driftcheck');
    expect(typeof json.tool.version).toBe('string');
    const keys = ['ruleId', 'ruleName', 'severity', 'file', 'line', 'column', 'endLine', 'endColumn', 'message', 'service', 'evidence', 'fix', 'suppressed'];
    for (const finding of json.findings) {
      for (const key of keys) expect(finding, key).toHaveProperty(key);
      expect(['error', 'warning', 'info']).toContain(finding['severity']);
      expect(String(finding['file'])).not.toMatch(/^\/|\\/);
      expect(finding['line']).toBeGreaterThanOrEqual(1);
      expect(finding['column']).toBeGreaterThanOrEqual(1);
      const fix = finding['fix'] as { title: string; applicability: string } | null;
      if (fix) expect(['safe', 'unsafe', 'display-only']).toContain(fix.applicability);
    }
    const order = json.findings.map((f) => `${String(f['file'])}\0${String(f['line']).padStart(6, '0')}`);
    expect(order).toEqual([...order].sort());
  });

  it('is deterministic', async () => {
    expect((await runCliInProcess([SUTAZAI, '--format', 'json'])).stdout).toBe((await runCliInProcess([SUTAZAI, '--format', 'json'])).stdout);
  });
});

describe('exit codes and errors', () => {
  it('exits 0 on a clean repository', () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftcheck-clean-'));
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'main.py'), 'import os\nimport requests\n');
    writeFileSync(join(dir, 'requirements.txt'), 'requests==2.32.3\n');
    const result = runCli([dir]);
    expect(result.stdout).toContain('No problems found');
    expect(result.status).toBe(0);
  });

  it('--fail-on never and --fail-on info change the exit code', () => {
    expect(runCli([SUTAZAI, '--fail-on', 'never']).status).toBe(0);
    // a stale copy no image installs: its drifted pins are information only
    const infoOnly = join(REPO_ROOT, 'fixtures/rules/conflicting-pins/flags-across-files-info');
    expect(runCli([infoOnly, '--select', 'PIN001', '--fail-on', 'error']).status).toBe(0);
    expect(runCli([infoOnly, '--select', 'PIN001', '--fail-on', 'warning']).status).toBe(0);
    expect(runCli([infoOnly, '--select', 'PIN001', '--fail-on', 'info']).status).toBe(1);
  });

  it('exits 2 with one line for usage errors, without a stack trace', () => {
    for (const args of [['--bogus'], ['--format', 'xml'], ['/no/such/dir'], ['explain', 'NOPE999'], ['--fail-on', 'sometimes']]) {
      const result = runCli(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^driftcheck: /);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('explains a rule and lists the rules', () => {
    const explained = runCli(['explain', 'DEP001']);
    expect(explained.status).toBe(0);
    expect(explained.stdout).toContain('## What it does');
    expect(runCli(['explain', 'reload-in-production']).stdout).toContain('PROD001');
    const rules = runCli(['rules']);
    expect(rules.status).toBe(0);
    for (const id of ['DEP001', 'MOD001', 'PIN001', 'PIN004', 'PROD001']) expect(rules.stdout).toContain(id);
  });

  it('--select and --ignore filter rules', async () => {
    const only = JSON.parse((await runCliInProcess([SUTAZAI, '--format', 'json', '--select', 'PROD'])).stdout) as JsonReport;
    expect(only.findings.length).toBeGreaterThan(0);
    expect(only.findings.every((f) => String(f['ruleId']).startsWith('PROD'))).toBe(true);
    const without = JSON.parse((await runCliInProcess([SUTAZAI, '--format', 'json', '--ignore', 'DEP001,MOD001,MOD002,DEP002,DEP003,MOD003'])).stdout) as JsonReport;
    expect(without.findings.some((f) => String(f['ruleId']).startsWith('DEP'))).toBe(false);
  });
});

describe('long evidence', async () => {
  it('the text report clips evidence to one readable line; JSON keeps it whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftcheck-long-'));
    const words = Array.from({ length: 5_000 }, (_, i) => `--flag${i}`).join(' ');
    writeFileSync(join(dir, 'Dockerfile'), `FROM python:3.12-slim\nCMD python app.py ${words}\n`);
    const text = (await runCliInProcess([dir, '--select', 'PROD005', '--no-color'])).stdout;
    const evidence = text.split('\n').filter((line) => line.includes('CMD runs:'));
    expect(evidence).toHaveLength(1);
    expect(evidence[0]?.endsWith('…')).toBe(true);
    expect(evidence[0]?.length).toBeLessThan(300);
    const json = JSON.parse((await runCliInProcess([dir, '--select', 'PROD005', '--format', 'json'])).stdout) as { findings: { evidence: { message: string }[] }[] };
    expect(json.findings[0]?.evidence.some((e) => e.message.includes('--flag4998 --flag4999'))).toBe(true);
  });

  it('a multi-line compose command is shown on one evidence line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftcheck-multiline-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM python:3.12-slim\nCMD ["python", "app.py"]\n');
    writeFileSync(join(dir, 'docker-compose.yml'), 'services:\n  web:\n    build: .\n    command: |\n      sh -c "python manage.py migrate &&\n      python app.py"\n');
    const lines = (await runCliInProcess([dir, '--select', 'PROD005', '--no-color'])).stdout.split('\n');
    const evidence = lines.filter((line) => line.trimStart().startsWith('->'));
    expect(evidence).toHaveLength(1);
    expect(evidence[0]).toContain('migrate && python app.py');
  });
});
