// Warm runs: when nothing driftcheck reads has changed since the last run with the same options,
// hand back that run's report instead of auditing again.
//
// Why a whole-result cache rather than per-file parse results: on a 10,000-file monorepo the rules
// (which join files across services) cost as much as parsing, so caching parses alone cannot make
// a repeat run cheap; checking that nothing changed needs only a directory walk and one stat per
// file (bench/RESULTS.md has the figures).
//
// An entry is keyed by everything that shapes the result besides the files (driftcheck's version,
// the root, rule selection, config, limits) and holds a signature of the inputs: every file
// discovery would read (path, size, mtime, ctime, inode), the names it records without reading,
// the files read on demand (`-r` targets outside discovery) and the ones found absent. Like git's
// index, a file modified within RACY_MS of the run could change again without its mtime moving,
// so a run whose inputs are that fresh is not stored. A file whose mtime is old but whose ctime is
// that fresh (`cp -p`, `touch -d`, an extraction) is signed by what was read, too: on a filesystem
// with 1-second timestamps, a same-size rewrite within that second keeps every stat field, so the
// entry also holds a digest of the text the audit read (re-read and compared on lookup). Entries are written to a temp file and
// renamed (concurrent runs never see half an entry). An entry is not trusted: it is opened without
// following links and non-blocking, must be a regular file under MAX_ENTRY_BYTES and have the
// exact shape of a report; anything else is deleted and counts as a miss.
//
// An entry is two lines of JSON: what the check needs (the key, the signature, the extra files),
// then the report. The check parses the first line only; the report (megabytes on a large tree) is
// parsed after the signature matched, so a miss never parses it, and a hit holds it only while it
// is rendered, not while the tree is walked and stat'ed.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditOptions, AuditReport, AuditResult } from '../audit.js';
import { DEFAULT_DISCOVER_OPTIONS, contentDigest, contentDigestOf, listFiles, stampOf, type FileStamp, type RecordedWalk } from '../discover.js';
import { DEFAULT_CONFIG } from '../config/types.js';
import { cacheDir } from '../metadata/index-cache.js';
import { findLocalEnv } from '../metadata/python-env.js';
import { SEVERITY_RANK } from '../findings/types.js';
import { FileChangedError } from '../source.js';
import { atomicWrite, errorCode, readGuarded } from '../util/safe-fs.js';
import { VERSION } from '../version.js';


const FORMAT = 4;
export const RACY_MS = 2_000;
/** Entries kept per cache directory; older ones are removed after a write. */
const MAX_ENTRIES = 64;
/** A report of a 200,000-file tree stays far below this; a larger entry is not one of ours. */
const MAX_ENTRY_BYTES = 256 * 1024 * 1024;
/** Temp files older than this are leftovers of a killed run (a write takes milliseconds). */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** An entry's first line. */
interface Header {
  readonly format: number;
  readonly key: string;
  readonly signature: string;
  /** Files read on demand beyond discovery, and referenced files found absent. */
  readonly extras: { readonly read: readonly string[]; readonly absent: readonly string[] };
  /** Files whose ctime was too fresh to trust: the signature includes a digest of their text. */
  readonly digested?: readonly string[];
}

/** `<cache dir>/results` (DRIFTCHECK_CACHE_DIR, else the platform's user cache folder). */
export function resultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return join(cacheDir(env), 'results');
}

/**
 * Which build of driftcheck is running: the version alone would let a rebuilt checkout (same
 * version, new rules) reuse an older build's results, so the program files' stats count too.
 */
export function buildIdentity(): string {
  const dir = dirname(fileURLToPath(import.meta.url));
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.js') || name.endsWith('.cjs'))
      .sort()
      .map((name) => {
        const stat = statSync(join(dir, name));
        return `${name}:${stat.size}:${stat.mtimeMs}`;
      })
      .join(',');
  } catch {
    return 'unknown';
  }
}

/**
 * Can this audit be cached at all? Package metadata from an installed environment or an index
 * lives outside the audited files, so those runs always audit.
 */
export function cacheable(options: AuditOptions): boolean {
  return options.overrides === undefined && options.pythonEnv === undefined && options.indexUrl === undefined && findLocalEnv(options.root) === null;
}

/** The stored report of an identical earlier run, or null. */
export function readCachedReport(dir: string, options: AuditOptions): AuditReport | null {
  return lookupCachedReport(dir, options).report;
}

/**
 * The stored report of an identical earlier run, or null; on a miss after walking the tree (an
 * entry existed but an input changed), that walk too, for discovery to replay instead of walking
 * again (`AuditOptions.walk`).
 */
export function lookupCachedReport(dir: string, options: AuditOptions): { report: AuditReport | null; walk: RecordedWalk | null } {
  const miss = { report: null, walk: null };
  const key = keyOf(options);
  const path = entryPath(dir, key);
  let bytes: Buffer;
  let newline: number;
  let header: unknown;
  try {
    const read = readGuarded(path, { rootReal: null, maxBytes: MAX_ENTRY_BYTES, followLinks: false });
    if ('refused' in read) return { ...miss, report: discard(path) };
    bytes = read.bytes;
    newline = bytes.indexOf(0x0a);
    if (newline === -1) return { ...miss, report: discard(path) };
    header = JSON.parse(bytes.toString('utf8', 0, newline));
  } catch (error) {
    // ELOOP: a symbolic link (O_NOFOLLOW); a syntax error: a truncated or foreign file.
    return errorCode(error) === 'ENOENT' ? miss : { ...miss, report: discard(path) };
  }
  if (!isHeader(header, key)) return { ...miss, report: discard(path) };
  const extras = extrasOf(header);
  const listing = currentListing(options);
  if (listing === null) return miss;
  const maxBytes = (options.discover ?? DEFAULT_DISCOVER_OPTIONS).maxFileBytes;
  const digests = new Map(digestedOf(header).map((path) => [path, currentDigest(join(options.root, path), maxBytes)]));
  // The stats taken here go to discovery on a miss (RecordedWalk.stamps): no file is stat'ed twice.
  const stamps: (FileStamp | null)[] = [];
  const current = signatureOf(options, listing.candidates, extras.read, extras.absent, listing.otherPaths, new Map(), digests, (index, stamp) => (stamps[index] = stamp));
  if (current.signature !== header.signature) return { report: null, walk: { ...listing, stamps } };
  // Nothing changed: the report, which must have the exact shape a renderer relies on.
  let report: unknown;
  try {
    report = JSON.parse(bytes.toString('utf8', newline + 1));
  } catch {
    report = null;
  }
  return isReport(report) ? { report, walk: null } : { report: discard(path), walk: { ...listing, stamps } };
}

/**
 * Stores a result unless an input changed within RACY_MS before the audit started (or during it):
 * such a file could change again without its mtime moving.
 */
export function writeCachedReport(dir: string, options: AuditOptions, result: AuditResult, auditStartedAt: number): void {
  // The stats discovery took before reading each file: a file changed since then no longer
  // matches, so the next run audits again (never the reverse), and no second walk is needed.
  const discovered = new Set(result.inputs.map((input) => input.rel));
  const read = [...result.project.files.keys()].filter((path) => !discovered.has(path)).sort();
  // A file read on demand is signed by the stat taken as it was read, like discovery's files.
  const racy = auditStartedAt - RACY_MS;
  const stamps = [...result.inputs.map((input) => [input.rel, input.stamp] as const), ...read.map((path) => [path, result.extraStamps.get(path) ?? null] as const)];
  const digests = new Map<string, string>();
  for (const [path, stamp] of stamps) {
    if (stamp === null || stamp.ctimeMs <= racy) continue;
    const file = result.project.files.get(path);
    if (!file) return; // fresh, and not read (too large, binary, refused): nothing to sign it by
    try {
      digests.set(path, contentDigest(file));
    } catch (error) {
      // A text not held is read again to be signed; changed since the audit read it, it cannot
      // sign this result: not stored (the report printed is the one of the text read).
      if (error instanceof FileChangedError) return;
      throw error;
    }
  }
  const current = signatureOf(options, result.inputs, read, result.project.absentPaths, result.project.otherPaths, result.extraStamps, digests);
  if (current.newestMtime > racy) return;
  const key = keyOf(options);
  const report: AuditReport = { root: result.root, findings: result.findings, files: result.files, services: result.services, warnings: result.warnings, ...(result.notes ? { notes: result.notes } : {}) };
  const header: Header = {
    format: FORMAT, key, signature: current.signature, extras: { read, absent: result.project.absentPaths },
    ...(digests.size > 0 ? { digested: [...digests.keys()].sort() } : {}),
  };
  try {
    mkdirSync(dir, { recursive: true });
    // No fsync: an entry cut short by a crash fails the shape check and is deleted (a miss).
    // JSON.stringify escapes every newline inside strings: the first newline ends the header.
    atomicWrite(entryPath(dir, key), `${JSON.stringify(header)}\n${JSON.stringify(report)}`, { durable: false });
    prune(dir);
  } catch {
    // a read-only or full cache directory only costs speed
  }
}

/** An entry that cannot be used: removed (a link or FIFO itself, never its target), a miss. */
function discard(path: string): null {
  try {
    rmSync(path, { force: true });
  } catch {
    // best effort: it is refused again next time
  }
  return null;
}

function isHeader(value: unknown, key: string): value is Header {
  const header = value as Partial<Header> | null;
  return typeof header === 'object' && header !== null && header.format === FORMAT && header.key === key && typeof header.signature === 'string';
}

/** The exact shape a renderer and the exit code rely on: a wrong type would be an internal error. */
function isReport(value: unknown): value is AuditReport {
  const r = value as Record<string, unknown> | null;
  return (
    typeof r === 'object' && r !== null && typeof r['root'] === 'string' &&
    every(r['findings'], isFinding) &&
    every(r['files'], (f) => isRecord(f) && typeof f['path'] === 'string' && typeof f['kind'] === 'string') &&
    every(r['services'], (s) => isRecord(s) && typeof s['name'] === 'string' && typeof s['kind'] === 'string' && nullableString(s['composeFile']) && nullableString(s['dockerfile']) && nullableString(s['entry'])) &&
    every(r['warnings'], (w) => isRecord(w) && typeof w['file'] === 'string' && typeof w['message'] === 'string') &&
    (r['notes'] === undefined || every(r['notes'], (n) => isRecord(n) && typeof n['file'] === 'string' && typeof n['message'] === 'string'))
  );
}

function isFinding(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const f = value;
  const numbers = ['line', 'column', 'endLine', 'endColumn'].every((k) => Number.isInteger(f[k]));
  const suppressed = f['suppressed'] === false || (isRecord(f['suppressed']) && typeof f['suppressed']['kind'] === 'string' && nullableString(f['suppressed']['reason']));
  const fix = f['fix'] === null || (isRecord(f['fix']) && typeof f['fix']['title'] === 'string' && typeof f['fix']['applicability'] === 'string' &&
    every(f['fix']['edits'], (e) => isRecord(e) && typeof e['file'] === 'string' && Number.isInteger(e['start']) && Number.isInteger(e['end']) && typeof e['text'] === 'string'));
  return (
    typeof f['ruleId'] === 'string' && typeof f['ruleName'] === 'string' && typeof f['file'] === 'string' && typeof f['message'] === 'string' &&
    typeof f['severity'] === 'string' && Object.hasOwn(SEVERITY_RANK, f['severity']) && numbers && nullableString(f['service']) && suppressed && fix &&
    (f['package'] === undefined || nullableString(f['package'])) &&
    (f['module'] === undefined || nullableString(f['module'])) &&
    every(f['evidence'], (e) => isRecord(e) && typeof e['file'] === 'string' && Number.isInteger(e['line']) && typeof e['message'] === 'string')
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function every(value: unknown, test: (item: unknown) => boolean): boolean {
  return Array.isArray(value) && value.every(test);
}

function nullableString(value: unknown): boolean {
  return value === null || typeof value === 'string';
}

function extrasOf(header: Header): { read: string[]; absent: string[] } {
  const extras = header.extras as { read?: unknown; absent?: unknown } | undefined;
  const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  return { read: strings(extras?.read), absent: strings(extras?.absent) };
}

function digestedOf(header: Header): string[] {
  const digested = header.digested as unknown;
  return Array.isArray(digested) ? digested.filter((v): v is string => typeof v === 'string') : [];
}

/** The digest of a file's text as it is now (non-blocking; a file that cannot be read matches no digest). */
function currentDigest(path: string, maxBytes: number): string {
  try {
    const read = readGuarded(path, { rootReal: null, maxBytes, followLinks: true });
    return 'refused' in read ? 'unreadable' : contentDigestOf(read.bytes);
  } catch {
    return 'unreadable';
  }
}

function keyOf(options: AuditOptions): string {
  let root = options.root;
  try {
    root = realpathSync(options.root);
  } catch {
    // keyed by the path as given
  }
  const material = {
    format: FORMAT,
    version: VERSION,
    build: buildIdentity(),
    node: process.version,
    root,
    select: options.select ?? null,
    ignore: options.ignore ?? null,
    moduleMap: options.moduleMap ?? null,
    discover: options.discover ?? DEFAULT_DISCOVER_OPTIONS,
    config: options.config ?? DEFAULT_CONFIG,
  };
  return createHash('sha256').update(JSON.stringify(material)).digest('hex');
}

function entryPath(dir: string, key: string): string {
  return join(dir, `${key.slice(0, 40)}.json`);
}

function currentListing(options: AuditOptions): RecordedWalk | null {
  try {
    return listFiles(options.root, options.discover ?? DEFAULT_DISCOVER_OPTIONS);
  } catch {
    return null;
  }
}

/**
 * A digest of every input's identity (ctime too: `touch -d` or an extraction can set an old
 * mtime), and the newest mtime. Inputs without a stamp are stat'ed now (at `abs` when the walk
 * gave it, else below the root).
 */
function signatureOf(
  options: AuditOptions,
  inputs: readonly { readonly rel: string; readonly abs?: string; readonly stamp?: FileStamp | null }[],
  read: readonly string[],
  absent: readonly string[],
  otherPaths: readonly string[],
  readStamps: ReadonlyMap<string, FileStamp | null> = new Map(),
  digests: ReadonlyMap<string, string> = new Map(),
  onInputStamp?: (index: number, stamp: FileStamp | null) => void,
): { signature: string; newestMtime: number } {
  const hash = createHash('sha256');
  let newestMtime = 0;
  // The lines are hashed in batches: one update per file cost as much as the hashing itself.
  let batch = '';
  const line = (text: string): void => {
    batch += text;
    if (batch.length > 65_536) {
      hash.update(batch);
      batch = '';
    }
  };
  const addFile = (label: string, path: string, known: FileStamp | null | undefined, abs: string | undefined): FileStamp | null => {
    let stamp = known ?? null;
    if (stamp === null) {
      let stat;
      try {
        // No exception for the common case of a missing file; any other error counts the same.
        stat = statSync(abs ?? join(options.root, path), { throwIfNoEntry: false });
      } catch {
        stat = undefined;
      }
      if (stat === undefined) {
        line(`${label}\0${path}\0absent\n`);
        return null;
      }
      stamp = stampOf(stat);
    }
    newestMtime = Math.max(newestMtime, stamp.mtimeMs);
    line(`${label}\0${path}\0${stamp.key}\n`);
    return stamp;
  };
  for (let index = 0; index < inputs.length; index++) {
    const input = inputs[index] as (typeof inputs)[number];
    const stamp = addFile('read', input.rel, input.stamp, input.abs);
    onInputStamp?.(index, stamp);
  }
  for (const path of read) addFile('extra', path, readStamps.get(path), undefined);
  for (const path of absent) addFile('absent', path, null, undefined);
  line(`other\0${[...otherPaths].sort().join('\0')}\n`);
  for (const path of [...digests.keys()].sort()) line(`digest\0${path}\0${digests.get(path) ?? ''}\n`);
  hash.update(batch);
  return { signature: hash.digest('hex'), newestMtime };
}

/**
 * Keeps the newest `keep` files ending in `suffix` in a cache folder and removes temp files a
 * killed run left behind (lstat: links are not followed). Shared with the parse cache.
 */
export function pruneCacheDir(dir: string, suffix: string, keep: number): void {
  const now = Date.now();
  const entries: { name: string; mtime: number }[] = [];
  for (const name of readdirSync(dir)) {
    let mtime: number;
    try {
      mtime = lstatSync(join(dir, name)).mtimeMs;
    } catch {
      continue;
    }
    if (name.endsWith(suffix)) entries.push({ name, mtime });
    else if (name.endsWith('.tmp') && now - mtime > STALE_TEMP_MS) rmSync(join(dir, name), { force: true });
  }
  entries.sort((a, b) => b.mtime - a.mtime);
  for (const stale of entries.slice(keep)) rmSync(join(dir, stale.name), { force: true });
}

function prune(dir: string): void {
  pruneCacheDir(dir, '.json', MAX_ENTRIES);
}
