// Start-up of the installed command (issue #18), never timed here: dist/bin/driftcheck.js
// (src/cli/launch.ts) compiles the bundle with the V8 code cache data the build wrote beside it,
// and a missing, corrupt, stale or foreign cache file only costs that speed: the output is the
// same. Node built-ins that most runs never use are not loaded. Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';
import { runCliInProcess } from './helpers/in-process.js';

const FIXTURE = join(REPO_ROOT, 'fixtures/projects/sutazai');
const ARGS = [FIXTURE, '--no-cache', '--no-color'];
let copy: string; // a copy of dist/bin inside dist/, so that package.json and node_modules resolve as from dist/bin
let cacheDir: string;

beforeAll(() => {
  copy = mkdtempSync(join(REPO_ROOT, 'dist', 'bin-copy-'));
  cpSync(join(REPO_ROOT, 'dist/bin'), copy, { recursive: true });
  cacheDir = mkdtempSync(join(REPO_ROOT, 'dist', 'cache-'));
});

afterAll(() => {
  rmSync(copy, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

function run(bin: string, args: readonly string[] = ARGS, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(bin, 'driftcheck.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, DRIFTCHECK_CACHE_DIR: cacheDir, DRIFTCHECK_CODE_CACHE: 'report', NO_COLOR: '1', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// core.cjs.cache: this magic line, the bundle's build id (32 hex digits, the bundle's last line
// `// driftcheck build <id>`), the SHA-256 digest of the data, the data (src/cli/launch.ts).
const MAGIC = Buffer.from('driftcheck code cache 2\n');
const buildId = (core: string): string => /\/\/ driftcheck build ([0-9a-f]{32})\n$/.exec(readFileSync(core, 'latin1'))?.[1] ?? '(none)';
const cacheFile = (id: string, data: Buffer): Buffer => Buffer.concat([MAGIC, Buffer.from(id, 'latin1'), createHash('sha256').update(data).digest(), data]);
const parts = (file: Buffer): { id: string; data: Buffer } => ({ id: file.toString('latin1', MAGIC.length, MAGIC.length + 32), data: file.subarray(MAGIC.length + 64) });
const cacheLine = (stderr: string): string => stderr.split('\n').find((line) => line.startsWith('driftcheck: code cache')) ?? '(no line)';
const CACHE = (): string => join(copy, 'core.cjs.cache');
const original = (): Buffer => readFileSync(join(REPO_ROOT, 'dist/bin/core.cjs.cache'));

describe('the code cache of the bundled CLI', () => {
  it('the build writes one and the command uses it; the report is the one main() prints', async () => {
    const result = run(join(REPO_ROOT, 'dist/bin'));
    expect(cacheLine(result.stderr)).toBe('driftcheck: code cache used');
    const inProcess = await runCliInProcess(ARGS);
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: inProcess.status, stdout: inProcess.stdout });
    expect(result.status).toBe(1);
  });

  it('is matched to the bundle by the build id on its last line, and checked by a digest of its data alone', () => {
    const { id, data } = parts(original());
    expect(id).toBe(buildId(join(REPO_ROOT, 'dist/bin/core.cjs')));
    // Written here from the parts: the launcher accepts exactly this layout.
    writeFileSync(CACHE(), cacheFile(id, data));
    expect(cacheLine(run(copy).stderr)).toBe('driftcheck: code cache used');
  });

  it('DRIFTCHECK_CODE_CACHE=off and --debug compile without it, with the same report', () => {
    const used = run(join(REPO_ROOT, 'dist/bin'));
    const disabled = spawnSync(process.execPath, [join(REPO_ROOT, 'dist/bin/driftcheck.js'), ...ARGS], { encoding: 'utf8', env: { ...process.env, DRIFTCHECK_CACHE_DIR: cacheDir, DRIFTCHECK_CODE_CACHE: 'off', NO_COLOR: '1' } });
    expect({ status: disabled.status, stdout: disabled.stdout }).toEqual({ status: used.status, stdout: used.stdout });
    const debug = run(join(REPO_ROOT, 'dist/bin'), [...ARGS, '--debug']);
    expect(cacheLine(debug.stderr)).toBe('driftcheck: code cache not used (--debug)');
    expect(debug.stdout).toBe(used.stdout);
  });

  describe('a bad cache file is ignored, never trusted', () => {
    const expected = (): { status: number | null; stdout: string } => {
      const r = run(join(REPO_ROOT, 'dist/bin'));
      return { status: r.status, stdout: r.stdout };
    };
    const cases: [string, () => void, string][] = [
      ['missing', () => rmSync(CACHE()), 'not used (absent or invalid)'],
      ['empty', () => writeFileSync(CACHE(), ''), 'not used (absent or invalid)'],
      ['truncated', () => writeFileSync(CACHE(), original().subarray(0, original().length >> 1)), 'not used (absent or invalid)'],
      ['one byte of the data flipped', () => {
        const bytes = Buffer.from(original());
        const at = bytes.length - 1000;
        bytes[at] = (bytes[at] ?? 0) ^ 0xff;
        writeFileSync(CACHE(), bytes);
      }, 'not used (absent or invalid)'],
      ['a symbolic link to the real data', () => {
        writeFileSync(join(copy, 'elsewhere.cache'), original());
        rmSync(CACHE());
        symlinkSync(join(copy, 'elsewhere.cache'), CACHE());
      }, 'not used (absent or invalid)'],
      // A whole, digest-checked file whose data V8 does not accept (another V8, other flags, or
      // not code cache data at all): V8's own checks refuse it.
      ['data V8 refuses, with the right id and digest', () => {
        const data = Buffer.alloc(4096, 7);
        writeFileSync(CACHE(), cacheFile(buildId(join(copy, 'core.cjs')), data));
      }, 'not used (rejected by V8)'],
      // The id ties the data to one build: the same data under another id is not used.
      ['whole data with another build id', () => {
        const { data } = parts(original());
        writeFileSync(CACHE(), cacheFile('0'.repeat(32), data));
      }, 'not used (absent or invalid)'],
    ];
    for (const [name, damage, line] of cases) {
      it(name, () => {
        const want = expected();
        rmSync(CACHE(), { force: true });
        writeFileSync(CACHE(), original());
        expect(cacheLine(run(copy).stderr)).toBe('driftcheck: code cache used');
        damage();
        const result = run(copy);
        expect(cacheLine(result.stderr)).toBe(`driftcheck: code cache ${line}`);
        expect({ status: result.status, stdout: result.stdout }).toEqual(want);
      });
    }

    it('a bundle rebuilt with another id (its last line changed)', () => {
      const want = expected();
      writeFileSync(CACHE(), original());
      const core = readFileSync(join(REPO_ROOT, 'dist/bin/core.cjs'), 'latin1');
      writeFileSync(join(copy, 'core.cjs'), core.replace(/\/\/ driftcheck build [0-9a-f]{32}\n$/, `// driftcheck build ${'f'.repeat(32)}\n`), 'latin1');
      expect(buildId(join(copy, 'core.cjs'))).toBe('f'.repeat(32));
      try {
        const result = run(copy);
        expect(cacheLine(result.stderr)).toBe('driftcheck: code cache not used (absent or invalid)');
        expect({ status: result.status, stdout: result.stdout }).toEqual(want);
      } finally {
        writeFileSync(join(copy, 'core.cjs'), core, 'latin1');
      }
    });

    it('a bundle changed after the build (the cache was made for other text)', () => {
      const want = expected();
      writeFileSync(CACHE(), original());
      appendFileSync(join(copy, 'core.cjs'), '\n// changed\n');
      const result = run(copy);
      expect(cacheLine(result.stderr)).toBe('driftcheck: code cache not used (absent or invalid)');
      expect({ status: result.status, stdout: result.stdout }).toEqual(want);
    });
  });
});

describe('bundled packages a run does not use are not evaluated', () => {
  // semver's module body reads NODE_DEBUG once (its debug switch): a spy on process.env, set up
  // before the command starts, sees whether the bundle evaluated semver (scripts/bundle.mjs,
  // LAZY_IMPORTS; dockerfile-ast is deferred the same way).
  function semverEvaluated(fixture: string): boolean {
    const out = join(cacheDir, `env-${Math.random().toString(36).slice(2)}.json`);
    const preload = join(cacheDir, 'spy-env.cjs');
    writeFileSync(preload, [
      'const real = process.env;',
      'const reads = [];',
      "process.env = new Proxy(real, { get(target, key) { if (key === 'NODE_DEBUG') reads.push(new Error().stack.split('\\n')[2] ?? ''); return Reflect.get(target, key); } });",
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(reads)));`,
    ].join('\n'));
    const result = spawnSync(process.execPath, ['-r', preload, join(REPO_ROOT, 'dist/bin/driftcheck.js'), fixture, '--no-cache'], { encoding: 'utf8', env: { ...process.env, DRIFTCHECK_CACHE_DIR: cacheDir, NO_COLOR: '1' } });
    expect([0, 1], result.stderr).toContain(result.status);
    return (JSON.parse(readFileSync(out, 'utf8')) as string[]).some((frame) => frame.includes('core.cjs'));
  }

  it('an audit with no npm lock or Node service never evaluates semver', () => {
    expect(semverEvaluated(FIXTURE)).toBe(false);
  });

  it('control: a Node service whose engines range is checked does', () => {
    expect(semverEvaluated(join(REPO_ROOT, 'fixtures/rules/node-version-drift/flags-build-stage-yarn'))).toBe(true);
  });
});

describe('built-ins a run does not use are not loaded', () => {
  /** The Node built-in modules the command loaded, as process.moduleLoadList lists them at exit. */
  function builtins(args: readonly string[]): string[] {
    const out = join(cacheDir, `modules-${Math.random().toString(36).slice(2)}.json`);
    const preload = join(cacheDir, 'list-modules.cjs');
    writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.moduleLoadList)));\n`);
    const result = spawnSync(process.execPath, ['-r', preload, join(REPO_ROOT, 'dist/bin/driftcheck.js'), ...args], { encoding: 'utf8', env: { ...process.env, DRIFTCHECK_CACHE_DIR: cacheDir, NO_COLOR: '1' } });
    expect([0, 1], result.stderr).toContain(result.status);
    return (JSON.parse(readFileSync(out, 'utf8')) as string[]).filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
  }

  it('an audit starts no process and no thread, so child_process and worker_threads stay unloaded', () => {
    const loaded = builtins(ARGS);
    expect(loaded).not.toContain('child_process');
    expect(loaded).not.toContain('worker_threads');
  });

  it('control: --changed-since runs git, so it loads child_process', () => {
    const repo = mkdtempSync(join(cacheDir, 'repo-'));
    cpSync(FIXTURE, repo, { recursive: true });
    const git = (...args: string[]): void => {
      const r = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    };
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'fixture');
    expect(builtins([repo, '--no-cache', '--changed-since', 'HEAD'])).toContain('child_process');
  });
});
