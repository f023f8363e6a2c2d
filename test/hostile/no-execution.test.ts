// driftcheck never executes the audited repository and never touches the network unprompted
// (issue #9). A canary repository whose setup.py, conftest.py, sitecustomize.py, .pth file,
// __init__/__main__ modules and npm lifecycle scripts would each write a marker file if anything ran
// them is audited in every mode; no marker may appear. Then the CLI runs with no network at all
// (a fresh network namespace) and with sockets and DNS made to throw.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A repo where running anything writes `<markers>/<who>`. */
function canaryRepo(): { dir: string; markers: string } {
  const dir = mkdtempSync(join(tmpdir(), 'driftcheck-canary-'));
  const markers = mkdtempSync(join(tmpdir(), 'driftcheck-markers-'));
  temps.push(dir, markers);
  const py = (who: string): string => `open(${JSON.stringify(join(markers, who))}, "w").write("ran")\n`;
  const sh = (who: string): string => `touch ${JSON.stringify(join(markers, who))}`;
  writeFileSync(join(dir, 'setup.py'), `${py('setup.py')}from setuptools import setup\nsetup(name="canary", install_requires=["requests"])\n`);
  writeFileSync(join(dir, 'conftest.py'), py('conftest.py'));
  writeFileSync(join(dir, 'sitecustomize.py'), py('sitecustomize.py'));
  writeFileSync(join(dir, 'usercustomize.py'), py('usercustomize.py'));
  writeFileSync(join(dir, 'canary.pth'), `import os; ${py('pth').trim()}\n`);
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'app', '__init__.py'), py('app-init'));
  writeFileSync(join(dir, 'app', '__main__.py'), `${py('app-main')}import yaml\nimport totally_missing_pkg_xyz\n`);
  writeFileSync(join(dir, 'requirements.txt'), 'fastapi==0.115.6\n-e .\n');
  writeFileSync(join(dir, 'requirements-dev.txt'), 'PyYAML==6.0.2\n');
  writeFileSync(join(dir, 'Dockerfile'), 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python", "-m", "app", "--reload"]\n');
  writeFileSync(join(dir, 'docker-compose.yml'), 'services:\n  api:\n    build: .\n    command: uvicorn app:app --reload\n');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'canary', version: '1.0.0',
    scripts: { preinstall: sh('preinstall'), install: sh('install'), postinstall: sh('postinstall'), prepare: sh('prepare'), prepack: sh('prepack'), test: sh('test') },
    dependencies: { 'left-pad': '1.3.0' },
  }, null, 2));
  writeFileSync(join(dir, 'Makefile'), `all:\n\t${sh('make')}\n`);
  // A Node service whose JavaScript NPM004 reads: running it, or evaluating anything but a plain
  // string literal of it (es-module-lexer decodes literals), writes markers.
  const js = (who: string): string => `require('fs').writeFileSync(${JSON.stringify(join(markers, who))}, 'ran')`;
  mkdirSync(join(dir, 'web'));
  writeFileSync(join(dir, 'web', 'Dockerfile'), 'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["npm", "start"]\n');
  writeFileSync(join(dir, 'web', 'package.json'), JSON.stringify({ name: 'web', scripts: { start: 'node server.js', prestart: sh('prestart') } }));
  writeFileSync(join(dir, 'web', 'server.js'), `${js('server.js')};\nrequire(\`x\${${js('template')}}\`);\nimport(${js('dynamic')} || 'y');\nrequire('./lib' + ${js('concat')});\nrequire('./lib');\n`);
  writeFileSync(join(dir, 'web', 'lib.js'), `${js('lib.js')};\nmodule.exports = require('left-pad');\n`);
  return { dir, markers };
}

function cli(dir: string, args: readonly string[], prefix: readonly string[] = [], env: Record<string, string> = {}) {
  const [cmd, ...rest] = [...prefix, process.execPath, CLI, dir, ...args];
  return spawnSync(cmd as string, rest, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', ...env } });
}

describe('never runs the audited code', () => {
  it('no canary fires in any mode', () => {
    const { dir, markers } = canaryRepo();
    for (const args of [[], ['--format', 'json'], ['--format', 'markdown'], ['--format', 'sarif'], ['--diff', '--unsafe-fixes'], ['--fix', '--unsafe-fixes'], ['--fix']]) {
      const r = cli(dir, args);
      expect(r.stderr, args.join(' ')).not.toMatch(/internal error/);
      expect([0, 1], `${args.join(' ')}: ${r.stderr}`).toContain(r.status);
      expect(readdirSync(markers), `after driftcheck ${args.join(' ')}`).toEqual([]);
    }
    // The canaries are real: Python would have fired the marker (when Python exists here).
    const python = spawnSync('python3', [join(dir, 'conftest.py')]);
    if (python.status === 0) expect(existsSync(join(markers, 'conftest.py'))).toBe(true);
    // ... and so would Node, for the service's JavaScript, which NPM004 did read (it names lib.js).
    expect(cli(dir, ['--select', 'NPM004', '-q']).stdout).toContain('web/lib.js');
    spawnSync(process.execPath, [join(dir, 'web', 'lib.js')]);
    expect(existsSync(join(markers, 'lib.js'))).toBe(true);
  });
});

describe('never touches the network unprompted', () => {
  it('succeeds in a network namespace with no interfaces up (unshare -n)', () => {
    const probe = spawnSync('unshare', ['-n', 'true']);
    if (probe.error || probe.status !== 0) {
      console.warn(`skipped: unshare -n is not available here (${probe.error?.message ?? probe.stderr?.toString().trim()})`);
      return;
    }
    const { dir } = canaryRepo();
    const r = cli(dir, ['--format', 'json'], ['unshare', '-n']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect([0, 1]).toContain(r.status);
    // The same report as with the network: the namespace changes nothing.
    expect(r.stdout).toBe(cli(dir, ['--format', 'json']).stdout);
    expect((JSON.parse(r.stdout) as { findings: unknown[] }).findings.length).toBeGreaterThan(0);
  });

  it('succeeds when every socket connect and DNS lookup throws (and none is attempted)', () => {
    const { dir, markers } = canaryRepo();
    const attempted = join(markers, 'network-attempted');
    const hook = [
      "import net from 'node:net'; import dns from 'node:dns'; import fs from 'node:fs';",
      `const fail = (what) => { fs.writeFileSync(${JSON.stringify(attempted)}, what); throw new Error('network access: ' + what); };`,
      "net.Socket.prototype.connect = function () { fail('connect'); };",
      "dns.lookup = () => fail('dns.lookup'); dns.resolve = () => fail('dns.resolve');",
      "dns.promises.lookup = async () => fail('dns.promises.lookup');",
    ].join('\n');
    const loader = join(markers, '..', `driftcheck-nonet-${process.pid}.mjs`);
    writeFileSync(loader, hook);
    temps.push(loader);
    for (const args of [['--format', 'json'], ['--diff', '--unsafe-fixes'], ['--fix']]) {
      const r = spawnSync(process.execPath, ['--import', loader, CLI, dir, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
      expect(r.stderr).not.toMatch(/internal error|network access/);
      expect([0, 1], r.stderr).toContain(r.status);
    }
    expect(existsSync(attempted)).toBe(false);
  });
});
