import type { Fix } from '../../findings/types.js';
import { INCOMPATIBLE, type Incompatibility } from '../../knowledge/incompatible-data.js';
import { evaluateMarker, normalizeDistribution, satisfiesSpecifier } from '../../model/pep440.js';
import type { InstalledRequirement, Project } from '../../model/types.js';
import { defineRule } from '../define-rule.js';
import { insertLineAfter, replaceSpan } from '../edits.js';

export default defineRule({
  meta: {
    id: 'PIN007',
    name: 'known-incompatible-pins',
    severity: 'error',
    category: 'correctness',
    fix: 'sometimes',
    summary: 'Pins that install fine but are known to break together at run time',
    docs: `## What it does
Checks each image's pins against a small curated list of combinations that pip accepts (the older
package declares no upper bound) but that break at import or run time, each documented by the
projects involved: passlib 1.7.4 with bcrypt 4.1 or later, Flask 2.2 with Werkzeug 3, pandas
before 2.2.2 with NumPy 2, openai before 1.55.3 with httpx 0.28. Both pinned: an error. The
package pinned and the dependency left unpinned (\`passlib[bcrypt]==1.7.4\` alone pulls the
latest bcrypt): a warning.

## Why is this bad?
The build succeeds and the service fails or misbehaves later: the passlib/bcrypt pair logs
"(trapped) error reading bcrypt version" at startup, and bcrypt 5 fails password hashing.

## Example
\`\`\`
passlib[bcrypt]==1.7.4
bcrypt==4.2.1
\`\`\`

Use instead: \`bcrypt==4.0.1\` (or replace passlib).

## Fix safety
Where a release of the dependency is known to work, the fix pins it (replacing the written
specifier, or adding a line after the package). It is unsafe: the image's versions change.

## References
- pyca/bcrypt CHANGELOG 4.1.0; Werkzeug 3.0.0 changelog; pandas 2.2.2 release notes; openai-python 1.55.3`,
  },
  check({ project, report }) {
    const seen = new Set<string>();
    for (const service of project.services) {
      const env = service.dockerfile !== null ? { python_version: service.pythonVersion } : null;
      const live = service.installed.filter((i) => !i.constraint && !i.requirement.url && (!env || evaluateMarker(i.requirement.marker, env) !== false));
      const byKey = new Map<string, InstalledRequirement>();
      for (const i of live) if (!byKey.has(i.requirement.key) || (i.requirement.pin && !byKey.get(i.requirement.key)?.requirement.pin)) byKey.set(i.requirement.key, i);
      for (const known of INCOMPATIBLE) {
        const pkg = byKey.get(normalizeDistribution(known.package[0]));
        const pkgVersion = pkg?.requirement.pin;
        if (!pkg || !pkgVersion || satisfiesSpecifier(pkgVersion, known.package[1]) !== true) continue;
        const depKey = normalizeDistribution(known.dependency[0]);
        const dep = byKey.get(depKey);
        const depVersion = dep?.requirement.pin ?? null;
        // Without an image, every requirements file counts as installed: compare within one file.
        if (service.kind === 'project' && dep && dep.file !== pkg.file) continue;
        const pulledByExtra = known.extra !== null && pkg.requirement.extras.some((e) => normalizeDistribution(e) === known.extra);
        let severity: 'error' | 'warning';
        if (depVersion) {
          if (satisfiesSpecifier(depVersion, known.dependency[1]) !== true) continue;
          severity = 'error';
        } else if (dep) {
          // Unpinned: only when the written range still lets the broken releases in.
          if (dep.requirement.specifier !== '' && satisfiesSpecifier('99999', dep.requirement.specifier) !== true) continue;
          severity = 'warning';
        } else if (pulledByExtra) {
          severity = 'warning';
        } else continue;
        const at = dep ?? pkg;
        const where = `${at.file}:${at.requirement.span.start}:${known.package[0]}`;
        if (seen.has(where)) continue;
        seen.add(where);
        const depText = depVersion ? `${known.dependency[0]}==${depVersion}` : `an unpinned ${known.dependency[0]} (pip installs its latest release, ${known.dependency[1]})`;
        report({
          file: at.file,
          span: at.requirement.span,
          severity,
          service: service.kind === 'project' ? null : service.name,
          message: `${known.package[0]}==${pkgVersion} is known to break with ${depText}: ${known.symptom}`,
          evidence: [
            { file: pkg.file, line: pkg.requirement.line, message: `pins ${pkg.requirement.name}${pkg.requirement.extras.length ? `[${pkg.requirement.extras.join(',')}]` : ''}==${pkgVersion}` },
            ...(dep ? [{ file: dep.file, line: dep.requirement.line, message: `${depVersion ? 'pins' : 'installs'} ${dep.requirement.name}${dep.requirement.specifier}` }] : []),
            { file: pkg.file, line: pkg.requirement.line, message: `source: ${known.source}` },
          ],
          package: pkg.requirement.name,
          fix: safeFix(project, known, pkg, dep ?? null),
        });
      }
    }
  },
});

function safeFix(project: Project, known: Incompatibility, pkg: InstalledRequirement, dep: InstalledRequirement | null): Fix | null {
  if (!known.safe) return null;
  const title = `Pin ${known.dependency[0]}==${known.safe}, known to work with ${known.package[0]} ${known.package[1]}`;
  if (dep) {
    const file = project.files.get(dep.file);
    if (!file || (dep.requirement.specifier !== '' && !/^(==|>=|~=|<=|<|>|!=)/.test(dep.requirement.specifier))) return null;
    return { title, applicability: 'unsafe', edits: [replaceSpan(file, dep.requirement.specifierSpan, `==${known.safe}`)] };
  }
  // Added after the package's own line, in the requirements file the image installs.
  const file = project.requirements.has(pkg.file) ? project.files.get(pkg.file) : undefined;
  if (!file) return null;
  const lastLine = file.lines.position(Math.max(pkg.requirement.lineSpan.end - 1, pkg.requirement.span.end)).line;
  return { title, applicability: 'unsafe', edits: [insertLineAfter(file, lastLine, `${known.dependency[0]}==${known.safe}`)] };
}
