import type { Fix } from '../../findings/types.js';
import { commonVersion, evaluateMarker, satisfiesSpecifier } from '../../model/pep440.js';
import { pinsInRepo } from '../../model/queries.js';
import type { InstalledRequirement, Project, Service } from '../../model/types.js';
import { defineRule } from '../define-rule.js';
import { replaceSpan } from '../edits.js';

export default defineRule({
  meta: {
    id: 'PIN002',
    name: 'unsatisfiable-pins',
    severity: 'error',
    category: 'correctness',
    fix: 'sometimes',
    summary: "A pin violates another pinned distribution's Requires-Dist",
    docs: `## What it does
For every distribution an image pins exactly, reads its \`Requires-Dist\` and checks the other pins
of the same install set against it: \`httpx==0.28.1\` requires \`httpcore==1.*\`, so \`httpcore==1.0.7\`
is fine and \`httpcore==0.17.3\` is not. Markers are evaluated for the image (its Python from
\`FROM python:X.Y\`, Linux); a requirement whose marker cannot be decided is skipped.

Metadata comes, in this order, from an installed environment (\`--python-env\`, or \`.venv\`/\`venv\`
under the root), a lockfile (\`poetry.lock\`; \`uv.lock\` records no ranges), the package index when
\`--index-url\` is given (cached on disk), or a small bundled table of ranges known for certain.
Without metadata nothing is reported.

## Why is this bad?
pip refuses the build (\`ResolutionImpossible\`), or, when the pins are installed by separate
commands, the image ends up with a combination its authors never tested.

## Example
\`\`\`
httpx==0.28.1
httpcore==0.17.3
\`\`\`

Use instead: \`httpcore==1.0.7\`.

## Fix safety
When another file in the repository pins a version that satisfies every requirement on the
distribution, the fix moves the pin to it. It is unsafe: the image's versions change.

## References
- PEP 508 (dependency specifiers), PEP 440 (version matching), core metadata \`Requires-Dist\``,
  },
  check({ project, report }) {
    const reported = new Set<string>();
    for (const service of project.services) {
      const env = service.dockerfile !== null ? { python_version: service.pythonVersion } : null;
      const live = service.installed.filter((i) => !i.requirement.url && (!env || evaluateMarker(i.requirement.marker, env) !== false));
      const pinned = new Map<string, InstalledRequirement>();
      for (const i of live) if (i.requirement.pin && !pinned.has(i.requirement.key)) pinned.set(i.requirement.key, i);
      for (const parent of pinned.values()) {
        const version = parent.requirement.pin ?? '';
        const answer = project.metadata.requiresOf(parent.requirement.key, version);
        if (!answer) continue;
        for (const dep of answer.requires) {
          if (dep.specifier === '') continue;
          const marker = evaluateMarker(dep.marker, { python_version: service.pythonVersion, extras: parent.requirement.extras });
          if (marker !== true) continue;
          const child = pinned.get(dep.key);
          if (!child || child === parent) continue;
          // Without an image, every requirements file counts as installed: compare within one file.
          if (service.kind === 'project' && child.file !== parent.file) continue;
          const childVersion = child.requirement.pin ?? '';
          if (satisfiesSpecifier(childVersion, dep.specifier) !== false) continue;
          const where = `${child.file}:${child.requirement.span.start}:${parent.requirement.key}`;
          if (reported.has(where)) continue;
          reported.add(where);
          report({
            file: child.file,
            span: child.requirement.span,
            service: service.kind === 'project' ? null : service.name,
            message: `${child.requirement.name}==${childVersion} does not satisfy ${parent.requirement.name} ${version}'s requirement ${dep.name}${dep.specifier}${service.kind === 'project' ? '' : ` (both installed by the image of service "${service.name}")`}`,
            evidence: [
              { file: parent.file, line: parent.requirement.line, message: `pins ${parent.requirement.name}==${version}` },
              { file: parent.file, line: parent.requirement.line, message: `${parent.requirement.name} ${version} requires ${dep.name}${dep.specifier} (from ${answer.source})` },
              { file: child.file, line: child.requirement.line, message: `pins ${child.requirement.name}==${childVersion}` },
            ],
            package: child.requirement.name,
            fix: satisfyingFix(project, service, child, live),
          });
        }
      }
    }
  },
});

/**
 * A version pinned elsewhere in the repo that satisfies every Requires-Dist on the child from the
 * service's other pins and the child's own other specifiers; none when no such pin exists.
 */
function satisfyingFix(project: Project, service: Service, child: InstalledRequirement, live: readonly InstalledRequirement[]): Fix | null {
  const file = project.files.get(child.file);
  if (!file || !/^==[^,;*]+$/.test(child.requirement.specifier)) return null;
  const constraints: string[] = [];
  for (const other of live) {
    if (other.requirement.key === child.requirement.key) {
      if (other !== child && other.requirement.specifier) constraints.push(other.requirement.specifier);
      continue;
    }
    if (!other.requirement.pin) continue;
    const answer = project.metadata.requiresOf(other.requirement.key, other.requirement.pin);
    for (const dep of answer?.requires ?? []) {
      if (dep.key !== child.requirement.key || dep.specifier === '') continue;
      const marker = evaluateMarker(dep.marker, { python_version: service.pythonVersion, extras: other.requirement.extras });
      if (marker !== false) constraints.push(dep.specifier);
    }
  }
  for (const candidate of pinsInRepo(project, child.requirement.key)) {
    if (candidate.version === child.requirement.pin || candidate.version.includes('+')) continue;
    if (commonVersion([`==${candidate.version}`, ...constraints]) === false || constraints.some((c) => satisfiesSpecifier(candidate.version, c) !== true)) continue;
    return {
      title: `Pin ${child.requirement.name}==${candidate.version} (as in ${candidate.file}), which satisfies every requirement on it`,
      applicability: 'unsafe',
      edits: [replaceSpan(file, child.requirement.specifierSpan, `==${candidate.version}`)],
    };
  }
  return null;
}
