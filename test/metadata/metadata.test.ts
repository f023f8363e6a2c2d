import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLockfile } from '../../src/metadata/lockfiles.js';
import { findLocalEnv, readPythonEnv } from '../../src/metadata/python-env.js';
import { parseRequiresDist } from '../../src/metadata/requires.js';

describe('parseRequiresDist', () => {
  it.each([
    ['httpcore==1.*', { key: 'httpcore', specifier: '==1.*', marker: null }],
    ['idna (>=2.5, <4)', { key: 'idna', specifier: '>=2.5,<4', marker: null }],
    ['PySocks!=1.5.7,>=1.5.6; extra == "socks"', { key: 'pysocks', specifier: '!=1.5.7,>=1.5.6', marker: 'extra == "socks"' }],
    ['typing_extensions[x]>=4 ; python_version < "3.11"', { key: 'typing-extensions', specifier: '>=4', marker: 'python_version < "3.11"' }],
  ])('%s', (line, expected) => {
    expect(parseRequiresDist(line)).toMatchObject(expected);
  });
  it('skips direct references', () => {
    expect(parseRequiresDist('pkg @ https://example.invalid/pkg.whl')).toBeNull();
  });
});

describe('readPythonEnv', () => {
  it('reads Name, Version, Requires-Dist and top-level names (top_level.txt, else RECORD)', () => {
    const root = mkdtempSync(join(tmpdir(), 'driftcheck-env-'));
    const site = join(root, '.venv', 'lib', 'python3.12', 'site-packages');
    mkdirSync(join(site, 'PyYAML-6.0.2.dist-info'), { recursive: true });
    writeFileSync(join(site, 'PyYAML-6.0.2.dist-info', 'METADATA'), 'Metadata-Version: 2.1\nName: PyYAML\nVersion: 6.0.2\n\nbody\n');
    writeFileSync(join(site, 'PyYAML-6.0.2.dist-info', 'top_level.txt'), '_yaml\nyaml\n');
    mkdirSync(join(site, 'python_dotenv-1.0.1.dist-info'), { recursive: true });
    writeFileSync(join(site, 'python_dotenv-1.0.1.dist-info', 'METADATA'), 'Metadata-Version: 2.1\nName: python-dotenv\nVersion: 1.0.1\nRequires-Dist: click>=5.0; extra == "cli"\n');
    writeFileSync(join(site, 'python_dotenv-1.0.1.dist-info', 'RECORD'), 'dotenv/__init__.py,sha256=x,1\ndotenv/main.py,sha256=x,1\npython_dotenv-1.0.1.dist-info/METADATA,,\n../../../bin/dotenv,,\nsix.py,,\n');
    expect(findLocalEnv(root)).toBe(join(root, '.venv'));
    const dists = readPythonEnv(join(root, '.venv'), root);
    expect(dists.map((d) => [d.key, d.version, d.topLevel])).toEqual([
      ['python-dotenv', '1.0.1', ['dotenv', 'six']],
      ['pyyaml', '6.0.2', ['_yaml', 'yaml']],
    ]);
    expect(dists[0]?.requires[0]).toMatchObject({ key: 'click', specifier: '>=5.0', marker: 'extra == "cli"' });
    expect(dists[0]?.source).toBe('.venv/lib/python3.12/site-packages/python_dotenv-1.0.1.dist-info/METADATA');
  });
});

describe('readLockfile', () => {
  it('reads uv.lock dependency names', () => {
    const dists = readLockfile('uv.lock', '[[package]]\nname = "httpx"\nversion = "0.28.1"\ndependencies = [\n  { name = "anyio" },\n  { name = "httpcore" },\n]\n');
    expect(dists[0]?.requires.map((r) => r.key)).toEqual(['anyio', 'httpcore']);
  });
  it('returns nothing for a broken file', () => {
    expect(readLockfile('poetry.lock', '[[package]\nname=')).toEqual([]);
  });
});
