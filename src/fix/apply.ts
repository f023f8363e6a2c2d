// The fix engine: collects applicable fixes, drops duplicates and overlaps, applies them,
// re-parses what changed (reverting a file whose fix broke it), and re-audits until nothing
// changes, in a bounded number of passes (ESLint/Ruff style).
import { audit, type AuditOptions, type AuditResult } from '../audit.js';
import type { Finding, Fix, TextEdit } from '../findings/types.js';
import { compiledFacts } from '../model/compiled.js';
import { diagnosticsFor } from '../parsers/index.js';
import { encodeText, type SourceFile } from '../source.js';
import { appendAll } from '../util/arrays.js';

export interface FixOptions {
  readonly unsafe: boolean;
  readonly maxPasses?: number;
  /** Only these findings' fixes (by fixKey), in every pass; default: every applicable fix. */
  readonly only?: ReadonlySet<string>;
}

export interface AppliedFix {
  readonly ruleId: string;
  readonly file: string;
  readonly title: string;
}

export interface FixOutcome {
  /** Files whose text changed: original source and new text (BOM excluded, as in SourceFile). */
  readonly changes: readonly { readonly original: SourceFile; readonly text: string }[];
  readonly applied: readonly AppliedFix[];
  readonly passes: number;
  readonly warnings: readonly string[];
  /** The audit of the fixed texts. */
  readonly after: AuditResult;
}

const DEFAULT_PASSES = 10;

export function isApplicable(fix: Fix | null, unsafe: boolean): fix is Fix {
  return fix !== null && (fix.applicability === 'safe' || (unsafe && fix.applicability === 'unsafe'));
}

/** Fixes found not to resolve their finding are dropped and the engine starts over, this often at most. */
const MAX_RESTARTS = 3;

export function computeFixes(options: AuditOptions, first: AuditResult, fixOptions: FixOptions): FixOutcome {
  // A fix whose finding is still there after it was applied did not do what it claims (a COPY of a
  // folder the build cannot see, say): it is dropped from the patch, never applied again.
  const dropped = new Set<string>();
  const notes: string[] = [];
  for (let restart = 0; ; restart++) {
    const outcome = computeFixesOnce(options, first, fixOptions, dropped);
    if (outcome.persisted.length === 0 || restart >= MAX_RESTARTS) return { ...outcome, warnings: [...notes, ...outcome.warnings] };
    for (const finding of outcome.persisted) {
      dropped.add(fixKey(finding));
      notes.push(`dropped "${finding.fix?.title ?? ''}" (${finding.ruleId} ${finding.file}): its finding remained after the fix was applied`);
    }
  }
}

function computeFixesOnce(options: AuditOptions, first: AuditResult, fixOptions: FixOptions, dropped: ReadonlySet<string>): FixOutcome & { readonly persisted: readonly Finding[] } {
  const originals = new Map(first.project.files);
  const appliedKeys = new Set<string>();
  const persisted: Finding[] = [];
  const texts = new Map<string, string>();
  const applied: AppliedFix[] = [];
  const warnings: string[] = [];
  const seenStates = new Set<string>();
  let result = first;
  let passes = 0;
  for (; passes < (fixOptions.maxPasses ?? DEFAULT_PASSES); passes++) {
    const candidates = (fixOptions.only ? result.findings.filter((f) => fixOptions.only?.has(fixKey(f))) : result.findings).filter((f) => !dropped.has(fixKey(f)));
    const again = candidates.filter((f) => appliedKeys.has(fixKey(f)) && isApplicable(f.fix, fixOptions.unsafe) && !f.suppressed);
    if (again.length > 0) {
      appendAll(persisted, again);
      break;
    }
    const accepted = acceptFixes(candidates.filter((f) => !editsLockedFile(result.project, f, warnings)), fixOptions.unsafe);
    if (accepted.length === 0) break;
    const changedThisPass = applyAccepted(accepted, result, texts, warnings);
    if (changedThisPass.length === 0) break;
    for (const finding of accepted) {
      if (!finding.fix || !changedThisPass.some((p) => finding.fix?.edits.some((e) => e.file === p))) continue;
      applied.push({ ruleId: finding.ruleId, file: finding.file, title: finding.fix.title });
      appliedKeys.add(fixKey(finding));
    }
    const state = [...texts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, t]) => `${p}\0${t}`).join('\0\0');
    if (seenStates.has(state)) {
      warnings.push('fixes stopped: the same file contents came back (a fix cycle)');
      break;
    }
    seenStates.add(state);
    result = audit({ ...options, overrides: texts });
  }
  const changes = onePerFile(
    [...texts.entries()]
      .filter(([path, text]) => originals.get(path)?.text !== text)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([path, text]) => {
        const original = originals.get(path);
        return original ? [{ original, text }] : [];
      }),
    warnings,
  );
  return { changes, applied, passes, warnings, after: result, persisted };
}

/**
 * A file reached through a symbolic link and by its own path is one file: one change (the same
 * fix from both paths), or none when they differ (a patch with two blocks for it would not apply).
 */
function onePerFile(changes: FixOutcome['changes'], warnings: string[]): FixOutcome['changes'] {
  const byFile = new Map<string, FixOutcome['changes'][number][]>();
  for (const change of changes) {
    const key = change.original.target ?? change.original.path;
    byFile.set(key, [...(byFile.get(key) ?? []), change]);
  }
  return changes.filter((change) => {
    const group = byFile.get(change.original.target ?? change.original.path) ?? [];
    if (group.length === 1) return true;
    if (group.every((other) => other.text === group[0]?.text)) return group[0] === change;
    if (group[0] === change) warnings.push(`${group.map((c) => c.original.path).join(', ')}: one file (a symbolic link) fixed differently by each path; not fixed`);
    return false;
  });
}

/**
 * A finding's identity across the engine's passes (lines move when an earlier fix adds lines, so
 * the key is rule, file and message, which the rules word from names, not positions).
 */
export function fixKey(finding: Finding): string {
  return `${finding.ruleId}\0${finding.file}\0${finding.message}`;
}

/**
 * The fixes of the chosen findings only (the interactive report's selection). Choosing a finding
 * is consent to its fix, so unsafe fixes apply when chosen; display-only suggestions never do.
 */
export function computeChosenFixes(options: AuditOptions, first: AuditResult, chosen: readonly Finding[], maxPasses?: number): FixOutcome {
  return computeFixes(options, first, { unsafe: true, only: new Set(chosen.map(fixKey)), ...(maxPasses === undefined ? {} : { maxPasses }) });
}

/**
 * One finding's edits applied to the audited texts, without re-auditing: a cheap preview of what
 * its fix changes. Same application (and parse check) as the engine's first pass.
 */
export function previewFix(first: AuditResult, finding: Finding): FixOutcome['changes'] {
  if (finding.fix === null) return [];
  const texts = new Map<string, string>();
  applyAccepted([finding], first, texts, []);
  return [...texts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([path, text]) => {
      const original = first.project.files.get(path);
      return original ? [{ original, text }] : [];
    });
}

/**
 * Files no fix may edit by hand: a hash-checked requirements file (pip refuses a line without its
 * hashes, and a re-pinned line keeps stale ones) and a compiled one (pip-compile/uv output, whose
 * source is the `.in` file or pyproject.toml). Their fixes are dropped with a note saying what to run.
 */
function editsLockedFile(project: AuditResult['project'], finding: Finding, warnings: string[]): boolean {
  if (finding.fix === null || finding.suppressed) return false;
  for (const edit of finding.fix.edits) {
    const model = project.requirements.get(edit.file);
    if (!model) continue;
    const hashed = model.requirements.some((r) => r.hashes.length > 0) || /(^|\s)--require-hashes\b/m.test(project.files.get(edit.file)?.text ?? '');
    const compiled = compiledFacts(project, edit.file)?.compiled === true;
    if (!hashed && !compiled) continue;
    const note = `not applied: "${finding.fix.title}" edits ${edit.file}, which is ${hashed ? 'hash-checked' : 'compiled (# via)'}; change its source and regenerate it (pip-compile${hashed ? ' --generate-hashes' : ''}, uv pip compile, uv export)`;
    if (!warnings.includes(note)) warnings.push(note);
    return true;
  }
  return false;
}

/** Fixes in finding order; a fix whose edits overlap an accepted one waits for the next pass. */
function acceptFixes(findings: readonly Finding[], unsafe: boolean): Finding[] {
  const taken = new Map<string, TextEdit[]>();
  const accepted: Finding[] = [];
  for (const finding of findings) {
    if (finding.suppressed || !isApplicable(finding.fix, unsafe)) continue;
    const edits = finding.fix.edits;
    const overlaps = edits.some((edit) => (taken.get(edit.file) ?? []).some((other) => !sameEdit(edit, other) && overlapsEdit(edit, other)));
    if (overlaps) continue;
    for (const edit of edits) {
      const list = taken.get(edit.file) ?? [];
      if (!list.some((other) => sameEdit(edit, other))) list.push(edit);
      taken.set(edit.file, list);
    }
    accepted.push(finding);
  }
  return accepted;
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return a.file === b.file && a.start === b.start && a.end === b.end && a.text === b.text;
}

/** Strict overlap; two insertions at one point both apply, in acceptance order. */
function overlapsEdit(a: TextEdit, b: TextEdit): boolean {
  if (a.start === a.end && b.start === b.end) return false;
  if (a.start === a.end) return a.start > b.start && a.start < b.end;
  if (b.start === b.end) return b.start > a.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

function applyAccepted(accepted: readonly Finding[], result: AuditResult, texts: Map<string, string>, warnings: string[]): string[] {
  const byFile = new Map<string, { edit: TextEdit; order: number }[]>();
  // Identical edits (sameEdit) apply once: a key per edit, not a scan of the file's edits per edit.
  const seen = new Set<string>();
  let order = 0;
  for (const finding of accepted) {
    for (const edit of finding.fix?.edits ?? []) {
      const key = JSON.stringify([edit.file, edit.start, edit.end, edit.text]);
      if (seen.has(key)) continue;
      seen.add(key);
      const list = byFile.get(edit.file) ?? [];
      list.push({ edit, order: order++ });
      byFile.set(edit.file, list);
    }
  }
  const changed: string[] = [];
  for (const [path, edits] of byFile) {
    const source = result.project.files.get(path);
    if (!source) continue;
    const before = source.text;
    // Right to left so earlier offsets stay valid; equal points keep acceptance order.
    edits.sort((a, b) => b.edit.start - a.edit.start || b.edit.end - a.edit.end || b.order - a.order);
    const text = spliceAll(before, edits.map((e) => e.edit));
    if (text === before) continue;
    if (encodeText(source, text) === null) {
      const why = source.encoding.startsWith('utf16') ? 'UTF-16 file; fixes not applied (save it as UTF-8 to fix it)' : 'fixes not applied: they add characters this Latin-1 file cannot hold';
      if (!warnings.includes(`${path}: ${why}`)) warnings.push(`${path}: ${why}`);
      continue;
    }
    if (countErrors(source, text) > countErrors(source, before)) {
      warnings.push(`${path}: fixes were not applied because the result would not parse`);
      continue;
    }
    texts.set(path, text);
    changed.push(path);
  }
  return changed;
}

/**
 * The edits (sorted right to left) applied one after another. Edits that do not overlap (the usual
 * case) are joined in one pass, linear in the text; thousands of edits to one file no longer copy
 * the whole text per edit. Overlapping edits keep the one-by-one semantics.
 */
function spliceAll(before: string, edits: readonly TextEdit[]): string {
  const parts: string[] = [];
  let cursor = before.length;
  for (const edit of edits) {
    if (edit.end > cursor || edit.start > edit.end) {
      let text = before;
      for (const e of edits) text = text.slice(0, e.start) + e.text + text.slice(e.end);
      return text;
    }
    parts.push(before.slice(edit.end, cursor), edit.text);
    cursor = edit.start;
  }
  parts.push(before.slice(0, cursor));
  return parts.reverse().join('');
}

function countErrors(source: SourceFile, text: string): number {
  return diagnosticsFor(source.kind, text).filter((d) => d.severity === 'error').length;
}
