// Baselines (DESIGN.md §4): a file of the findings a repository already has, so a pull-request
// check reports only new ones. Entries are counted per file x rule, with the messages seen, so
// they survive line shifts: a finding is "old" when its file and rule still have budget left,
// preferring findings whose message is in the baseline.
import type { Finding } from '../findings/types.js';
import { atomicWrite, errorCode, readGuarded, refusalMessage, writeRefusal } from '../util/safe-fs.js';

export class BaselineError extends Error {}

const FORMAT_VERSION = 1;
/** A baseline is JSON of findings; anything larger is not one (and must not exhaust memory). */
const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

interface RuleEntry {
  count: number;
  messages: Record<string, number>;
}

/** file -> rule id -> entry. */
export type Baseline = Record<string, Record<string, RuleEntry>>;

/** `label`: the path as the user wrote it, for messages. */
export function readBaseline(path: string, label: string = path): Baseline {
  let text: string;
  try {
    // Named on the command line, so it may live anywhere; still a regular file within the limit.
    const read = readGuarded(path, { rootReal: null, maxBytes: MAX_BASELINE_BYTES, followLinks: true });
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
  if (typeof body !== 'object' || body === null || body.version !== FORMAT_VERSION || !isBaseline(body.findings)) {
    throw new BaselineError(`${label}: not a driftcheck baseline (expected {"version": ${FORMAT_VERSION}, "findings": {file: {rule: {count, messages}}}}); recreate it with --update-baseline`);
  }
  return body.findings;
}

function isBaseline(value: unknown): value is Baseline {
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).every(
    (rules) => typeof rules === 'object' && rules !== null && Object.values(rules as object).every((e: RuleEntry) => typeof e?.count === 'number' && typeof e.messages === 'object' && e.messages !== null),
  );
}

/** The baseline of every unsuppressed finding, with sorted keys so the file diffs cleanly. */
export function baselineOf(findings: readonly Finding[]): Baseline {
  const out: Baseline = {};
  for (const finding of [...findings].filter((f) => !f.suppressed).sort((a, b) => compare(a.file, b.file) || compare(a.ruleId, b.ruleId) || compare(a.message, b.message))) {
    const rules = (out[finding.file] ??= {});
    const entry = (rules[finding.ruleId] ??= { count: 0, messages: {} });
    entry.count++;
    entry.messages[finding.message] = (entry.messages[finding.message] ?? 0) + 1;
  }
  return out;
}

/**
 * Writes the baseline atomically (exclusive temp file + rename, never through a symlink) and
 * returns how many findings it holds. Only a path given explicitly (`explicit`) may lie outside
 * `root`; inside it, the audited repository controls the path, so it must resolve inside.
 */
/** `where.label`: the path as the user wrote it, for messages. */
export function writeBaseline(path: string, findings: readonly Finding[], where: { readonly root: string; readonly explicit: boolean; readonly label?: string }): number {
  const label = where.label ?? path;
  const refusal = writeRefusal(path, where.root, where.explicit);
  if (refusal !== null) throw new BaselineError(`${label}: ${refusal}`);
  const baseline = baselineOf(findings);
  const body = `${JSON.stringify({ version: FORMAT_VERSION, tool: 'driftcheck', findings: baseline }, null, 2)}\n`;
  try {
    atomicWrite(path, body);
  } catch (error) {
    throw new BaselineError(`${label}: cannot write the baseline (${errorCode(error)})`);
  }
  return findings.filter((f) => !f.suppressed).length;
}

/** Marks findings the baseline already holds as suppressed (kind "baseline"). */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline): Finding[] {
  const budget = new Map<string, { count: number; messages: Map<string, number> }>();
  for (const [file, rules] of Object.entries(baseline)) {
    for (const [rule, entry] of Object.entries(rules)) budget.set(`${file}\0${rule}`, { count: entry.count, messages: new Map(Object.entries(entry.messages)) });
  }
  const old = new Set<Finding>();
  const open = findings.filter((f) => !f.suppressed);
  // First the findings whose message is in the baseline, then any left in the same file x rule.
  for (const pass of ['message', 'count'] as const) {
    for (const finding of open) {
      if (old.has(finding)) continue;
      const entry = budget.get(`${finding.file}\0${finding.ruleId}`);
      if (!entry || entry.count === 0) continue;
      const seen = entry.messages.get(finding.message) ?? 0;
      if (pass === 'message' && seen === 0) continue;
      if (seen > 0) entry.messages.set(finding.message, seen - 1);
      entry.count--;
      old.add(finding);
    }
  }
  return findings.map((f) => (old.has(f) ? { ...f, suppressed: { kind: 'baseline', reason: 'in the baseline' } } : f));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
