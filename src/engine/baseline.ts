// Baselines: a file of the findings a repository already has, so a pull-request check reports only
// new ones. Each entry is one finding's fingerprint (src/findings/fingerprint.ts: rule, file,
// service and message, never the line) with how many findings share it, so moving code up or
// down keeps a finding old, while a new subject in the same file (`import boto3` where the
// baseline has `import redis`) is new. Entries that match no finding any more are "stale".
//
// Format 1 (driftcheck 0.1: counts per file x rule) is still read, and migrated in memory: each
// of its messages matches findings with the same rule, file and message (any service; format 1
// did not record it), with the rule codes of 0.1 translated to today's. Its bare counts are not
// used: they are what hid new findings.
import { fingerprint } from '../findings/fingerprint.js';
import type { Finding } from '../findings/types.js';
import { atomicWrite, errorCode, readGuarded, refusalMessage, writeRefusal } from '../util/safe-fs.js';

export class BaselineError extends Error {}

const FORMAT_VERSION = 2;
/** A baseline is JSON of findings; anything larger is not one (and must not exhaust memory). */
const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

export interface BaselineEntry {
  /** The findings' fingerprint; null for an entry read from a format-1 file (matched by rule, file and message). */
  readonly fingerprint: string | null;
  readonly ruleId: string;
  readonly file: string;
  /** null: a repository-level finding, or (format 1) not recorded. */
  readonly service: string | null;
  readonly message: string;
  /** How many findings share this fingerprint (for stale entries: how many are missing). */
  readonly count: number;
}

export interface Baseline {
  /** The format the file was written in (1: read by rule, file and message; rewrite it with --update-baseline). */
  readonly format: 1 | 2;
  readonly entries: readonly BaselineEntry[];
}

/**
 * `label`: the path as the user wrote it, for messages. `rootReal`: for a path the audited
 * repository chose (the config's `baseline:`), the real root it must resolve inside; null for a
 * path named on the command line.
 */
export function readBaseline(path: string, label: string = path, rootReal: string | null = null): Baseline {
  let text: string;
  try {
    // Still a regular file within the limit, wherever it lives.
    const read = readGuarded(path, { rootReal, maxBytes: MAX_BASELINE_BYTES, followLinks: true });
    if ('refused' in read) throw new BaselineError(`${label}: ${refusalMessage(read.refused, read.stat, MAX_BASELINE_BYTES)}`);
    text = read.bytes.toString('utf8');
  } catch (error) {
    if (error instanceof BaselineError) throw error;
    throw new BaselineError(`${label}: cannot read the baseline (${errorCode(error)}); create it with --update-baseline`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new BaselineError(`${label}: not a driftcheck baseline (invalid JSON); recreate it with --update-baseline`);
  }
  const body = data as { version?: unknown; findings?: unknown };
  if (typeof body === 'object' && body !== null) {
    if (body.version === FORMAT_VERSION && Array.isArray(body.findings) && body.findings.every(isEntry)) return { format: 2, entries: body.findings };
    if (body.version === 1 && isFormat1(body.findings)) return { format: 1, entries: fromFormat1(body.findings) };
  }
  throw new BaselineError(
    `${label}: not a driftcheck baseline (expected {"version": ${FORMAT_VERSION}, "findings": [{fingerprint, ruleId, file, service, message, count}]}); recreate it with --update-baseline`,
  );
}

function isEntry(value: unknown): value is BaselineEntry {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e['fingerprint'] === 'string' && /^[0-9a-f]{16}$/.test(e['fingerprint']) &&
    typeof e['ruleId'] === 'string' && typeof e['file'] === 'string' && typeof e['message'] === 'string' &&
    (e['service'] === null || typeof e['service'] === 'string') &&
    typeof e['count'] === 'number' && Number.isSafeInteger(e['count']) && e['count'] >= 1
  );
}

/** Format 1: file -> rule id -> {count, messages: {message: count}}. */
type Format1 = Record<string, Record<string, { count: number; messages: Record<string, number> }>>;

function isFormat1(value: unknown): value is Format1 {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(
    (rules) =>
      typeof rules === 'object' && rules !== null &&
      Object.values(rules as object).every((e: { count?: unknown; messages?: unknown }) =>
        typeof e?.count === 'number' && typeof e.messages === 'object' && e.messages !== null && Object.values(e.messages).every((n) => typeof n === 'number')),
  );
}

/**
 * Format 1 was written by driftcheck 0.1, whose rule codes 0.2.0 changed to match deptry's
 * (CHANGELOG.md): its entries are read with today's codes.
 */
const CODES_OF_0_1: Readonly<Record<string, string>> = { DEP002: 'MOD001', DEP003: 'MOD002', DEP004: 'DEP002', DEP005: 'DEP003', DEP006: 'MOD003' };

function fromFormat1(data: Format1): BaselineEntry[] {
  const entries: BaselineEntry[] = [];
  for (const [file, rules] of Object.entries(data)) {
    for (const [code, entry] of Object.entries(rules)) {
      const ruleId = CODES_OF_0_1[code] ?? code;
      for (const [message, count] of Object.entries(entry.messages)) {
        if (Number.isSafeInteger(count) && count >= 1) entries.push({ fingerprint: null, ruleId, file, service: null, message, count });
      }
    }
  }
  return entries;
}

/** The baseline of every unsuppressed finding, sorted so the file diffs cleanly. */
export function baselineOf(findings: readonly Finding[]): Baseline {
  const byPrint = new Map<string, BaselineEntry>();
  for (const finding of findings) {
    if (finding.suppressed) continue;
    const print = fingerprint(finding);
    const seen = byPrint.get(print);
    byPrint.set(print, seen ? { ...seen, count: seen.count + 1 } : { fingerprint: print, ruleId: finding.ruleId, file: finding.file, service: finding.service, message: finding.message, count: 1 });
  }
  const entries = [...byPrint.values()].sort(
    (a, b) => compare(a.file, b.file) || compare(a.ruleId, b.ruleId) || compare(a.message, b.message) || compare(a.service ?? '', b.service ?? ''),
  );
  return { format: 2, entries };
}

/**
 * Writes the baseline atomically (exclusive temp file + rename, never through a symlink) and
 * returns how many findings it holds. Only a path given explicitly (`explicit`) may lie outside
 * `root`; inside it, the audited repository controls the path, so it must resolve inside.
 * `where.label`: the path as the user wrote it, for messages.
 */
export function writeBaseline(path: string, findings: readonly Finding[], where: { readonly root: string; readonly explicit: boolean; readonly label?: string }): number {
  const label = where.label ?? path;
  const refusal = writeRefusal(path, where.root, where.explicit);
  if (refusal !== null) throw new BaselineError(`${label}: ${refusal}`);
  const { entries } = baselineOf(findings);
  const body = `${JSON.stringify({ version: FORMAT_VERSION, tool: 'driftcheck', findings: entries }, null, 2)}\n`;
  try {
    atomicWrite(path, body);
  } catch (error) {
    throw new BaselineError(`${label}: cannot write the baseline (${errorCode(error)})`);
  }
  return entries.reduce((sum, e) => sum + e.count, 0);
}

export interface BaselineMatch {
  /** The findings, those the baseline holds marked suppressed (kind "baseline"). */
  readonly findings: Finding[];
  /** Entries (or the part of an entry's count) that matched no finding: fixed, or changed since. */
  readonly stale: BaselineEntry[];
}

/**
 * Matches unsuppressed findings against the baseline, first occurrences first. `ran` says whether
 * a rule ran in this audit: an entry of a rule that did not run (--select) is not stale, only
 * unchecked.
 */
export function matchBaseline(findings: readonly Finding[], baseline: Baseline, ran: (ruleId: string) => boolean = () => true): BaselineMatch {
  const budget = new Map<string, { entry: BaselineEntry; left: number }>();
  const keyOf = (e: { fingerprint: string | null; ruleId: string; file: string; message: string }): string =>
    e.fingerprint ?? JSON.stringify([e.ruleId, e.file, e.message]);
  for (const entry of baseline.entries) {
    const key = keyOf(entry);
    const seen = budget.get(key);
    if (seen) seen.left += entry.count;
    else budget.set(key, { entry, left: entry.count });
  }
  const format1 = baseline.format === 1;
  const old = new Set<Finding>();
  for (const finding of findings) {
    if (finding.suppressed) continue;
    const slot = budget.get(keyOf({ ...finding, fingerprint: format1 ? null : fingerprint(finding) }));
    if (!slot || slot.left === 0) continue;
    slot.left--;
    old.add(finding);
  }
  const stale = [...budget.values()].filter((s) => s.left > 0 && ran(s.entry.ruleId)).map((s) => ({ ...s.entry, count: s.left }));
  return { findings: findings.map((f) => (old.has(f) ? { ...f, suppressed: { kind: 'baseline', reason: 'in the baseline' } } : f)), stale };
}

/** Marks findings the baseline already holds as suppressed (kind "baseline"). */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline): Finding[] {
  return matchBaseline(findings, baseline).findings;
}

/**
 * The findings of `now` that `before` did not have, by fingerprint and count (--changed-since:
 * `before` is the audit of the base revision). A finding `before` had unsuppressed is old however
 * it is shown now; a suppressed finding is kept only when `before` had no finding like it at all.
 */
export function newSince(now: readonly Finding[], before: readonly Finding[]): Finding[] {
  const open = new Map<string, number>();
  const any = new Set<string>();
  for (const finding of before) {
    const print = fingerprint(finding);
    any.add(print);
    if (!finding.suppressed) open.set(print, (open.get(print) ?? 0) + 1);
  }
  return now.filter((finding) => {
    const print = fingerprint(finding);
    if (finding.suppressed) return !any.has(print);
    const left = open.get(print) ?? 0;
    if (left === 0) return true;
    open.set(print, left - 1);
    return false;
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
