// The library as a user installs it: `npm pack`, the tarball unpacked as node_modules/driftcheck
// of a scratch project (its dependencies linked from this checkout's node_modules, as an offline
// install would put them), then `import { audit } from 'driftcheck'` from plain Node and the
// declarations through the exports map from TypeScript (NodeNext).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';

const SUTAZAI = join(REPO_ROOT, 'fixtures/projects/sutazai');
const work = mkdtempSync(join(tmpdir(), 'driftcheck-pack-'));
const consumer = join(work, 'consumer');

beforeAll(() => {
  // dist/ is already built (`npm test` builds first): skip `prepare`.
  const name = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: REPO_ROOT, encoding: 'utf8' }).trim().split('\n').pop() ?? '';
  const installed = join(consumer, 'node_modules', 'driftcheck');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(work, name), '-C', installed, '--strip-components=1']);
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(installed, 'node_modules'), 'dir');
  writeFileSync(join(consumer, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('the packed library (package.json main, types, exports)', () => {
  it('ships dist/index.js and its declarations, and no sources or tests', () => {
    const installed = join(consumer, 'node_modules', 'driftcheck');
    const top = readdirSync(installed).sort();
    expect(top).toEqual(['README.md', 'dist', 'node_modules', 'package.json']);
    const dist = readdirSync(join(installed, 'dist'));
    for (const file of ['index.js', 'index.d.ts', 'audit.js', 'audit.d.ts']) expect(dist).toContain(file);
  });

  it('imports from plain Node and audits a fixture', () => {
    writeFileSync(
      join(consumer, 'use.mjs'),
      [
        "import { audit, jsonReport, textReport, computeFixes, unifiedDiff, VERSION } from 'driftcheck';",
        'const root = process.argv[2];',
        'const result = audit({ root });',
        "const json = JSON.parse(jsonReport(result, '.'));",
        "const patch = unifiedDiff(computeFixes({ root }, result, { unsafe: false }).changes);",
        "console.log(JSON.stringify({ version: VERSION, rules: [...new Set(json.findings.map((f) => f.ruleId))].sort(), text: textReport(result, { color: false, displayRoot: '.', quiet: true }).includes('DEP001'), patch: patch.includes('+chromadb') }));",
      ].join('\n'),
    );
    const out = JSON.parse(execFileSync(process.execPath, ['use.mjs', SUTAZAI], { cwd: consumer, encoding: 'utf8' })) as { version: string; rules: string[]; text: boolean; patch: boolean };
    expect(out.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(out.rules).toEqual(expect.arrayContaining(['DEP001', 'MOD001', 'PIN001', 'PROD001']));
    expect(out.text).toBe(true);
    expect(out.patch).toBe(true);
  });

  it('type-checks a TypeScript consumer against the exported declarations', () => {
    writeFileSync(
      join(consumer, 'use.ts'),
      [
        "import { audit, sarifReport, type AuditResult, type Finding, type Severity } from 'driftcheck';",
        "const result: AuditResult = audit({ root: '.', select: ['DEP001'] });",
        'const errors: Finding[] = result.findings.filter((f) => f.severity === (\'error\' satisfies Severity));',
        'export const sarif: string = sarifReport(result, { pathPrefix: \'\' });',
        'export const count: number = errors.length;',
      ].join('\n'),
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['use.ts'] }),
    );
    execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: consumer, encoding: 'utf8' });
  });
});
