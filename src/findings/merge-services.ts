// One finding per fact (#15): the same problem found in several services' images — one import of
// shared code that none of them installs, one requirements line that none of them uses — is one
// finding that lists the services, not one per service header. Rules keep reasoning per service
// (each service's evidence is its own); this merges their findings for the reports, after
// suppressions and baselines have seen every service's finding (so a baseline or an ignore entry
// for one service still applies to that service only, and --fix still fixes each image).
import type { Applicability, Evidence, Finding, Fix, TextEdit } from './types.js';

/**
 * Findings that differ only in their service merged into one: the first service (by name) is the
 * anchor — its message, evidence and fingerprint identity — and the others are named after the
 * message and in `services`. Findings of one service, or of none, are returned as they are.
 * Two findings are the same fact when the rule, severity, location, package, module, suppression
 * and the message with the service's name taken out are equal; a finding that sits at different
 * import sites in different services (`sites`) merges when its set of sites is the same and its
 * location is the one most of them show (the anchor's closest import).
 */
export function mergeServiceFindings(findings: readonly Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>();
  const order: string[] = [];
  for (const finding of findings) {
    const key = factKey(finding);
    const group = groups.get(key);
    if (group) group.push(finding);
    else {
      groups.set(key, [finding]);
      order.push(key);
    }
  }
  const merged: Finding[] = [];
  for (const key of order) {
    const group = groups.get(key) as Finding[];
    // Only one finding per service merges: two of one service are two facts (never seen with a
    // rule that reports once per subject and service, but kept apart rather than guessed at).
    if (group.length === 1 || new Set(group.map((f) => f.service)).size !== group.length) merged.push(...group);
    else merged.push(mergeGroup(group));
  }
  return merged;
}

/** The identity of the fact a finding states, without its service. */
function factKey(f: Finding): string {
  if (f.service === null) return JSON.stringify([f.ruleId, f.file, f.line, f.column, f.message, '\u0000unmerged']);
  const suppressed = f.suppressed === false ? null : [f.suppressed.kind, f.suppressed.reason];
  const sites = f.sites ? [...new Set(f.sites.map((s) => `${s.file}:${s.line}`))].sort() : null;
  const where = sites ?? [f.file, f.line, f.column, f.endLine, f.endColumn];
  return JSON.stringify([f.ruleId, f.severity, where, f.package ?? null, f.module ?? null, suppressed, withoutService(f.message, f.service)]);
}

function withoutService(text: string, service: string): string {
  return text.split(`"${service}"`).join('"\u0000"');
}

function mergeGroup(group: readonly Finding[]): Finding {
  const byService = [...group].sort((a, b) => compare(a.service ?? '', b.service ?? ''));
  const anchor = anchorOf(byService);
  const services = [...new Set(byService.map((f) => f.service as string))];
  const others = services.filter((s) => s !== anchor.service);
  const evidence: Evidence[] = [...anchor.evidence];
  const seen = new Set(evidence.map(evidenceKey));
  for (const f of byService) {
    if (f === anchor) continue;
    for (const e of f.evidence) {
      const key = evidenceKey(e);
      if (seen.has(key)) continue;
      seen.add(key);
      evidence.push(e);
    }
  }
  return {
    ...anchor,
    message: `${anchor.message}; the same holds for ${others.length === 1 ? 'service' : 'services'} ${quotedList(others)}`,
    evidence,
    fix: mergedFix(byService.map((f) => f.fix)),
    services: [anchor.service as string, ...others],
    identity: { service: anchor.service, message: anchor.message },
  };
}

/**
 * The member shown: with import sites that differ per service, the location most services show
 * (each service anchors at the import closest to its own entry); ties go to the first service.
 */
function anchorOf(byService: readonly Finding[]): Finding {
  const votes = new Map<string, number>();
  for (const f of byService) votes.set(`${f.file}:${f.line}:${f.column}`, (votes.get(`${f.file}:${f.line}:${f.column}`) ?? 0) + 1);
  let best = byService[0] as Finding;
  for (const f of byService) if ((votes.get(`${f.file}:${f.line}:${f.column}`) ?? 0) > (votes.get(`${best.file}:${best.line}:${best.column}`) ?? 0)) best = f;
  return best;
}

function evidenceKey(e: Evidence): string {
  return `${e.file}\u0000${e.line}\u0000${e.message}`;
}

/**
 * One fix for the fact: every member's edits once. Members whose edits overlap differently, or a
 * member without a fix while another has one, leave the fact without a fix here (the per-service
 * fixes still apply under --fix, which works on the unmerged findings).
 */
function mergedFix(fixes: readonly (Fix | null)[]): Fix | null {
  if (fixes.every((f) => f === null)) return null;
  if (fixes.some((f) => f === null)) return null;
  const all = fixes as readonly Fix[];
  const edits: TextEdit[] = [];
  const seen = new Set<string>();
  for (const fix of all) {
    for (const edit of fix.edits) {
      const key = JSON.stringify([edit.file, edit.start, edit.end, edit.text]);
      if (seen.has(key)) continue;
      seen.add(key);
      edits.push(edit);
    }
  }
  const sorted = [...edits].sort((a, b) => compare(a.file, b.file) || a.start - b.start || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as TextEdit;
    const next = sorted[i] as TextEdit;
    if (prev.file === next.file && next.start < prev.end) return null;
    // Two insertions at one offset: their order would be a guess.
    if (prev.file === next.file && next.start === prev.start && prev.start === prev.end && next.start === next.end) return null;
  }
  const titles = [...new Set(all.map((f) => f.title))];
  return { title: titles.join('; '), applicability: weakest(all.map((f) => f.applicability)), edits };
}

const STRENGTH: Readonly<Record<Applicability, number>> = { safe: 2, unsafe: 1, 'display-only': 0 };

function weakest(values: readonly Applicability[]): Applicability {
  return values.reduce((a, b) => (STRENGTH[b] < STRENGTH[a] ? b : a));
}

function quotedList(names: readonly string[]): string {
  const quoted = names.map((n) => `"${n}"`);
  return quoted.length <= 2 ? quoted.join(' and ') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1] as string}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
