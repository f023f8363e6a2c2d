// An installed environment's metadata, read from disk: `*.dist-info/METADATA` (Name, Version,
// Requires-Dist), `top_level.txt`, else the top-level names in `RECORD`. Nothing is imported or run.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { normalizeDistribution } from '../model/pep440.js';
import { parseCoreMetadata } from './requires.js';
import type { DistributionMetadata } from '../model/metadata-types.js';

const MAX_METADATA_BYTES = 2 * 1024 * 1024;

/**
 * The site-packages directories of an environment: `dir` itself when it holds `*.dist-info`,
 * else `dir/lib/python3.*\/site-packages` (POSIX venv) and `dir/Lib/site-packages` (Windows).
 */
export function sitePackagesOf(dir: string): string[] {
  const out: string[] = [];
  const hasDistInfo = (d: string): boolean => safeList(d).some((n) => n.endsWith('.dist-info'));
  if (hasDistInfo(dir)) out.push(dir);
  for (const lib of ['lib', 'lib64']) {
    for (const py of safeList(join(dir, lib)).filter((n) => /^python3(\.\d+)?$/.test(n)).sort()) {
      const site = join(dir, lib, py, 'site-packages');
      if (isDir(site) && !out.includes(site)) out.push(site);
    }
  }
  const windows = join(dir, 'Lib', 'site-packages');
  if (isDir(windows) && !out.includes(windows)) out.push(windows);
  return out;
}

/** `.venv` or `venv` under the audited root, when one holds site-packages. */
export function findLocalEnv(root: string): string | null {
  for (const name of ['.venv', 'venv']) {
    const dir = join(root, name);
    if (isDir(dir) && sitePackagesOf(dir).length > 0) return dir;
  }
  return null;
}

/**
 * Every distribution installed in the environment at `dir` (a venv or a site-packages folder),
 * sorted by normalised name. `source` paths are relative to `relativeTo` when given.
 */
export function readPythonEnv(dir: string, relativeTo?: string): DistributionMetadata[] {
  const out = new Map<string, DistributionMetadata>();
  for (const site of sitePackagesOf(dir)) {
    for (const entry of safeList(site).filter((n) => n.endsWith('.dist-info')).sort()) {
      const info = join(site, entry);
      const metadataPath = join(info, 'METADATA');
      const text = readSmall(metadataPath);
      if (text === null) continue;
      const meta = parseCoreMetadata(text);
      const fromDir = /^(.+?)-([^-]+)\.dist-info$/.exec(entry);
      const name = meta.name ?? fromDir?.[1] ?? null;
      const version = meta.version ?? fromDir?.[2] ?? null;
      if (!name || !version) continue;
      const key = normalizeDistribution(name);
      if (out.has(key)) continue;
      const source = (relativeTo ? relative(relativeTo, metadataPath) : metadataPath).split('\\').join('/');
      out.set(key, { name, key, version, requires: meta.requires, topLevel: topLevelNames(info), source });
    }
  }
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** `top_level.txt` when present, else the first path component of every RECORD entry that is importable. */
function topLevelNames(info: string): string[] {
  const top = readSmall(join(info, 'top_level.txt'));
  if (top !== null) return [...new Set(top.split(/\r?\n/).map((l) => l.trim().replace(/\//g, '.')).filter(Boolean))].sort();
  const record = readSmall(join(info, 'RECORD'));
  if (record === null) return [];
  const names = new Set<string>();
  for (const line of record.split(/\r?\n/)) {
    const path = line.split(',')[0] ?? '';
    if (path === '' || path.startsWith('..') || path.startsWith('/')) continue;
    const first = path.split('/')[0] ?? '';
    if (first.endsWith('.dist-info') || first.endsWith('.data') || first === '__pycache__') continue;
    if (path.includes('/')) {
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(first)) names.add(first);
    } else {
      const module = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z0-9_-]+)?\.(py|so|pyd)$/.exec(first);
      if (module?.[1]) names.add(module[1]);
    }
  }
  return [...names].sort();
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readSmall(path: string): string | null {
  try {
    if (!existsSync(path) || statSync(path).size > MAX_METADATA_BYTES) return null;
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
