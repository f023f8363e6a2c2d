// Incremental runs (issue #18): the models of Python files, requirements files, Dockerfiles and
// compose files parsed by the last run on a tree, keyed by the SHA-256 of each file's text, so a
// run after one file changed parses that file only. The joins (model, rules) run as always: only
// the per-file parse is remembered, and each model is a function of its text alone, so a
// remembered model is exactly what parsing would give (the report is byte-identical).
//
// One pack file per audited root, `<cache dir>/parsed/<key>.jsonl`: a header line naming the key
// (schema, driftcheck version and build, root), then one line per model:
// `<kind>\t<text digest>\t<check>\t<model JSON>`, where check is a digest of the rest of the line.
// Python files are also remembered by their stat: `file\t<path as JSON>\t<check>\t<record JSON>`
// (stamp, text digest, how the text was decoded). A run that finds a file's stamp unchanged takes
// its model without reading it, and reads its text only if a finding, a fix or a suppression needs
// it (checked against the digest then). Like the result cache, a stamp is remembered only when it
// is older than RACY_MS at the start of the run: a later write must change it.
// A Python model's imports are stored as tuples (`[module, level, names, line, column, start, end,
// flags]`), a quarter of their JSON, and come back with the scanner's shared name strings: models
// read from the pack then hold what scanned ones hold (issue #18: ~50 MB against 27 MB as JSON).
// Like the result cache's entries, a pack is not trusted: it is opened without following links,
// non-blocking, size-capped; a line whose check fails, whose JSON does not parse or whose model has
// not the exact shape the model code relies on is ignored (that file is parsed), and a pack with a
// wrong header is ignored. After the audit the pack is rewritten (temp file + rename) with the
// models this run used, so it holds one tree's files and no more; at most MAX_PACKS packs are kept.
// The lines of models parsed during the run go to the new pack's temp file as they come (a cold
// run on a 10,000-file tree would otherwise hold ~27 MB of JSON until the end).
import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { textDigest, type FileStamp } from '../discover.js';
import { MEMO_KINDS, PARSERS, type FileMemo, type FileRecord, type MemoKind, type ParseMemo, type ParsedModels } from '../parsers/memo.js';
import { detached } from '../parsers/python-imports.js';
import type { PyImport, PythonFileModel } from '../parsers/types.js';
import { atomicWriter, errorCode, readGuarded, type AtomicWriter } from '../util/safe-fs.js';
import { VERSION } from '../version.js';
import { buildIdentity, pruneCacheDir, RACY_MS } from './result-cache.js';

/** Bumped whenever a parser's output shape or meaning changes without a version change. */
const SCHEMA = 5;
const MAGIC = 'driftcheck-parsed';
/** Packs kept per cache folder (one per audited root); older ones are removed after a write. */
const MAX_PACKS = 16;
/** A 10,000-file tree's pack is ~30 MB; a larger file is not written, and not read. */
const MAX_PACK_BYTES = 256 * 1024 * 1024;
/** Lines are written to the next pack's temp file in pieces of about this size, not kept. */
const FLUSH_BYTES = 64 * 1024;

/** How many files of each kind were parsed, and how many models came from the pack. */
export type ParseCounts = { readonly [K in MemoKind]: { parsed: number; reused: number } };

export interface ParseCache extends ParseMemo {
  readonly counts: ParseCounts;
  readonly files: FileMemo;
  /** Files taken by their unchanged stat, without reading them. */
  unread(): number;
  /** Rewrites the pack with the models this run used (when it differs); never throws. */
  save(): void;
}

/** `<cache dir>/parsed`. */
export function parseCacheDir(cacheRoot: string): string {
  return join(cacheRoot, 'parsed');
}

/**
 * The store for one root. `read` false (`--no-cache`): nothing is read from the pack, every file
 * is parsed, and save() refreshes the pack. `startedAt`: when the run started (Date.now()); a
 * file's stamp is remembered only when older than RACY_MS then.
 */
export function openParseCache(dir: string, root: string, read: boolean, startedAt = Date.now()): ParseCache {
  const key = keyOf(root);
  const path = join(dir, `${key.slice(0, 40)}.jsonl`);
  const stored = read ? loadPack(path, key) : new Map<string, string>();
  const counts = Object.fromEntries(MEMO_KINDS.map((kind) => [kind, { parsed: 0, reused: 0 }])) as unknown as ParseCounts;
  /** Stored lines this run used, by `<kind>\t<digest>` (slices of the pack's text, no copies). */
  const reused = new Map<string, string>();
  /** Models parsed by this run: their lines go to the next pack's temp file as they come. */
  const fresh = new Set<string>();
  let pending: string[] = [];
  let pendingBytes = 0;
  let bytes = 0;
  let writer: AtomicWriter | null | 'failed' = null;

  /** Writes the pending lines to the next pack's temp file (created on first use). */
  const flush = (): void => {
    if (pending.length === 0 || writer === 'failed') return;
    const text = pending.join('');
    pending = [];
    pendingBytes = 0;
    bytes += text.length;
    try {
      if (bytes > MAX_PACK_BYTES) throw new Error('too large');
      if (writer === null) {
        mkdirSync(dir, { recursive: true });
        writer = atomicWriter(path);
        writer.write(`${MAGIC}\t${key}\n`);
      }
      writer.write(text);
    } catch {
      // a read-only or full cache folder only costs speed
      if (writer !== null) writer.abort();
      writer = 'failed';
    }
  };
  const emit = (line: string): void => {
    pending.push(line);
    pendingBytes += line.length;
    if (pendingBytes > FLUSH_BYTES) flush();
  };

  /** The stored model of a text, or null; a line used is moved to `reused` (it goes to the next pack). */
  const take = <K extends MemoKind>(kind: K, id: string): ParsedModels[K] | null => {
    const line = stored.get(id) ?? reused.get(id);
    if (line === undefined) return null;
    const model = modelOf(kind, id, line);
    if (model === null) return null;
    counts[kind].reused++;
    reused.set(id, line);
    stored.delete(id);
    return model;
  };

  /** A model this run parsed (here or on a worker): its line goes to the next pack. */
  const keep = <K extends MemoKind>(kind: K, id: string, model: ParsedModels[K]): void => {
    counts[kind].parsed++;
    if (writer !== 'failed' && !fresh.has(id) && !reused.has(id)) {
      fresh.add(id);
      const json = JSON.stringify(kind === 'python' ? packPython(model as PythonFileModel) : model);
      emit(`${id}\t${checkOf(id, json)}\t${json}\n`);
    }
  };

  const parseDigested = <K extends MemoKind>(kind: K, text: string): { model: ParsedModels[K]; digest: string } => {
    const digest = textDigest(text);
    const id = `${kind}\t${digest}`;
    const known = take(kind, id);
    if (known !== null) return { model: known, digest };
    const model = (PARSERS[kind] as (text: string) => ParsedModels[K])(text);
    keep(kind, id, model);
    return { model, digest };
  };

  let unread = 0;
  const recordId = (rel: string): string => `file\t${JSON.stringify(rel)}`;
  const files: FileMemo = {
    parseDigested,
    unchanged: (kind, rel, stamp) => {
      const id = recordId(rel);
      const record = recordOf(id, stored.get(id) ?? reused.get(id), stamp);
      if (record === null) return undefined;
      const model = take(kind, `${kind}\t${record.digest}`);
      if (model === null) return undefined;
      unread++;
      return { record, model };
    },
    adopt: (kind, digest, model) => keep(kind, `${kind}\t${digest}`, model),
    remember: (rel, record, stamp) => {
      if (!trusted(stamp, startedAt) || writer === 'failed') return;
      const id = recordId(rel);
      const json = JSON.stringify([stamp.key, record.digest, record.encoding, record.bom, record.eol]);
      const line = `${checkOf(id, json)}\t${json}`;
      if (stored.get(id) === line) {
        reused.set(id, line);
        stored.delete(id);
      } else if (!fresh.has(id) && !reused.has(id)) {
        fresh.add(id);
        emit(`${id}\t${line}\n`);
      }
    },
  };

  const parse = <K extends MemoKind>(kind: K, text: string): ParsedModels[K] => parseDigested(kind, text).model;

  const save = (): void => {
    // Unchanged (every stored line used, none added): the pack stays as it is.
    if (fresh.size === 0 && stored.size === 0) return;
    for (const [id, line] of reused) if (!fresh.has(id)) emit(`${id}\t${line}\n`);
    reused.clear();
    stored.clear();
    flush();
    if (writer === null || writer === 'failed') return;
    try {
      writer.commit();
      prune(dir);
    } catch {
      // as above
    }
    writer = 'failed';
  };

  return { parse, files, counts, save, unread: () => unread };
}

/** A stamp older than RACY_MS when the run started: a later write changes it (see result-cache.ts). */
function trusted(stamp: FileStamp, startedAt: number): boolean {
  return Math.max(stamp.mtimeMs, stamp.ctimeMs) <= startedAt - RACY_MS;
}

const ENCODINGS: readonly FileRecord['encoding'][] = ['utf8', 'latin1', 'utf16le', 'utf16be'];
const EOLS: readonly FileRecord['eol'][] = ['\n', '\r\n', '\r'];

/** A stored file record made at stamp key `stamp`, or null when absent, of another stamp, damaged or not of the exact shape. */
function recordOf(id: string, line: string | undefined, stamp: string): FileRecord | null {
  const value = line === undefined ? undefined : checkedJson(id, line);
  if (!Array.isArray(value) || value.length !== 5) return null;
  const [at, digest, encoding, bom, eol] = value as unknown[];
  if (at !== stamp || typeof digest !== 'string' || !/^[0-9a-f]{64}$/.test(digest) || typeof bom !== 'boolean') return null;
  const knownEncoding = ENCODINGS.find((e) => e === encoding);
  const knownEol = EOLS.find((e) => e === eol);
  return knownEncoding === undefined || knownEol === undefined ? null : { digest, encoding: knownEncoding, bom, eol: knownEol };
}

/** The JSON value of a stored line (`<check>\t<JSON>`), or undefined when its check fails or it does not parse. */
function checkedJson(id: string, line: string): unknown {
  const tab = line.indexOf('\t');
  if (tab < 0) return undefined;
  const json = line.slice(tab + 1);
  if (line.slice(0, tab) !== checkOf(id, json)) return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The pack's lines by `<kind>\t<digest>` (the rest of each line kept as text, parsed when used);
 * empty when it is absent, is not ours or cannot be read. A pack that is not a regular file, too
 * large or with a wrong header is deleted.
 */
function loadPack(path: string, key: string): Map<string, string> {
  const lines = new Map<string, string>();
  let text: string;
  try {
    const read = readGuarded(path, { rootReal: null, maxBytes: MAX_PACK_BYTES, followLinks: false });
    if ('refused' in read) return discard(path, lines);
    text = read.bytes.toString('utf8');
  } catch (error) {
    return errorCode(error) === 'ENOENT' ? lines : discard(path, lines);
  }
  let start = text.indexOf('\n');
  if (start < 0 || text.slice(0, start) !== `${MAGIC}\t${key}`) return discard(path, lines);
  start++;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const second = text.indexOf('\t', text.indexOf('\t', start) + 1);
    if (second > start && second < end) lines.set(text.slice(start, second), text.slice(second + 1, end));
    start = end + 1;
  }
  return lines;
}

/** The model a stored line holds, or null when the line is damaged or not of the exact shape. */
function modelOf<K extends MemoKind>(kind: K, id: string, line: string): ParsedModels[K] | null {
  const value = checkedJson(id, line);
  if (value === undefined) return null;
  if (kind === 'python') return packedPython(value) ? (unpackPython(value) as ParsedModels[K]) : null;
  return SHAPES[kind](value) ? (value as ParsedModels[K]) : null;
}

// ---------------------------------------------------------------- Python models, packed

/**
 * An import as stored: module, level, names, line, column, span start, span end, flags (FLAGS),
 * then the handling and line of its `guard` when it has one.
 */
type PackedImport = [string, number, string[], number, number, number, number, number] | [string, number, string[], number, number, number, number, number, GuardHandling, number];
type GuardHandling = NonNullable<PyImport['guard']>['handling'];
const GUARD_HANDLINGS: readonly GuardHandling[] = ['raises', 'reports', 'used'];
type PackedPython = Omit<PythonFileModel, 'imports'> & { readonly imports: readonly PackedImport[] };

const FLAGS = ['guarded', 'typeChecking', 'inFunction', 'conditional', 'dynamic', 'mainBlock'] as const;
const ALL_FLAGS = (1 << FLAGS.length) - 1;

export function packPython(model: PythonFileModel): PackedPython {
  return {
    ...model,
    imports: model.imports.map((imp) => {
      let flags = 0;
      FLAGS.forEach((flag, bit) => {
        if (imp[flag] === true) flags |= 1 << bit;
      });
      const packed: PackedImport = [imp.module, imp.level, [...imp.names], imp.line, imp.column, imp.span.start, imp.span.end, flags];
      return imp.guard ? [...packed, imp.guard.handling, imp.guard.line] : packed;
    }),
  };
}

/** The model a packed one stands for: the same fields in the scanner's order, names shared. */
export function unpackPython(packed: PackedPython): PythonFileModel {
  const imports: PyImport[] = packed.imports.map(([module, level, names, line, column, start, end, flags, handling, guardLine]) => ({
    module: detached(module), level, names: names.map(detached), line, column, span: { start, end },
    guarded: (flags & 1) !== 0, typeChecking: (flags & 2) !== 0, inFunction: (flags & 4) !== 0, conditional: (flags & 8) !== 0, dynamic: (flags & 16) !== 0,
    ...((flags & 32) !== 0 ? { mainBlock: true } : {}),
    // The scanner sets `guard` after the rest: last, as there.
    ...(handling !== undefined ? { guard: { handling, line: guardLine ?? line } } : {}),
  }));
  return { ...packed, imports };
}


function checkOf(id: string, json: string): string {
  return createHash('sha256').update(id).update('\t').update(json).digest('hex').slice(0, 32);
}

function discard(path: string, lines: Map<string, string>): Map<string, string> {
  try {
    rmSync(path, { force: true });
  } catch {
    // best effort: it is refused again next time
  }
  return lines;
}

function keyOf(root: string): string {
  let real = root;
  try {
    real = realpathSync(root);
  } catch {
    // keyed by the path as given
  }
  return createHash('sha256').update(JSON.stringify({ schema: SCHEMA, version: VERSION, build: buildIdentity(), root: real })).digest('hex');
}

/** Keeps the newest MAX_PACKS packs (and clears stale temp files). */
function prune(dir: string): void {
  pruneCacheDir(dir, '.jsonl', MAX_PACKS);
}

// ---------------------------------------------------------------- shapes
// The exact shape of each model (src/parsers/types.ts): a stored model that passes is one the
// model code can read without a type error. Extra fields are ignored.

type Check = (value: unknown) => boolean;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const str: Check = (v) => typeof v === 'string';
const int: Check = (v) => Number.isInteger(v);
const bool: Check = (v) => typeof v === 'boolean';
const nullable = (check: Check): Check => (v) => v === null || check(v);
const list = (check: Check): Check => (v) => Array.isArray(v) && v.every(check);
const oneOf = (...values: readonly string[]): Check => (v) => typeof v === 'string' && values.includes(v);
const dict = (check: Check): Check => (v) => isRecord(v) && Object.values(v).every(check);
/** Every field of `required` present and valid; each of `optional` absent or valid. */
const obj = (required: Readonly<Record<string, Check>>, optional: Readonly<Record<string, Check>> = {}): Check => {
  const req = Object.entries(required);
  const opt = Object.entries(optional);
  return (v) => isRecord(v) && req.every(([k, check]) => check(v[k])) && opt.every(([k, check]) => v[k] === undefined || check(v[k]));
};

const span = obj({ start: int, end: int });
const word = obj({ value: str, span });
const directive = obj({ line: int, rules: list(str), reason: nullable(str), span, commentLine: int, source: oneOf('driftcheck', 'hadolint', 'deptry') });
const diagnostic = obj({ message: str, line: int, column: int, span, severity: oneOf('error', 'warning', 'info') });
const common = { directives: list(directive), diagnostics: list(diagnostic) };

const python = obj({
  imports: list(obj({ module: str, level: int, names: list(str), line: int, column: int, span, guarded: bool, typeChecking: bool, inFunction: bool, conditional: bool, dynamic: bool }, { mainBlock: bool, guard: obj({ handling: oneOf('raises', 'reports', 'used'), line: int }) })),
  keywordCalls: list(obj({ callee: str, keyword: str, value: str, line: int, column: int, span })),
  hasMainGuard: bool,
  ...common,
}, {
  stringWords: str,
  debugLines: list(obj({ start: int, text: str })),
  sysPathEdits: list(obj({ expr: nullable(str), front: bool, line: int })),
  pathAssignments: list(obj({ name: str, expr: str, line: int })),
});

const requirements = obj({
  requirements: list(obj({
    name: str, key: str, extras: list(str), specifier: str, pin: nullable(str), marker: nullable(str), url: nullable(str), editable: bool,
    hashes: list(str), line: int, column: int, span, nameSpan: span, specifierSpan: span, lineSpan: span,
  })),
  includes: list(obj({ kind: oneOf('requirement', 'constraint'), path: str, line: int, column: int, span, lineSpan: span })),
  options: list(obj({ name: str, value: nullable(str), line: int })),
  ...common,
});

const command = obj({ form: oneOf('json', 'shell'), argv: list(word), raw: str, line: int, span });
const pipInstall = obj({
  tool: oneOf('pip', 'uv', 'poetry', 'pipenv'),
  requirementFiles: list(obj({ path: str, constraint: bool, span })),
  packages: list(word),
  localPaths: list(obj({ path: str, editable: bool, span })),
  upgrade: bool, line: int, span,
});
const npmInstall = obj({ tool: oneOf('npm', 'yarn', 'pnpm', 'bun'), command: oneOf('install', 'ci', 'other'), line: int, span, options: list(str) });
const base = { keyword: str, line: int, endLine: int, span };
const INSTRUCTIONS: Readonly<Record<string, Check>> = {
  copy: obj({ ...base, sources: list(word), dest: word, from: nullable(str), chown: nullable(str) }),
  run: obj({ ...base, text: str, commands: list(list(word)), pipInstalls: list(pipInstall), npmInstalls: list(npmInstall), systemPackages: list(str) }),
  workdir: obj({ ...base, path: str }),
  env: obj({ ...base, pairs: list(obj({ key: str, value: str, span })) }),
  arg: obj({ ...base, name: str, value: nullable(str) }),
  user: obj({ ...base, user: str }),
  cmd: obj({ ...base, command }),
  entrypoint: obj({ ...base, command }),
  healthcheck: obj({ ...base, none: bool, command: nullable(command) }),
  expose: obj({ ...base, ports: list(str) }),
  other: obj(base),
};
const instruction: Check = (v) => isRecord(v) && typeof v['kind'] === 'string' && Object.hasOwn(INSTRUCTIONS, v['kind']) && (INSTRUCTIONS[v['kind']] ?? (() => false))(v);
const dockerfile = obj({
  stages: list(obj({
    index: int,
    name: nullable(str),
    from: obj({ image: str, raw: str, tag: nullable(str), digest: nullable(str), stageRef: nullable(int), line: int, span }),
    instructions: list(instruction),
  })),
  globalArgs: list(obj({ name: str, value: nullable(str) })),
  ...common,
});

const file = { file: str };
const scalar = obj({ value: str, line: int, span }, file);
const composeCommand = obj({ form: oneOf('string', 'list'), tokens: list(obj({ value: str, span: nullable(span) })), raw: str, line: int, span }, file);
const compose = obj({
  services: list(obj({
    name: str, line: int, nameSpan: span,
    build: nullable(obj({ context: str, dockerfile: nullable(str), target: nullable(str), args: dict(str), line: int, span }, file)),
    image: nullable(scalar),
    command: nullable(composeCommand),
    entrypoint: nullable(composeCommand),
    environment: list(obj({ key: str, value: nullable(str), line: int, span }, file)),
    ports: list(obj({ raw: str, published: nullable(str), target: nullable(str), line: int, span }, file)),
    expose: list(obj({ raw: str, published: nullable(str), target: nullable(str), line: int, span }, file)),
    healthcheck: nullable(obj({ test: nullable(list(str)), disable: bool, line: int, span }, file)),
    volumes: list(obj({ raw: str, type: oneOf('bind', 'volume', 'tmpfs', 'other'), source: nullable(str), target: nullable(str), line: int, span }, file)),
    profiles: list(str),
    envFiles: list(obj({ path: str, required: bool, line: int, span }, file)),
    user: nullable(scalar),
    workingDir: nullable(scalar),
    extends: nullable(obj({ service: str, file: nullable(str), line: int, span })),
  }, { reset: list(str), override: list(str) })),
  ...common,
});

const packedImport: Check = (v) =>
  Array.isArray(v) && (v.length === 8 || (v.length === 10 && oneOf(...GUARD_HANDLINGS)(v[8]) && int(v[9]))) &&
  str(v[0]) && int(v[1]) && list(str)(v[2]) && int(v[3]) && int(v[4]) && int(v[5]) && int(v[6]) && int(v[7]) && (v[7] as number) >= 0 && (v[7] as number) <= ALL_FLAGS;
/** A stored Python model: the model's shape with its imports packed. */
const packedPython = (v: unknown): v is PackedPython => isRecord(v) && Array.isArray(v['imports']) && v['imports'].every(packedImport) && python({ ...v, imports: [] });

/** Exported for the test that every model the parsers give passes its own shape check. */
export const SHAPES: { readonly [K in MemoKind]: Check } = { python, requirements, dockerfile, compose };
