import type { Fix } from '../../findings/types.js';
import { evaluateMarker, satisfiesSpecifier } from '../../model/pep440.js';
import type { InstallStep, InstalledRequirement, Project } from '../../model/types.js';
import { defineRule } from '../define-rule.js';
import { replaceSpan } from '../edits.js';

export default defineRule({
  meta: {
    id: 'PIN006',
    name: 'install-order-override',
    severity: 'warning',
    category: 'reproducibility',
    fix: 'none', // display-only suggestion, never applied
    summary: 'A later install in the same image can replace a version pinned by an earlier one',
    docs: `## What it does
Follows the installs of one image stage in order. When an earlier install pins a distribution
(\`fastapi==0.115.6\` from \`requirements.txt\`) and a later, separate install names it again in a
way that replaces that version — with \`--upgrade\`/\`-U\`, or with a range the pinned version does
not satisfy (\`pip install "fastapi>=0.116"\`) — the later one is flagged. A bare \`pip install
fastapi\` without \`--upgrade\` is not: pip keeps an installed version that satisfies it. Two
different exact pins are reported by PIN001 (conflicting-pins) instead.

## Why is this bad?
The pin in the requirements file is not what ships: the image silently runs another version than
the one tested, and the requirements file misleads whoever reads it.

## Example
\`\`\`
RUN pip install -r requirements.txt          # fastapi==0.115.6
RUN pip install --upgrade fastapi
\`\`\`

Use instead: change the pin in the requirements file and drop the later install.

## Fix safety
Display-only: the patch shown pins the later install to the earlier version, but which version
should win is the author's decision.

## References
- pip documentation: pip install \`--upgrade\`, "Requirement already satisfied"`,
  },
  check({ project, report }) {
    const seen = new Set<string>();
    for (const service of project.services) {
      if (service.dockerfile === null) continue;
      const env = { python_version: service.pythonVersion };
      const live = service.installed.filter((i) => !i.constraint && !i.requirement.url && evaluateMarker(i.requirement.marker, env) !== false);
      const pinnedFirst = new Map<string, InstalledRequirement>();
      for (const later of [...live].sort((a, b) => order(a.via, b.via))) {
        const key = later.requirement.key;
        const earlier = pinnedFirst.get(key);
        if (!earlier) {
          if (later.requirement.pin) pinnedFirst.set(key, later);
          continue;
        }
        // Installs of a builder stage whose site-packages the image copies count as earlier ones.
        if (earlier.via === later.via || earlier.via.stage > later.via.stage || later.requirement.pin) continue;
        const pin = earlier.requirement.pin ?? '';
        const outside = later.requirement.specifier !== '' && satisfiesSpecifier(pin, later.requirement.specifier) === false;
        if (!later.via.pip.upgrade && !outside) continue;
        const where = `${later.file}:${later.requirement.span.start}`;
        if (seen.has(where)) continue;
        seen.add(where);
        const how = later.via.pip.upgrade ? `upgrades "${later.requirement.name}"` : `installs "${later.requirement.name}${later.requirement.specifier}", which ${pin} does not satisfy,`;
        report({
          file: later.file,
          span: later.requirement.span,
          service: service.name,
          message: `This later install ${how} after ${earlier.file} pinned it to ${pin}: the image of service "${service.name}" does not ship the pinned version`,
          evidence: [
            { file: earlier.via.file, line: earlier.via.line, message: `first installs ${earlier.requirement.name}==${pin} (${earlier.file}:${earlier.requirement.line})` },
            { file: later.via.file, line: later.via.line, message: `then installs ${later.requirement.name}${later.requirement.specifier}${later.via.pip.upgrade ? ' with --upgrade' : ''}` },
          ],
          package: later.requirement.name,
          fix: displayFix(project, later, pin),
        });
      }
    }
  },
});

function order(a: InstallStep, b: InstallStep): number {
  return a.stage - b.stage || a.instructionIndex - b.instructionIndex || a.span.start - b.span.start;
}

function displayFix(project: Project, later: InstalledRequirement, pin: string): Fix | null {
  const file = project.files.get(later.file);
  if (!file) return null;
  return {
    title: `Install ${later.requirement.name}==${pin} here as well (or change the earlier pin)`,
    applicability: 'display-only',
    edits: [replaceSpan(file, later.requirement.specifierSpan, `==${pin}`)],
  };
}
