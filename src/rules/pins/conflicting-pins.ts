import type { Fix } from '../../findings/types.js';
import type { InstalledRequirement, Project, Service } from '../../model/types.js';
import { commonVersion, evaluateMarker, satisfiesSpecifier } from '../../model/pep440.js';
import { sameVersion } from '../../model/versions.js';
import type { Requirement } from '../../parsers/types.js';
import { defineRule } from '../define-rule.js';
import { replaceSpan } from '../edits.js';
import { repoJoin } from '../../util/paths.js';

interface Pin {
  readonly file: string;
  readonly requirement: Requirement;
  readonly version: string;
}

export default defineRule({
  meta: {
    id: 'PIN001',
    name: 'conflicting-pins',
    severity: 'error',
    category: 'reproducibility',
    fix: 'sometimes',
    needs: [], // no service's run files (ModelPart)
    summary: 'One distribution pinned to different versions in one install set or across files',
    docs: `## What it does
Flags a distribution pinned (\`==\`) to different versions. Inside one image's install set — the
requirements files a Dockerfile installs, their \`-r\`/\`-c\` includes and inline \`pip install x==1\`
— that is an error: pip refuses the build (\`ResolutionImpossible\`) or the later install silently
wins. Two separate pip commands of one stage (\`RUN pip install -r core.txt\`, then \`RUN pip
install -r requirements.txt\`) each pin for themselves: the later one replaces the earlier version,
so the finding is reported at the later pin (what ships) and its fix aligns the earlier one. Across files that are never installed together it is reported as information, with both
locations, because hand-kept copies such as \`requirements-minimal.txt\` drift from the real one.
Two versions in one file, or in the closure one file includes (\`requirements-dev.txt\` with
\`-r requirements.txt\`), are an error whoever installs the file: \`pip install -r\` of it stops
with \`ResolutionImpossible\`. The same version twice in one file is information ("duplicate
requirement"); \`torch==2.5.1\` with \`torch==2.5.1+cu118\` is no conflict (PEP 440: \`==2.5.1\`
matches the local build).

## Why is this bad?
The version tested locally is not the version the image ships, and a rollback to the "minimal"
file reintroduces old bugs.

## Example
\`backend/requirements.txt\` pins \`httpx==0.28.1\`; \`backend/requirements-minimal.txt\` pins
\`httpx==0.27.2\`.

Use instead: the same pin in both files.

## Fix safety
Within one pip command, the fix aligns the conflicting pins to the version that satisfies every
constraint there. When a later command replaces an earlier pin, the earlier pin is aligned to the
version that ships (unsafe: the earlier install must still resolve with its other pins). Across files, only a file no image installs (a stale copy) is aligned, safely, to
the file an image installs; a file another image installs keeps its pin (no fix): that image's
versions are its own, and aligning them to an unrelated image could break it. No fix edits a
hash-checked or compiled requirements file.

## References
- pip documentation: Requirements File Format; PEP 440 version matching`,
  },
  check({ project, report }) {
    const byKey = pinsByDistribution(project);
    const reported = new Set<string>();
    for (const path of [...project.requirements.keys()].sort()) reportWithinFile(project, path, report, reported);
    for (const service of project.services) reportWithinService(project, service, report, reported);
    for (const path of [...project.requirements.keys()].sort()) reportWithinClosure(project, path, report, reported);
    for (const [key, pins] of byKey) reportAcrossFiles(project, key, pins, report, reported);
  },
});

type Report = Parameters<Parameters<typeof defineRule>[0]['check']>[0]['report'];

function pinsByDistribution(project: Project): Map<string, Pin[]> {
  const byKey = new Map<string, Pin[]>();
  for (const path of [...project.requirements.keys()].sort()) {
    for (const requirement of project.requirements.get(path)?.requirements ?? []) {
      if (!requirement.pin) continue;
      const list = byKey.get(requirement.key) ?? [];
      list.push({ file: path, requirement, version: requirement.pin });
      byKey.set(requirement.key, list);
    }
  }
  return new Map([...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function locationKey(pin: Pin): string {
  return `${pin.file}:${pin.requirement.span.start}`;
}

/**
 * One file that pins a distribution twice: the same version is a harmless duplicate (info, the
 * later line can go); two versions that no release satisfies together make `pip install -r` of
 * that file fail (ResolutionImpossible), whoever installs it: an error against its partner line.
 */
function reportWithinFile(project: Project, path: string, report: Report, reported: Set<string>): void {
  const seen = new Map<string, Pin[]>();
  for (const requirement of project.requirements.get(path)?.requirements ?? []) {
    if (!requirement.pin || requirement.url) continue;
    const current: Pin = { file: path, requirement, version: requirement.pin };
    const earlier = seen.get(requirement.key) ?? [];
    seen.set(requirement.key, [...earlier, current]);
    const partner = earlier.find((pin) => !markersDiffer(pin, current));
    if (!partner) continue;
    const common = commonVersion([partner.requirement.specifier, requirement.specifier]);
    // The partner's line is in the evidence, not the message: a message is part of the finding's
    // fingerprint, which must survive lines moving (src/findings/fingerprint.ts).
    const where = 'an earlier line of this file';
    reported.add(locationKey(current));
    if (common === false) {
      reported.add(locationKey(partner));
      report({
        file: path,
        span: requirement.span,
        severity: 'error',
        service: null,
        message: `"${requirement.name}" is pinned to ${current.version} here and to ${partner.version} on ${where}: pip refuses to install both (ResolutionImpossible)`,
        evidence: [
          { file: path, line: partner.requirement.line, message: `pins ${partner.requirement.name}==${partner.version}` },
          { file: path, line: requirement.line, message: `pins ${requirement.name}==${current.version}` },
        ],
        package: requirement.name,
        fix: null,
      });
    } else if (sameVersion(partner.version, current.version) && sameExtras(partner.requirement, requirement)) {
      // `granian==2.8.1` with `granian[pname]==2.8.1` adds an extra: not a duplicate.
      // `torch==2.5.1` and `torch==2.5.1+cu118` both hold for the local build: no conflict, and
      // not the same line twice either.
      report({
        file: path,
        span: requirement.span,
        severity: 'info',
        service: null,
        message: `duplicate requirement: "${requirement.name}" is pinned to ${current.version} here and on ${where}`,
        evidence: [{ file: path, line: partner.requirement.line, message: `pins ${partner.requirement.name}==${partner.version}` }],
        package: requirement.name,
        fix: null,
      });
    }
  }
}

function sameExtras(a: Requirement, b: Requirement): boolean {
  const norm = (r: Requirement): string => r.extras.map((e) => e.toLowerCase()).sort().join(',');
  return norm(a) === norm(b);
}

/** Include chains longer than this are not followed (as the model's -r reading stops at 32 files). */
const MAX_INCLUDE_DEPTH = 32;

/**
 * The install closure of one requirements file: what `pip install -r FILE` reads, its `-r`
 * includes and `-c` constraints (paths relative to the including file), in pip's order. Null when
 * an include is not in the repository (the closure is not known).
 */
function closurePins(project: Project, root: string): Pin[] | null {
  const out: Pin[] = [];
  // Each file once: a file included twice adds its pins again, which changes nothing here, and
  // following every path of a diamond of includes is exponential (30 levels: 2^30 reads). Chains
  // deeper than pip's own reading (the model stops at MAX_INCLUDE_DEPTH) leave the closure unknown.
  const read = new Set<string>();
  const visit = (path: string, stack: readonly string[]): boolean => {
    const model = project.requirements.get(path);
    if (!model || stack.length > MAX_INCLUDE_DEPTH) return false;
    if (read.has(path)) return true;
    read.add(path);
    const items: { line: number; pin?: Pin; include?: string }[] = [
      ...model.requirements.filter((r) => r.pin && !r.url).map((r) => ({ line: r.line, pin: { file: path, requirement: r, version: r.pin ?? '' } })),
      ...model.includes.map((inc) => ({ line: inc.line, include: repoJoin(path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '', inc.path) })),
    ].sort((a, b) => a.line - b.line);
    for (const item of items) {
      if (item.pin) out.push(item.pin);
      else if (item.include !== undefined && !stack.includes(item.include) && !visit(item.include, [...stack, item.include])) return false;
    }
    return true;
  };
  return visit(root, [root]) ? out : null;
}

/**
 * `requirements-dev.txt` with `-r requirements.txt` is what `pip install -r requirements-dev.txt`
 * installs: two pins of one distribution in that closure that no release satisfies together are
 * an error (pip refuses with ResolutionImpossible), reported at the later line.
 */
function reportWithinClosure(project: Project, root: string, report: Report, reported: Set<string>): void {
  if ((project.requirements.get(root)?.includes.length ?? 0) === 0) return;
  const pins = closurePins(project, root);
  if (!pins) return;
  const firstByKey = new Map<string, Pin>();
  for (const current of pins) {
    const first = firstByKey.get(current.requirement.key);
    if (!first) {
      firstByKey.set(current.requirement.key, current);
      continue;
    }
    if (first.file === current.file || markersDiffer(first, current) || reported.has(locationKey(current)) || reported.has(locationKey(first))) continue;
    if (commonVersion([first.requirement.specifier, current.requirement.specifier]) !== false) continue;
    reported.add(locationKey(current));
    reported.add(locationKey(first));
    const how = (file: string): string => (file === root ? root : `${file}, which ${root} includes`);
    report({
      file: current.file,
      span: current.requirement.span,
      severity: 'error',
      service: null,
      message: `"${current.requirement.name}" is pinned to ${current.version} here and to ${first.version} in ${how(first.file)}: pip install -r ${root} refuses both (ResolutionImpossible)`,
      evidence: [
        { file: first.file, line: first.requirement.line, message: `pins ${first.requirement.name}==${first.version}` },
        { file: current.file, line: current.requirement.line, message: `pins ${current.requirement.name}==${current.version}` },
        ...(current.file === root ? [] : [{ file: root, line: 1, message: `pip install -r ${root} reads both` }]),
      ],
      package: current.requirement.name,
      fix: alignFix(project, current, first.version, `as in ${first.file}`),
    });
  }
}

function reportWithinService(project: Project, service: Service, report: Report, reported: Set<string>): void {
  const firstByKey = new Map<string, { pin: Pin; installed: InstalledRequirement }>();
  const env = { python_version: service.pythonVersion };
  // Pins are compared once the image's environment is known: a marker false for its Python or
  // for Linux drops the line, as pip does; a plain project has no known Python, so markers stay.
  const evaluated = service.dockerfile !== null;
  const live = service.installed.filter((i) => !evaluated || evaluateMarker(i.requirement.marker, env) !== false);
  for (const installed of live) {
    const pin = installed.requirement.pin;
    if (!pin || firstByKey.has(installed.requirement.key)) continue;
    firstByKey.set(installed.requirement.key, { pin: { file: installed.file, requirement: installed.requirement, version: pin }, installed });
  }
  for (const installed of live) {
    const entry = firstByKey.get(installed.requirement.key);
    const specifier = installed.requirement.specifier;
    if (!entry || entry.pin.requirement === installed.requirement || specifier === '' || installed.requirement.url) continue;
    const first = entry.pin;
    // A plain project lists every requirements file (dev, docs, old ones) as "installed": there,
    // only pins are compared; ranges are checked only against a real image's install set.
    if (!evaluated && !installed.requirement.pin) continue;
    const current: Pin = { file: installed.file, requirement: installed.requirement, version: installed.requirement.pin ?? specifier };
    if (reported.has(locationKey(current))) continue;
    if (markersUnsure(first, current, evaluated ? env : null)) continue;
    if (commonVersion([first.requirement.specifier, specifier]) !== false) continue;
    reported.add(locationKey(current));
    reported.add(locationKey(first));
    if (evaluated && installed.requirement.pin && replacedLater(entry.installed, installed)) {
      reportReplaced(project, service, { pin: first, installed: entry.installed }, { pin: current, installed }, report);
      continue;
    }
    const shown = installed.requirement.pin ? `pinned to ${current.version} here and to` : `constrained to ${specifier} here but pinned to`;
    report({
      file: current.file,
      span: current.requirement.span,
      severity: 'error',
      service: service.name,
      message: `"${current.requirement.name}" is ${shown} ${first.version} in ${first.file}, both installed by the image of service "${service.name}"`,
      evidence: [
        { file: first.file, line: first.requirement.line, message: `pins ${first.requirement.name}==${first.version}` },
        { file: current.file, line: current.requirement.line, message: installed.requirement.pin ? `pins ${current.requirement.name}==${current.version}` : `requires ${current.requirement.name}${specifier}` },
        { file: installed.via.file, line: installed.via.line, message: `both are installed by this image` },
      ],
      package: current.requirement.name,
      fix: withinServiceFix(project, live, current, first),
    });
  }
}

/**
 * Two installs of one stage, one after the other (`RUN pip install -r core.txt`, then `RUN pip
 * install -r requirements.txt`), each pinning the distribution for itself (no constraint file
 * reaches across commands): the later one replaces the earlier version, so the image ships the
 * later pin and the earlier one is never what runs.
 */
function replacedLater(earlier: InstalledRequirement, later: InstalledRequirement): boolean {
  return earlier.via.pip !== later.via.pip && earlier.via.stage === later.via.stage && !earlier.constraint && !later.constraint;
}

/**
 * Reported at the later pin, the install that changes the image (where an override is written and
 * suppressed), and fixed at the earlier one: aligning it to the version that ships changes nothing
 * the image runs.
 */
function reportReplaced(project: Project, service: Service, earlier: { pin: Pin; installed: InstalledRequirement }, later: { pin: Pin; installed: InstalledRequirement }, report: Report): void {
  const { requirement } = later.pin;
  const installs = (side: { pin: Pin; installed: InstalledRequirement }): string =>
    side.pin.file === side.installed.via.file ? `${side.pin.requirement.name}==${side.pin.version}` : side.pin.file;
  report({
    file: later.pin.file,
    span: requirement.span,
    severity: 'error',
    service: service.name,
    message: `"${requirement.name}" is pinned to ${later.pin.version} here, which replaces the ${earlier.pin.version} the image of service "${service.name}" installed before from ${earlier.pin.file}: that pin is not what ships`,
    evidence: [
      { file: earlier.installed.via.file, line: earlier.installed.via.line, message: `installs ${installs(earlier)} first` },
      { file: earlier.pin.file, line: earlier.pin.requirement.line, message: `pins ${earlier.pin.requirement.name}==${earlier.pin.version}` },
      { file: later.installed.via.file, line: later.installed.via.line, message: `installs ${installs(later)} after it, in a separate pip command` },
      { file: later.pin.file, line: requirement.line, message: `pins ${requirement.name}==${later.pin.version}: pip replaces ${earlier.pin.version} with it` },
    ],
    package: requirement.name,
    fix: alignFix(project, earlier.pin, later.pin.version, `in ${earlier.pin.file}, as in ${later.pin.file}, which the image installs after it`),
  });
}

/**
 * Aligns the pins of one install set to the version that satisfies every other constraint on the
 * distribution there (ranges, wildcards, `~=`), preferring the first pin the image installs: the
 * conflicting pin moves to it, or, when the first pin is the one outside the ranges, the first pin
 * moves to this one. No fix when no pinned version satisfies them all.
 */
function withinServiceFix(project: Project, live: readonly InstalledRequirement[], current: Pin, first: Pin): Fix | null {
  const key = first.requirement.key;
  const same = live.filter((i) => i.requirement.key === key && !i.requirement.url);
  const ranges = same.filter((i) => !i.requirement.pin && i.requirement.specifier !== '').map((i) => i.requirement.specifier);
  const fits = (version: string): boolean => ranges.every((r) => satisfiesSpecifier(version, r) === true);
  const target = same.find((i) => i.requirement.pin !== null && fits(i.requirement.pin));
  if (!target?.requirement.pin) return null;
  const version = target.requirement.pin;
  const why = target.requirement === first.requirement ? `as in ${first.file}` : `as in ${target.file}, which satisfies every constraint on ${first.requirement.name} in this image`;
  // `===` compares the text, so `===0.28.1.0` and `==0.28.1` are different pins.
  const samePin = (pin: Pin): boolean =>
    pin.requirement.specifier.startsWith('===') || target.requirement.specifier.startsWith('===') ? pin.version.toLowerCase() === version.toLowerCase() : sameVersion(pin.version, version);
  if (current.requirement.pin && !samePin(current)) return alignFix(project, current, version, why);
  if (!samePin(first)) return alignFix(project, first, version, why);
  return null;
}

/**
 * Two lines under different markers only conflict when both apply: in an image both are
 * evaluated (Python from FROM, Linux); when either stays unknown, nothing is reported.
 */
function markersUnsure(a: Pin, b: Pin, env: { python_version: string } | null): boolean {
  if (!markersDiffer(a, b)) return false;
  if (!env) return true;
  return evaluateMarker(a.requirement.marker, env) !== true || evaluateMarker(b.requirement.marker, env) !== true;
}

function reportAcrossFiles(project: Project, key: string, pins: readonly Pin[], report: Report, reported: Set<string>): void {
  void key;
  const reference = referencePin(project, pins);
  if (!reference) return;
  for (const pin of pins) {
    if (pin === reference || agree(pin, reference) || markersDiffer(pin, reference) || reported.has(locationKey(pin))) continue;
    reported.add(locationKey(pin));
    const installers = (project.installedBy.get(reference.file) ?? []).map((s) => s.name);
    report({
      file: pin.file,
      span: pin.requirement.span,
      severity: 'info',
      service: null,
      message: `"${pin.requirement.name}" is pinned to ${pin.version} here but to ${reference.version} in ${reference.file}`,
      evidence: [
        { file: reference.file, line: reference.requirement.line, message: `pins ${reference.requirement.name}==${reference.version}${installers.length > 0 ? ` (installed by ${installers.join(', ')})` : ''}` },
        { file: pin.file, line: pin.requirement.line, message: `pins ${pin.requirement.name}==${pin.version}` },
      ],
      // A file another image installs has its own reasons for its pin: aligning it to an unrelated
      // image's file could break that image. Only files no image installs are aligned.
      package: pin.requirement.name,
      fix: (project.installedBy.get(pin.file) ?? []).length > 0 ? null : alignFix(project, pin, reference.version, `as in ${reference.file}`),
    });
  }
}

/** `==1.0` and `==1.0.0` agree, and so do `===1.0` and `==1.0`; unparseable pins compare as text. */
function agree(a: Pin, b: Pin): boolean {
  const common = commonVersion([a.requirement.specifier, b.requirement.specifier]);
  return common === null ? sameVersion(a.version, b.version) : common !== false;
}

/**
 * `numpy==1.26.4; python_version < "3.12"` and `numpy==2.1.3; python_version >= "3.12"` select
 * one pin per environment; pins under different markers are not a conflict.
 */
function markersDiffer(a: Pin, b: Pin): boolean {
  const norm = (m: string | null): string => (m ?? '').replace(/\s+/g, '').replace(/'/g, '"');
  return norm(a.requirement.marker) !== norm(b.requirement.marker);
}

/** The pin other files should agree with: one an image installs, most-installed first. */
function referencePin(project: Project, pins: readonly Pin[]): Pin | undefined {
  const installs = (pin: Pin): number => project.installedBy.get(pin.file)?.length ?? 0;
  return [...pins].sort((a, b) => installs(b) - installs(a) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))[0];
}

function alignFix(project: Project, pin: Pin, version: string, why: string): Fix | null {
  const file = project.files.get(pin.file);
  const specifier = pin.requirement.specifier;
  if (!file || !/^===?[^,;*]+$/.test(specifier)) return null;
  const operator = specifier.startsWith('===') ? '===' : '==';
  // A pin inline in a Dockerfile, or in a file an image installs, changes what ships: unsafe.
  const installed = !project.requirements.has(pin.file) || (project.installedBy.get(pin.file)?.length ?? 0) > 0;
  return {
    title: `Pin ${pin.requirement.name}${operator}${version} (${why})`,
    applicability: installed ? 'unsafe' : 'safe',
    edits: [replaceSpan(file, pin.requirement.specifierSpan, `${operator}${version}`)],
  };
}
