// The progress line of a long audit (#18): on stderr, only when stderr is a terminal and the run
// has taken a while (DRIFTCHECK_PROGRESS_DELAY_MS, default 1 s), rewritten in place and erased at
// the end; stdout (any format) never sees it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROGRESS_DELAY_MS, progressDelay, progressLine } from '../src/cli/progress.js';
import { CLI, REPO_ROOT } from './helpers/cli.js';
import { runCliInProcess } from './helpers/in-process.js';

const SUTAZAI = join(REPO_ROOT, 'fixtures/projects/sutazai');
const ERASE = '\r\u001B[K';
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

describe('progress line', () => {
  it('waits for the delay, rewrites the line in place (a new step at once), and erases it', () => {
    let clock = 0;
    const written: string[] = [];
    const line = progressLine((text) => written.push(text), true, 1000, () => clock);
    const listener = line.listener;
    expect(listener).toBeDefined();
    listener?.({ step: 'reading', files: 10, services: null });
    clock = 999;
    listener?.({ step: 'reading', files: 20, services: null });
    line.clear(); // nothing shown yet: nothing to erase
    expect(written).toEqual([]);
    clock = 1000;
    listener?.({ step: 'reading', files: 30, services: null });
    clock = 1050;
    listener?.({ step: 'reading', files: 40, services: null }); // too soon after the last
    listener?.({ step: 'building', files: 41, services: null });
    clock = 1200;
    listener?.({ step: 'checking', files: 41, services: 3, rules: { done: 2, total: 27 } });
    line.clear();
    expect(written).toEqual([
      `${ERASE}driftcheck: reading files… 30 read`,
      `${ERASE}driftcheck: 41 files read; building services…`,
      `${ERASE}driftcheck: 41 files read, 3 services built; checking rules 2/27…`,
      ERASE,
    ]);
  });

  it('is never drawn when stderr is not a terminal', () => {
    const written: string[] = [];
    const line = progressLine((text) => written.push(text), false, 0);
    expect(line.listener).toBeUndefined();
    line.clear();
    expect(written).toEqual([]);
  });

  it('DRIFTCHECK_PROGRESS_DELAY_MS sets the delay; anything but a number ≥ 0 keeps 1 s', () => {
    expect(DEFAULT_PROGRESS_DELAY_MS).toBe(1000);
    expect(progressDelay({})).toBe(1000);
    expect(progressDelay({ DRIFTCHECK_PROGRESS_DELAY_MS: '0' })).toBe(0);
    expect(progressDelay({ DRIFTCHECK_PROGRESS_DELAY_MS: '250' })).toBe(250);
    for (const bad of ['', ' ', 'soon', '-5', 'Infinity']) expect(progressDelay({ DRIFTCHECK_PROGRESS_DELAY_MS: bad }), bad).toBe(1000);
  });

  it('the CLI draws it on a terminal stderr and erases it before exiting; stdout is the same', async () => {
    const env = { DRIFTCHECK_PROGRESS_DELAY_MS: '0' };
    const plain = await runCliInProcess([SUTAZAI, '--no-cache', '--format', 'json'], { env });
    expect(plain.stderr).toBe('');
    const tty = await runCliInProcess([SUTAZAI, '--no-cache', '--format', 'json'], { env, stderrIsTTY: true });
    expect(tty.stdout).toBe(plain.stdout);
    expect(tty.status).toBe(plain.status);
    expect(tty.stderr).toContain(`${ERASE}driftcheck: reading files…`);
    expect(tty.stderr).toContain('files read; building services…');
    expect(tty.stderr).toMatch(/files read, 4 services built; checking rules \d+\/\d+…/);
    expect(tty.stderr.endsWith(ERASE)).toBe(true);
    // with the default delay, a quick run shows nothing (the example audits in well under 1 s
    // in process; a slower machine would only add a line that is erased again)
    const quick = await runCliInProcess([SUTAZAI, '--no-cache', '--format', 'json'], { stderrIsTTY: true });
    expect(quick.stdout).toBe(plain.stdout);
    expect(quick.stderr.replaceAll(/\r\u001B\[K[^\r]*/g, '')).toBe('');
  });

  it.skipIf(!hasScript)('in a real terminal (script(1)): the line reaches the terminal, the report file has none of it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftcheck-progress-tty-'));
    const out = join(dir, 'report.sarif');
    const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = `${quote(process.execPath)} ${quote(CLI)} ${quote(SUTAZAI)} --no-cache --format sarif > ${quote(out)}`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, DRIFTCHECK_PROGRESS_DELAY_MS: '0', NO_COLOR: '1' } });
    expect(r.status).toBe(1); // the example has errors
    expect(r.stdout).toContain('driftcheck: reading files…');
    expect(r.stdout).toContain('checking rules');
    expect(r.stdout.replace(/\r?\n$/, '').endsWith(ERASE)).toBe(true);
    const sarif = readFileSync(out, 'utf8');
    expect(sarif).not.toContain('\u001B');
    expect(JSON.parse(sarif).version).toBe('2.1.0');
  });
});
