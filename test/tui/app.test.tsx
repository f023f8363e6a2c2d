// The ink app under ink-testing-library, on a real audit of a git copy of the example fixture.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { audit, auditInParallel, type AuditResult, type ProgressListener } from '../../src/audit.js';
import { findRule } from '../../src/rules/index.js';
import { App } from '../../src/tui/app.js';
import { gitCopy, REPO_ROOT, run } from '../helpers/cli.js';

const SUTAZAI = join(REPO_ROOT, 'fixtures/projects/sutazai');
const DOWN = '\u001B[B';
const UP = '\u001B[A';
const ENTER = '\r';
const ESC = '\u001B';
const BACKSPACE = '\u007F';

const strip = (text: string | undefined): string => (text ?? '').replace(/\u001B\[[0-9;]*m/g, '');
/** The footer's keys, at any width. */
const KEYS = /F apply {2}\? help {2}q quit$/m;

async function waitFor(frame: () => string | undefined, test: (text: string) => boolean, what: string, timeout = 10_000): Promise<string> {
  const until = Date.now() + timeout;
  for (;;) {
    const text = strip(frame());
    if (test(text)) return text;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last frame:\n${text}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function start(size = { columns: 100, rows: 30 }) {
  const root = gitCopy(SUTAZAI);
  const results: AuditResult[] = [];
  const app = render(<App load={() => audit({ root })} auditOptions={{ root }} root="sutazai" cwd={root} onResult={(r) => results.push(r)} size={size} />);
  cleanups.push(() => app.unmount());
  const matches = (needle: string | RegExp) => (t: string) => (typeof needle === 'string' ? t.includes(needle) : needle.test(t));
  const until = (needle: string | RegExp, timeout?: number): Promise<string> => waitFor(app.lastFrame, matches(needle), String(needle), timeout);
  /**
   * Waits for the first screen and for ink to listen to the keyboard (it subscribes in an effect
   * after the frame is drawn; the test stdin, unlike a terminal, drops keys nobody reads).
   */
  const ready = async (needle: string | RegExp = 'MOD001'): Promise<string> => {
    const frame = await until(needle);
    await waitFor(() => String(app.stdin.listenerCount('readable')), (n) => n !== '0', 'ink to read stdin');
    return frame;
  };
  /** The line of the list under the cursor. */
  const cursorLine = (): string => strip(app.lastFrame()).split('\n').find((l) => l.startsWith('>')) ?? '';
  return { ...app, root, results, until, ready, cursorLine };
}

describe('interactive report (ink)', () => {
  it('shows the header, the grouped list and the detail of the first finding', async () => {
    const app = start();
    const frame = await app.ready('7 errors  8 warnings  0 info');
    expect(frame).toContain('driftcheck sutazai  services: backend, agents, rabbitmq, chromadb');
    expect(frame).toContain('Service backend (docker-compose.yml -> docker/backend/Dockerfile)');
    expect(frame).toContain('  backend/app/api/agents.py');
    expect(app.cursorLine()).toMatch(/^>\s+\[ \] 3:6\s+error\s+MOD001 "agents.core"/);
    // detail: full message, evidence with file:line, the fix with its diff, the rule's docs
    expect(frame).toContain('error MOD001 first-party-not-in-image  backend/app/api/agents.py:3:6  service backend');
    expect(frame).toContain('  -> docker/backend/Dockerfile:12 copies backend/ -> .');
    expect(frame).toContain('  docker/backend/Dockerfile\n@@ -10,6 +10,7 @@\n COPY backend/ .\n+COPY agents/ ./agents/\n');
    expect(frame).toContain('Fix (safe): Add "COPY agents/ ./agents/" to docker/backend/Dockerfile [space selects]');
    expect(frame).toContain('+COPY agents/ ./agents/');
    expect(app.results).toHaveLength(1);
    // the header and a spinner are drawn before the audit runs
    expect(strip(app.frames[0])).toMatch(/^driftcheck sutazai\n. auditing…/);
    // every line fits the width and the frame is shorter than the terminal
    const lines = frame.split('\n');
    expect(lines.length).toBe(29);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(100);
  });

  it('navigates with arrows and j/k; Enter expands the detail to the rule documentation', async () => {
    const app = start();
    await app.ready();
    app.stdin.write(DOWN);
    await app.until(/^>.*"aio_pika"/m);
    app.stdin.write('j');
    await app.until(/^>.*"chromadb"/m);
    app.stdin.write('j');
    await app.until(/^>.*"starlette"/m);
    expect(app.lastFrame()).toBeDefined();
    await app.until('Fix (unsafe): Add starlette to backend/requirements.txt');
    app.stdin.write('k');
    await app.until(/^>.*"chromadb"/m);
    app.stdin.write('k');
    await app.until(/^>.*"aio_pika"/m);
    app.stdin.write(UP);
    await app.until(/^>.*"agents.core"/m);
    // Enter: the list shrinks, the detail shows the diff and the rule's docs (from meta.docs)
    app.stdin.write(ENTER);
    const expanded = await app.until('Rule MOD001 first-party-not-in-image');
    expect(expanded).toContain('+COPY agents/ ./agents/');
    // the list scrolls: go to the last finding, which is below the fold at first
    app.stdin.write(ENTER);
    for (let i = 0; i < 15; i++) app.stdin.write('j');
    const last = await app.until(/^>.*the final image runs as root/m);
    expect(last).toContain('  docker/backend/Dockerfile');
    expect(last).not.toContain('backend/app/api/agents.py\n');
  });

  it('filters by text with "/", by severity with "s", and regroups with "g"', async () => {
    const app = start();
    await app.ready();
    app.stdin.write('/');
    await app.until('Filter: _');
    for (const ch of 'pinx') app.stdin.write(ch);
    await app.until('No findings match the filter');
    app.stdin.write(BACKSPACE);
    const filtered = await app.until('shown 4/15');
    expect(filtered).toContain('filter "pin"');
    expect(filtered).not.toContain('DEP001');
    app.stdin.write(ENTER);
    await app.until(KEYS);
    app.stdin.write('/');
    await app.until('Filter: pin_');
    for (let i = 0; i < 3; i++) app.stdin.write(BACKSPACE);
    await app.until('shown 15/15');
    app.stdin.write(ENTER);
    app.stdin.write('s');
    const errors = await app.until('severity error');
    expect(errors).toContain('shown 7/15');
    expect(errors).not.toMatch(/warning DEP/);
    app.stdin.write('s');
    await app.until('severity warning');
    app.stdin.write('s');
    app.stdin.write('s');
    await app.until('severity all');
    app.stdin.write('g');
    const byFile = await app.until('group file');
    expect(byFile).toMatch(/^backend\/requirements-minimal\.txt$/m);
    expect(byFile).not.toContain('Service backend');
    app.stdin.write('g');
    await app.until('group rule');
    app.stdin.write('\u001B[H'); // Home: back to the first finding
    const byRule = await app.until(/^> \[ \] backend\/app\/api\/mesh\.py:3 /m);
    expect(byRule.split('\n')[3]).toBe('DEP001 missing-dependency');
    expect(byRule).toMatch(/\[ \] backend\/app\/api\/vectors\.py:3 +error +DEP001 "chromadb"/);
    expect(byRule).toContain('DEP002 unused-dependency'); // the next rule in code order
  });

  it('selects fixes with space and "a", then "w" writes exactly those to a patch that git apply accepts', async () => {
    const app = start();
    await app.ready();
    app.stdin.write(' ');
    await app.until(/^>.*\[x\] 3:6/m);
    await app.until('selected 1');
    app.stdin.write('w');
    await app.until('Write 1 selected fixes to (default driftcheck.patch): _');
    app.stdin.write(ENTER);
    await app.until('Wrote driftcheck.patch: 1 fix in 1 file');
    const one = readFileSync(join(app.root, 'driftcheck.patch'), 'utf8');
    expect(one).toBe(
      [
        'diff --git a/docker/backend/Dockerfile b/docker/backend/Dockerfile',
        '--- a/docker/backend/Dockerfile',
        '+++ b/docker/backend/Dockerfile',
        '@@ -10,6 +10,7 @@',
        ' RUN pip install --no-cache-dir -r requirements.txt',
        ' ',
        ' COPY backend/ .',
        '+COPY agents/ ./agents/',
        ' ',
        ' EXPOSE 8000',
        ' CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]',
        '',
      ].join('\n'),
    );
    // "a" adds every safe fix; a named patch; the same content as --diff's safe fixes
    app.stdin.write('a');
    await app.until('Selected 4 safe fixes');
    app.stdin.write('w');
    await app.until('Write 4 selected fixes');
    for (const ch of 'fixes.patch') app.stdin.write(ch);
    await app.until('(default driftcheck.patch): fixes.patch_');
    app.stdin.write(ENTER);
    await app.until('Wrote fixes.patch: 4 fixes in 3 files');
    const all = readFileSync(join(app.root, 'fixes.patch'), 'utf8');
    expect(all).toBe(readFileSync(join(SUTAZAI, 'expected.patch'), 'utf8'));
    const check = run('git', ['apply', '--check', 'fixes.patch'], app.root);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    // an unsafe fix, chosen explicitly, joins the patch
    app.stdin.write('j');
    app.stdin.write('j');
    app.stdin.write('j');
    await app.until(/^>.*"starlette"/m);
    app.stdin.write(' ');
    await app.until('selected 5');
    app.stdin.write('w');
    app.stdin.write(ENTER);
    await app.until('Wrote driftcheck.patch: 5 fixes in 3 files');
    const withUnsafe = readFileSync(join(app.root, 'driftcheck.patch'), 'utf8');
    expect(withUnsafe).toContain('+starlette\n');
    expect(withUnsafe).not.toContain('+redis');
    expect(run('git', ['apply', '--check', 'driftcheck.patch'], app.root).status).toBe(0);
  });

  it('"F" applies the selected fixes in place after y, and audits again', async () => {
    const app = start();
    await app.ready();
    app.stdin.write('F');
    await app.until('No fixes selected');
    app.stdin.write('a');
    app.stdin.write('F');
    await app.until('Apply 4 selected fixes to the files in place? (y/n)');
    app.stdin.write('n');
    await app.until('Nothing applied');
    expect(run('git', ['status', '--porcelain'], app.root).stdout).toBe('');
    app.stdin.write('F');
    await app.until('(y/n)');
    app.stdin.write('y');
    const after = await app.until('Applied 4 fixes in 3 files; audited again');
    // the drifted pins stay: aligning them is an unsafe fix, never chosen by "a"
    expect(after).toContain('3 errors  5 warnings  0 info');
    expect(after).toContain('selected 0');
    expect(run('git', ['status', '--porcelain'], app.root).stdout.split('\n').filter(Boolean).sort()).toEqual([
      ' M backend/requirements.txt',
      ' M docker-compose.yml',
      ' M docker/backend/Dockerfile',
    ]);
    expect(app.results).toHaveLength(2);
    expect(app.results[1]?.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId)).toEqual(['PIN001', 'PIN001', 'PIN001']);
    expect(existsSync(join(app.root, 'driftcheck.patch'))).toBe(false);
  });

  it('"?" shows the keys; the 80x24 screen keeps every line inside the terminal', async () => {
    const app = start({ columns: 80, rows: 24 });
    const frame = await app.ready();
    const lines = frame.split('\n');
    expect(lines.length).toBe(23);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    expect(frame).toMatch(/… \d+ more lines \(Enter expands, PgDn scrolls\)/);
    app.stdin.write('?');
    const help = await app.until('Press any key to close the help');
    expect(help).toContain('space         select or unselect the fix');
    app.stdin.write('x');
    await app.until(KEYS);
  });

  it('a clean repository: no problems, and keys that need a finding do nothing harmful', async () => {
    const root = mkdtempSync(join(tmpdir(), 'driftcheck-empty-'));
    const app = render(<App load={() => audit({ root })} auditOptions={{ root }} root="empty" cwd={root} size={{ columns: 80, rows: 24 }} />);
    cleanups.push(() => app.unmount());
    await waitFor(app.lastFrame, (t) => t.includes('No problems found'), 'the empty report');
    await waitFor(() => String(app.stdin.listenerCount('readable')), (n) => n !== '0', 'ink to read stdin');
    for (const key of ['j', ' ', 'a']) app.stdin.write(key);
    const frame = await waitFor(app.lastFrame, (t) => t.includes('No safe fixes among the shown findings'), 'the status');
    expect(frame).toContain('0 errors  0 warnings  0 info');
  });

  for (const [name, key] of [['q', 'q'], ['Esc', ESC]] as const) {
    it(`quits on ${name}: ink unmounts and stops reading the keyboard`, async () => {
      const app = start();
      await app.ready();
      const listening = (): number => app.stdin.listenerCount('readable') + app.stdin.listenerCount('data');
      expect(listening()).toBeGreaterThan(0);
      app.stdin.write(key);
      const until = Date.now() + 10_000;
      while (listening() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      expect(listening()).toBe(0);
    });
  }
  it('at 80x24 the header and the footer keys fit; an active filter and severity are shown', async () => {
    const app = start({ columns: 80, rows: 24 });
    const frame = await app.ready(KEYS);
    const lines = frame.split('\n');
    expect(lines[0]).toBe('driftcheck sutazai  services: backend, agents, rabbitmq, chromadb');
    expect(lines[1]).toBe('7 errors  8 warnings  0 info  |  shown 15/15  severity all  selected 0');
    expect(lines[lines.length - 1]).toBe('/ filter  s severity  g group  space select  w write  F apply  ? help  q quit');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    app.stdin.write('/redis\r');
    const filtered = await app.until('filter "redis"');
    expect(filtered.split('\n')[1]).toBe('7 errors  8 warnings  0 info  |  shown 2/15  filter "redis"  severity all');
    app.stdin.write('s');
    const both = await app.until('severity error');
    expect(both.split('\n')[1]).toBe('7 errors  8 warnings  0 info  |  shown 0/15  filter "redis"  severity error');
    // a filter too long for the line is shortened, never cut off with what follows it
    app.stdin.write(`/${'x'.repeat(60)}\r`);
    const long = (await app.until(/filter "redisx+…"/)).split('\n')[1] ?? '';
    expect([...long].length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^7 errors {2}8 warnings {2}0 info {2}\| {2}shown 0\/15 {2}filter "redisx+…" {2}severity error$/);
  });

  it('Esc goes back one level: the detail pane closes, then the filter goes, then the report quits', async () => {
    const app = start({ columns: 80, rows: 24 });
    await app.ready(KEYS);
    const listening = (): number => app.stdin.listenerCount('readable') + app.stdin.listenerCount('data');
    app.stdin.write(ENTER);
    await app.until('more lines (PgDn scrolls)');
    app.stdin.write(ESC);
    await app.until('more lines (Enter expands, PgDn scrolls)');
    app.stdin.write('/pin\r');
    await app.until('filter "pin"');
    app.stdin.write(ESC);
    const cleared = await app.until('Filter cleared');
    expect(cleared).toContain('shown 15/15');
    expect(listening()).toBeGreaterThan(0);
    app.stdin.write(ESC);
    await waitFor(() => String(listening()), (n) => n === '0', 'the report to quit');
  });

  it('q with selected fixes that no written patch holds asks first; w from there writes them', async () => {
    const app = start({ columns: 80, rows: 24 });
    await app.ready(KEYS);
    const listening = (): number => app.stdin.listenerCount('readable') + app.stdin.listenerCount('data');
    app.stdin.write(' ');
    await app.until('selected 1');
    app.stdin.write('q');
    await app.until('1 selected fix was not written. Quit? y quits, n stays, w writes');
    app.stdin.write('n');
    await app.until(KEYS);
    expect(listening()).toBeGreaterThan(0);
    app.stdin.write('q');
    await app.until('Quit?');
    app.stdin.write('w');
    await app.until('Write 1 selected fixes to (default driftcheck.patch): _');
    app.stdin.write(ENTER);
    await app.until('Wrote driftcheck.patch: 1 fix in 1 file');
    app.stdin.write('q'); // everything chosen is written: no question
    await waitFor(() => String(listening()), (n) => n === '0', 'the report to quit');
    expect(existsSync(join(app.root, 'driftcheck.patch'))).toBe(true);
  });

  it('writing a patch shows "Writing…" before any work is done, then what was written', async () => {
    const app = start({ columns: 80, rows: 24 });
    await app.ready(KEYS);
    const patch = join(app.root, 'driftcheck.patch');
    const existedWhileWriting: boolean[] = [];
    const write = app.stdout.write;
    app.stdout.write = (frame: string) => {
      if (strip(frame).includes('Writing driftcheck.patch: 4 selected fixes…')) existedWhileWriting.push(existsSync(patch));
      write(frame);
    };
    app.stdin.write('aw\r');
    const done = await app.until('Wrote driftcheck.patch: 4 fixes in 3 files');
    expect(existedWhileWriting.length).toBeGreaterThan(0);
    expect(existedWhileWriting.every((existed) => !existed)).toBe(true);
    expect(done).toMatch(KEYS); // the keys stay beside the status
    expect(readFileSync(patch, 'utf8')).toBe(readFileSync(join(SUTAZAI, 'expected.patch'), 'utf8'));
  });

  it('rule docs are re-flowed to the pane width, not cut along their hard line breaks', async () => {
    const app = start({ columns: 80, rows: 90 }); // tall enough for MOD001's docs down to "Why is this bad?"
    await app.ready(KEYS);
    app.stdin.write(ENTER);
    const frame = await app.until('  What it does');
    expect(frame).not.toContain('## ');
    expect(frame).toContain('\n\n  Why is this bad?\n');
    const lines = frame.split('\n');
    const docs = lines.slice(lines.indexOf('  What it does') + 1, -2);
    expect(docs.length).toBeGreaterThan(10);
    // filled: no line of a paragraph could have taken the next line's first word
    const headings = new Set([...(findRule('first-party-not-in-image')?.meta.docs ?? '').matchAll(/^#+ (.*)$/gm)].map((m) => `  ${m[1] ?? ''}`));
    expect(headings.size).toBeGreaterThan(1);
    for (let i = 0; i + 1 < docs.length; i++) {
      const [line, next] = [docs[i] ?? '', docs[i + 1] ?? ''];
      if (line.trim() === '' || next.trim() === '' || headings.has(line) || /^\s*([-*]|\d+\.) /.test(next)) continue;
      expect([...line].length, line).toBeLessThanOrEqual(80);
      expect([...line].length + 1 + [...(next.trim().split(' ')[0] ?? '')].length, `${line}\n${next}`).toBeGreaterThan(80);
    }
  });

  it('draws the header and a turning spinner before the audit ends, with the audit\'s progress', async () => {
    const root = gitCopy(SUTAZAI);
    const events: string[] = [];
    let report: ProgressListener = () => undefined;
    let finish: (result: AuditResult) => void = () => undefined;
    const load = (onProgress: ProgressListener): Promise<AuditResult> => {
      events.push('audit started');
      report = onProgress;
      return new Promise<AuditResult>((resolve) => (finish = resolve));
    };
    const app = render(<App load={load} auditOptions={{ root }} root="sutazai" cwd={root} size={{ columns: 80, rows: 24 }} />);
    cleanups.push(() => app.unmount());
    const first = await waitFor(app.lastFrame, (t) => t.includes('auditing'), 'the first frame');
    expect(first).toMatch(/^driftcheck sutazai\n. auditing…$/);
    await waitFor(() => events.join(), (t) => t === 'audit started', 'the audit to start');
    report({ step: 'reading', files: 12, services: null });
    const spinnerOf = (text: string): string => /^(.) auditing/m.exec(text)?.[1] ?? '';
    const reading = await waitFor(app.lastFrame, (t) => t.includes('auditing: reading files… 12 read'), 'the progress');
    await waitFor(app.lastFrame, (t) => spinnerOf(t) !== spinnerOf(reading), 'the spinner to turn');
    report({ step: 'checking', files: 30, services: 4, rules: { done: 3, total: 27 } });
    await waitFor(app.lastFrame, (t) => t.includes('auditing: 30 files read, 4 services built; checking rules 3/27…'), 'more progress');
    expect(app.frames.some((f) => strip(f).includes('errors'))).toBe(false);
    finish(audit({ root }));
    await waitFor(app.lastFrame, (t) => t.includes('7 errors  8 warnings  0 info'), 'the report');
  });

  it('a real audit, as -i runs it, reports its progress on the spinner line before the report', async () => {
    const root = gitCopy(SUTAZAI);
    const app = render(<App load={(onProgress) => auditInParallel({ root }, 1, undefined, onProgress)} auditOptions={{ root }} root="sutazai" cwd={root} size={{ columns: 100, rows: 30 }} />);
    cleanups.push(() => app.unmount());
    await waitFor(app.lastFrame, (t) => t.includes('7 errors  8 warnings  0 info'), 'the report');
    const frames = app.frames.map(strip);
    const report = frames.findIndex((f) => f.includes('7 errors'));
    // Ink draws at most one frame per throttle interval: on a loaded machine a short step (the
    // model build) can pass between two frames. Every step drawn comes before the report, in
    // order, and at least two of the three are drawn.
    const progress = ['auditing: reading files…', 'read; building services…', 'services built; checking rules'].map((text) => frames.findIndex((f) => f.includes(text))).filter((at) => at >= 0);
    expect(progress.length, progress.join()).toBeGreaterThanOrEqual(2);
    expect(progress.every((at) => at < report), progress.join()).toBe(true);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });
});
