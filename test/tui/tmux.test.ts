// End to end: the real built CLI (`node dist/bin/driftcheck.js -i DIR`) in a real terminal (tmux, on a
// private server socket), on a git copy of the example fixture. Keys are sent with send-keys and
// the screen is polled with capture-pane until the expected text shows; no fixed sleeps.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, gitCopy, REPO_ROOT, run } from '../helpers/cli.js';
import { expectGolden } from '../helpers/golden.js';

const SUTAZAI = join(REPO_ROOT, 'fixtures/projects/sutazai');
const SOCKET = `driftcheck-test-${process.pid}`;
const hasTmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
const TIMEOUT = 20_000;

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-u', '-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the CLI in a detached session (in `dir`, auditing `path`: `dir` itself by default); its
 * exit code lands in the returned file.
 */
function start(session: string, dir: string, extra: readonly string[] = [], { columns = 100, rows = 30, path = dir } = {}): { codeFile: string } {
  const out = mkdtempSync(join(tmpdir(), 'driftcheck-code-'));
  const codeFile = join(out, 'code');
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  // CI=true: CI machines set it, and ink alone would then render nothing until exit.
  const command = `cd ${quote(dir)} && CI=true ${quote(process.execPath)} ${quote(CLI)} -i ${quote(path)} ${extra.map(quote).join(' ')}; echo $? > ${quote(codeFile)}`;
  tmux('new-session', '-d', '-s', session, '-x', String(columns), '-y', String(rows), 'sh', '-c', command);
  return { codeFile };
}

function capture(session: string): string {
  return tmux('capture-pane', '-p', '-t', session);
}

/** Polls the screen until `test` holds and the screen is the same twice in a row (frame complete). */
async function waitForScreen(session: string, test: (screen: string) => boolean, what: string): Promise<string> {
  const until = Date.now() + TIMEOUT;
  let previous = '';
  for (;;) {
    const screen = capture(session);
    if (test(screen) && screen === previous) return screen;
    previous = screen;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; screen:\n${screen}`);
    await sleep(50);
  }
}

async function waitForFile(path: string): Promise<string> {
  const until = Date.now() + TIMEOUT;
  while (!existsSync(path) || readFileSync(path, 'utf8').trim() === '') {
    if (Date.now() > until) throw new Error(`timed out waiting for ${path}`);
    await sleep(50);
  }
  return readFileSync(path, 'utf8').trim();
}

function normalise(screen: string, dir: string): string {
  const lines = screen.split(dir).join('<root>').split('\n').map((l) => l.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return `${lines.join('\n')}\n`;
}

/** The end of the footer: its keys, whole. */
const HINTS = /F apply {2}\? help {2}q quit$/m;

describe.skipIf(!hasTmux)(hasTmux ? 'interactive report in tmux (real CLI, real terminal)' : 'interactive report in tmux: SKIPPED because tmux is not installed', () => {
  afterAll(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  });

  it('shows the main screen (golden), selects fixes, writes the patch, quits with the --fail-on exit code', async () => {
    const dir = gitCopy(SUTAZAI);
    const { codeFile } = start('write', dir);
    const first = await waitForScreen('write', (s) => HINTS.test(s) && s.includes('7 errors  8 warnings  0 info'), 'the main screen');
    expectGolden(join(REPO_ROOT, 'test/tui/main-screen.100x30.txt'), normalise(first, dir));

    // resize-aware: at 80x24 every line fits and the frame stays shorter than the terminal. The
    // header line holds the temp root, whose length depends on the machine: checked apart.
    tmux('resize-window', '-t', 'write', '-x', '80', '-y', '24');
    const small = await waitForScreen('write', (s) => s.includes(`${'─'.repeat(80)}\n`) && !s.includes('─'.repeat(81)) && HINTS.test(s), 'the 80x24 screen');
    const [head = '', ...rest] = normalise(small, dir).split('\n');
    expect(head.startsWith('driftcheck <root>') || head.startsWith(`driftcheck ${dir.slice(0, 20)}`)).toBe(true);
    expectGolden(join(REPO_ROOT, 'test/tui/main-screen.80x24.txt'), rest.join('\n'));
    expect(small.trimEnd().split('\n').length).toBeLessThanOrEqual(23);
    tmux('resize-window', '-t', 'write', '-x', '100', '-y', '30');
    await waitForScreen('write', (s) => s.includes('─'.repeat(100)), 'the 100x30 screen again');

    // keys that arrive in one read are each handled: three j's, sent at once, move three times
    tmux('send-keys', '-t', 'write', 'jjj');
    await waitForScreen('write', (s) => /^> +\[ \] 4:6 +warning +\S+ "starlette"/m.test(s), 'the cursor on starlette');
    tmux('send-keys', '-t', 'write', 'kk');
    await waitForScreen('write', (s) => /^> +\[ \] 3:8 +error +DEP001 "aio_pika"/m.test(s), 'the cursor on aio_pika');
    tmux('send-keys', '-t', 'write', 'Space');
    await waitForScreen('write', (s) => s.includes('selected 1 ') && /^> +\[x\] 3:8/m.test(s), 'aio_pika selected');
    tmux('send-keys', '-t', 'write', 'a');
    await waitForScreen('write', (s) => s.includes('Selected 4 safe fixes'), 'all safe fixes selected');
    tmux('send-keys', '-t', 'write', 'w');
    await waitForScreen('write', (s) => s.includes('Write 4 selected fixes to (default driftcheck.patch): _'), 'the file name prompt');
    tmux('send-keys', '-t', 'write', 'Enter');
    await waitForScreen('write', (s) => s.includes('Wrote driftcheck.patch: 4 fixes in 3 files'), 'the patch written');
    tmux('send-keys', '-t', 'write', 'q');
    expect(await waitForFile(codeFile)).toBe('1'); // errors remain: the patch was only written

    const patch = readFileSync(join(dir, 'driftcheck.patch'), 'utf8');
    expect(patch).toBe(readFileSync(join(SUTAZAI, 'expected.patch'), 'utf8'));
    const check = run('git', ['apply', '--check', 'driftcheck.patch'], dir);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    expect(run('git', ['status', '--porcelain'], dir).stdout).toBe('?? driftcheck.patch\n');
  });

  it('applies the selected fixes in place after y; the exit code follows the re-audit and --fail-on', async () => {
    // the drifted pins' errors stay (their fix is unsafe): --fail-on never exits 0, error exits 1
    for (const [failOn, code] of [['never', '0'], ['error', '1']] as const) {
      const session = `apply-${failOn}`;
      const dir = gitCopy(SUTAZAI);
      const { codeFile } = start(session, dir, ['--fail-on', failOn]);
      await waitForScreen(session, (s) => HINTS.test(s), 'the main screen');
      tmux('send-keys', '-t', session, 'a');
      await waitForScreen(session, (s) => s.includes('Selected 4 safe fixes'), 'all safe fixes selected');
      tmux('send-keys', '-t', session, 'F');
      await waitForScreen(session, (s) => s.includes('Apply 4 selected fixes to the files in place? (y/n)'), 'the confirmation');
      tmux('send-keys', '-t', session, 'y');
      const after = await waitForScreen(session, (s) => s.includes('Applied 4 fixes in 3 files; audited again'), 'the fixes applied');
      expect(after).toContain('3 errors  5 warnings  0 info');
      tmux('send-keys', '-t', session, 'Escape');
      expect(await waitForFile(codeFile)).toBe(code);
      // the files now hold exactly what the expected patch makes of them
      expect(run('git', ['diff', '--name-only'], dir).stdout).toBe('backend/requirements.txt\ndocker-compose.yml\ndocker/backend/Dockerfile\n');
      const reverse = run('git', ['apply', '--check', '-R', join(SUTAZAI, 'expected.patch')], dir);
      expect(reverse.stderr).toBe('');
      expect(reverse.status).toBe(0);
    }
  });
  it('at exactly 80x24: header and footer keys whole, the filter shown, Esc goes back, q asks before losing fixes', async () => {
    const dir = gitCopy(SUTAZAI);
    const { codeFile } = start('small', dir, [], { columns: 80, rows: 24, path: '.' });
    const screen = await waitForScreen('small', (s) => HINTS.test(s), 'the 80x24 screen');
    const lines = screen.split('\n');
    expect(lines[0]).toBe('driftcheck .  services: backend, agents, rabbitmq, chromadb');
    expect(lines[1]).toBe('7 errors  8 warnings  0 info  |  shown 15/15  severity all  selected 0');
    expect(screen.trimEnd().split('\n').at(-1)).toBe('/ filter  s severity  g group  space select  w write  F apply  ? help  q quit');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);

    tmux('send-keys', '-t', 'small', '/redis', 'Enter');
    const filtered = await waitForScreen('small', (s) => s.includes('filter "redis"') && HINTS.test(s), 'the filter in the header');
    expect(filtered.split('\n')[1]).toBe('7 errors  8 warnings  0 info  |  shown 2/15  filter "redis"  severity all');

    // Esc: the expanded detail closes, then the filter goes; the report is still there
    tmux('send-keys', '-t', 'small', 'Enter');
    await waitForScreen('small', (s) => s.includes('more lines (PgDn scrolls)'), 'the detail expanded');
    tmux('send-keys', '-t', 'small', 'Escape');
    await waitForScreen('small', (s) => s.includes('(Enter expands, PgDn scrolls)') && s.includes('filter "redis"'), 'the detail closed');
    tmux('send-keys', '-t', 'small', 'Escape');
    await waitForScreen('small', (s) => s.includes('Filter cleared') && s.includes('shown 15/15'), 'the filter dropped');

    // q with a selected, unwritten fix asks first; n stays; y quits
    tmux('send-keys', '-t', 'small', 'Space');
    await waitForScreen('small', (s) => s.includes('selected 1'), 'a fix selected');
    tmux('send-keys', '-t', 'small', 'q');
    await waitForScreen('small', (s) => s.includes('1 selected fix was not written. Quit? y quits, n stays, w writes'), 'the question');
    tmux('send-keys', '-t', 'small', 'n');
    await waitForScreen('small', (s) => HINTS.test(s) && s.includes('selected 1'), 'the report again');
    expect(existsSync(codeFile)).toBe(false);
    tmux('send-keys', '-t', 'small', 'q');
    await waitForScreen('small', (s) => s.includes('Quit?'), 'the question again');
    tmux('send-keys', '-t', 'small', 'y');
    expect(await waitForFile(codeFile)).toBe('1');
    expect(run('git', ['status', '--porcelain'], dir).stdout).toBe('');
  });
});
