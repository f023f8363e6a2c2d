import type { Fix } from '../../findings/types.js';
import { evaluateMarker, satisfiesSpecifier } from '../../model/pep440.js';
import { pinsInRepo } from '../../model/queries.js';
import type { InstalledRequirement, Project, Service } from '../../model/types.js';
import { pinHoldsForEveryImage } from '../pin-holds.js';
import { defineRule } from '../define-rule.js';
import { replaceSpan } from '../edits.js';

// Installer tooling upgraded on purpose (`pip install --upgrade pip setuptools wheel`).
const TOOLING = new Set(['pip', 'setuptools', 'wheel', 'uv', 'pip-tools', 'poetry', 'pipenv', 'pdm', 'hatch', 'virtualenv']);

export default defineRule({
  meta: {
    id: 'PIN003',
    name: 'unpinned-requirement',
    severity: 'warning',
    category: 'reproducibility',
    fix: 'sometimes',
    summary: 'A production image installs a requirement without an exact pin',
    docs: `## What it does
Flags a requirement a production image installs without an exact \`==\` pin: a bare name, a range
(\`>=\`, \`~=\`, \`<\`) or a wildcard (\`==1.*\`). A pin in a constraints file the same install uses
(\`-c constraints.txt\`), or in another file the image installs, counts as pinned; direct URLs and
VCS references, markers false for the image's Python, and installer tooling (pip, setuptools,
wheel) are skipped. It is a warning when the same image pins other requirements (the
unpinned one looks like an oversight), and information when it pins nothing at all.

## Why is this bad?
Two builds of the same commit can ship different versions; a new release of a dependency breaks
production without any change in the repository.

## Example
\`requirements.txt\` holds \`fastapi==0.115.6\` and \`httpx>=0.27\`.

Use instead: \`httpx==0.28.1\`, or a constraints/lock file.

## Fix safety
When another file in the repository pins the distribution to a version inside the written range,
the fix pins it to that version. It is unsafe: the version the image installs may change.

## References
- pip documentation: Repeatable Installs; Constraints Files`,
  },
  check({ project, report }) {
    const seen = new Set<string>();
    for (const service of project.services) {
      if (!service.production || service.dockerfile === null) continue;
      const env = { python_version: service.pythonVersion };
      const live = service.installed.filter((i) => evaluateMarker(i.requirement.marker, env) !== false);
      const pinned = new Set(live.filter((i) => i.requirement.pin !== null || i.requirement.url !== null).map((i) => i.requirement.key));
      const installs = live.filter((i) => !i.constraint);
      const anyPinned = installs.some((i) => i.requirement.pin !== null);
      for (const installed of installs) {
        const { requirement } = installed;
        if (requirement.pin !== null || requirement.url !== null || requirement.editable || pinned.has(requirement.key) || TOOLING.has(requirement.key)) continue;
        const where = `${installed.file}:${requirement.span.start}`;
        if (seen.has(where)) continue;
        seen.add(where);
        const written = requirement.specifier === '' ? 'has no version' : `allows any version in ${requirement.specifier}`;
        report({
          file: installed.file,
          span: requirement.span,
          severity: anyPinned ? 'warning' : 'info',
          service: service.name,
          message: `"${requirement.name}" ${written}, installed by the image of service "${service.name}"${anyPinned ? ', which pins its other requirements' : ''}`,
          evidence: [
            { file: installed.via.file, line: installed.via.line, message: `installed here` },
            { file: installed.file, line: requirement.line, message: `${requirement.name}${requirement.specifier} is not pinned, nor pinned by a constraints file` },
          ],
          package: requirement.name,
          fix: pinFix(project, service, installed),
        });
      }
    }
  },
});

function pinFix(project: Project, service: Service, installed: InstalledRequirement): Fix | null {
  void service;
  const { requirement } = installed;
  const file = project.files.get(installed.file);
  if (!file) return null;
  for (const candidate of pinsInRepo(project, requirement.key)) {
    if (candidate.version.includes('+') || candidate.requirement.specifier.startsWith('===')) continue;
    if (requirement.specifier !== '' && satisfiesSpecifier(candidate.version, requirement.specifier) !== true) continue;
    if (!pinHoldsForEveryImage(project, installed.file, requirement.key, candidate.version)) continue;
    return {
      title: `Pin ${requirement.name}==${candidate.version} (as in ${candidate.file})`,
      applicability: 'unsafe',
      edits: [replaceSpan(file, requirement.specifierSpan, `==${candidate.version}`)],
    };
  }
  return null;
}
