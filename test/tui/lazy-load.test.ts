// Non-interactive runs never load ink or React: the built CLI runs under a module hook that makes
// resolving them (or anything under dist/tui/) throw. The control cases show the hook does fire.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from '../helpers/cli.js';
import { runCliInProcess } from '../helpers/in-process.js';

const SUTAZAI = join(REPO_ROOT, 'fixtures/projects/sutazai');
const FORBID = pathToFileURL(join(REPO_ROOT, 'test/tui/forbid-ink.mjs')).href;

function node(args: readonly string[]) {
  const r = spawnSync(process.execPath, ['--import', FORBID, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('ink and React load only on the interactive path', () => {
  it('control: the hook makes importing ink, react or the tui module fail', async () => {
    for (const target of ['ink', 'react', pathToFileURL(join(REPO_ROOT, 'dist/tui/run.js')).href]) {
      const r = node(['--input-type=module', '-e', `await import(${JSON.stringify(target)})`]);
      expect(r.status, target).not.toBe(0);
      expect(r.stderr).toContain('forbid-ink:');
    }
  });

  const cases: [string, string[]][] = [
    ['text report', [SUTAZAI]],
    ['json report', [SUTAZAI, '--format', 'json']],
    ['--diff', [SUTAZAI, '--diff']],
    ['rules', ['rules']],
    ['explain', ['explain', 'DEP001']],
    ['--help', ['--help']],
  ];
  for (const [name, args] of cases) {
    it(`${name}: same output and exit code with ink forbidden`, async () => {
      const forbidden = node([CLI, ...args]);
      const plain = await runCliInProcess(args);
      expect(forbidden.stderr).toBe(plain.stderr);
      expect(forbidden.stdout).toBe(plain.stdout);
      expect(forbidden.status).toBe(plain.status);
    });
  }

  it('-i without a terminal says so on stderr and prints the text report (ink never loaded)', async () => {
    const r = node([CLI, '-i', SUTAZAI]);
    expect(r.stderr).toBe('driftcheck: --interactive needs a terminal (stdin and stdout must be TTYs); printing the text report\n');
    expect(r.stdout).toBe((await runCliInProcess([SUTAZAI])).stdout);
    expect(r.status).toBe(1);
    expect(node([CLI, '--interactive', SUTAZAI, '--fail-on', 'never']).status).toBe(0);
  });

  it('-i rejects options that write reports or fixes', async () => {
    for (const flag of [['--diff'], ['--fix'], ['--patch', 'x.patch'], ['-o', 'x.txt'], ['--format', 'json']]) {
      const r = await runCliInProcess(['-i', SUTAZAI, ...flag]);
      expect(r.status, flag.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^driftcheck: --interactive and --\w+ cannot be combined/);
    }
  });
});
