// `--index-url`: package metadata from a PEP 691 JSON simple index and PEP 658/714 `.metadata`
// files, opt-in and cached on disk keyed by URL. audit() is synchronous, so the network part runs
// in one short child process (index-fetch.ts) that fills the cache; rules read only the cache.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, valid } from '@renovatebot/pep440';
import { parseCoreMetadata } from './requires.js';
import type { DistributionMetadata } from '../model/metadata-types.js';
import { childProcess } from '../util/lazy-builtins.js';

export const NOT_FOUND = '\u0000not-found';

/** DRIFTCHECK_CACHE_DIR, else the platform's user cache folder. */
export function cacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const override = env['DRIFTCHECK_CACHE_DIR'];
  if (override) return override;
  if (process.platform === 'win32') return join(env['LOCALAPPDATA'] ?? join(homedir(), 'AppData', 'Local'), 'driftcheck', 'Cache');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'driftcheck');
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'driftcheck');
}

export function cacheFile(dir: string, url: string): string {
  return join(dir, 'index', `${createHash('sha256').update(url).digest('hex').slice(0, 40)}`);
}

export function readCache(dir: string, url: string): string | null {
  try {
    return readFileSync(cacheFile(dir, url), 'utf8');
  } catch {
    return null;
  }
}

export function writeCache(dir: string, url: string, body: string): void {
  const path = cacheFile(dir, url);
  mkdirSync(join(dir, 'index'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, body);
  renameSync(tmp, path);
}

export function projectPageUrl(indexUrl: string, key: string): string {
  return `${indexUrl.replace(/\/+$/, '')}/${key}/`;
}

interface IndexFile {
  readonly filename: string;
  readonly url: string;
  readonly metadata: boolean;
}

function filesOf(page: string): IndexFile[] | null {
  try {
    const doc = JSON.parse(page) as { files?: unknown };
    if (!Array.isArray(doc.files)) return null;
    return doc.files.flatMap((f: unknown) => {
      if (typeof f !== 'object' || f === null) return [];
      const file = f as Record<string, unknown>;
      if (typeof file.filename !== 'string' || typeof file.url !== 'string') return [];
      const meta = file['core-metadata'] ?? file['data-dist-info-metadata'];
      return [{ filename: file.filename, url: file.url, metadata: meta !== undefined && meta !== false && meta !== null }];
    });
  } catch {
    return null;
  }
}

function versionOfFile(filename: string): string | null {
  const wheel = /^[^-]+-([^-]+)-.*\.whl$/i.exec(filename);
  if (wheel) return wheel[1] ?? null;
  const sdist = /^.+-([0-9][^-]*)\.(?:tar\.gz|zip)$/i.exec(filename);
  return sdist?.[1] ?? null;
}

function sameRelease(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return valid(a) !== null && valid(b) !== null && eq(a, b);
  } catch {
    return false;
  }
}

/** The `.metadata` URL for one version on a project page (wheels first), or null. */
export function metadataUrlFor(pageUrl: string, page: string, version: string): string | null {
  const files = filesOf(page);
  if (!files) return null;
  const matching = files.filter((f) => f.metadata && sameRelease(versionOfFile(f.filename) ?? '', version));
  const chosen = matching.find((f) => f.filename.endsWith('.whl')) ?? matching[0];
  if (!chosen) return null;
  const url = new URL(chosen.url, pageUrl);
  url.hash = '';
  return `${url.toString()}.metadata`;
}

/** Metadata of `key==version` from the cache, or null when the cache does not have it. */
export function cachedIndexMetadata(dir: string, indexUrl: string, key: string, version: string): DistributionMetadata | null {
  const pageUrl = projectPageUrl(indexUrl, key);
  const page = readCache(dir, pageUrl);
  if (page === null || page === NOT_FOUND) return null;
  const metadataUrl = metadataUrlFor(pageUrl, page, version);
  const text = metadataUrl ? readCache(dir, metadataUrl) : null;
  if (text === null || text === NOT_FOUND || !metadataUrl) return null;
  const meta = parseCoreMetadata(text);
  return { name: meta.name ?? key, key, version, requires: meta.requires, topLevel: [], source: metadataUrl };
}

/** Is everything needed for `key==version` already cached (found or known missing)? */
function cached(dir: string, indexUrl: string, key: string, version: string): boolean {
  const pageUrl = projectPageUrl(indexUrl, key);
  const page = readCache(dir, pageUrl);
  if (page === null) return false;
  if (page === NOT_FOUND) return true;
  const metadataUrl = metadataUrlFor(pageUrl, page, version);
  return metadataUrl === null || readCache(dir, metadataUrl) !== null;
}

export interface PrefetchRequest {
  readonly indexUrl: string;
  readonly cacheDir: string;
  readonly wanted: readonly { readonly key: string; readonly version: string }[];
  readonly timeoutMs: number;
}

/**
 * Fills the cache for every wanted `key==version` not already in it. Returns one-line warnings
 * (an unreachable index, a timeout); never throws.
 */
export function prefetchIndex(indexUrl: string, wanted: readonly { key: string; version: string }[], dir = cacheDir()): string[] {
  const missing = wanted.filter((w) => !cached(dir, indexUrl, w.key, w.version));
  if (missing.length === 0) return [];
  const worker = fileURLToPath(new URL('./index-fetch.js', import.meta.url));
  const request: PrefetchRequest = { indexUrl, cacheDir: dir, wanted: missing, timeoutMs: 10_000 };
  const result = childProcess().spawnSync(process.execPath, [worker], { input: JSON.stringify(request), encoding: 'utf8', timeout: 120_000, maxBuffer: 4 * 1024 * 1024 });
  if (result.error) return [`--index-url ${indexUrl}: could not fetch package metadata (${result.error.message})`];
  return result.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}
