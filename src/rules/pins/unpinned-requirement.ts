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
    needs: [], // no service's run files (ModelPart)
    summary: 'A production image installs a requirement without an exact pin',
    docs: `## What it does
Flags a requirement a production image installs without an exact \`==\` pin: a bare name, a range
(\`>=\`, \`~=\`, \`<\`) or a wildcard (\`==1.*\`). A pin in a constraints file the same install uses
(\`-c constraints.txt\`), or in another file the image installs, counts as pinned; direct URLs,
markers false for the image's Python, and installer tooling (pip, setuptools, wheel) are skipped.
The image's own convention decides: when at least half of what it installs is pinned, each
unpinned line is a warning (an outlier, likely an oversight); when ranges dominate, ranges are the
project's choice and the image gets one information finding at its install ("no lock or
constraints file"). A VCS requirement on a branch or with no ref (\`git+https://…@main\`) is the
least reproducible line and is flagged on its own (a warning among pins, else information); a ref
that is a commit hash or a version tag (\`@v1.4.2\`) counts as pinned.

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
      const pinned = new Set(live.filter((i) => i.requirement.pin !== null || (i.requirement.url !== null && !floatingVcs(i.requirement.url))).map((i) => i.requirement.key));
      const installs = live.filter((i) => !i.constraint);
      const loose = installs.filter((i) => {
        const r = i.requirement;
        return r.pin === null && r.url === null && !r.editable && !pinned.has(r.key) && !TOOLING.has(r.key);
      });
      const branches = installs.filter((i) => i.requirement.url !== null && !i.requirement.editable && floatingVcs(i.requirement.url) && !pinned.has(i.requirement.key));
      const pinnedCount = installs.filter((i) => i.requirement.pin !== null || (i.requirement.url !== null && !floatingVcs(i.requirement.url))).length;
      // The file's convention: when at least half the lines are pinned, the others are outliers;
      // when ranges dominate, ranges are the choice, and the image as a whole has no lock.
      const pinsByConvention = pinnedCount > 0 && pinnedCount >= loose.length + branches.length;
      for (const installed of branches) {
        const { requirement } = installed;
        const where = `${installed.file}:${requirement.span.start}`;
        if (seen.has(where)) continue;
        seen.add(where);
        report({
          file: installed.file,
          span: requirement.span,
          severity: pinsByConvention ? 'warning' : 'info',
          service: service.name,
          message: `"${requirement.name}" is installed from a VCS branch or default head (${refText(vcsRef(requirement.url ?? ''))}), installed by the image of service "${service.name}": each build may get different code`,
          evidence: [
            { file: installed.via.file, line: installed.via.line, message: 'installed here' },
            { file: installed.file, line: requirement.line, message: 'pin a commit or a tag (`@<sha>`) to rebuild the same code' },
          ],
          package: requirement.name,
        });
      }
      if (!pinsByConvention) {
        const first = loose[0];
        if (!first || loose.every((i) => seen.has(`${i.file}:${i.requirement.span.start}`))) continue;
        for (const i of loose) seen.add(`${i.file}:${i.requirement.span.start}`);
        const names = loose.slice(0, 3).map((i) => `${i.requirement.name}${i.requirement.specifier}`);
        report({
          file: first.via.file,
          span: first.via.span,
          severity: 'info',
          service: service.name,
          message: `the image of service "${service.name}" installs ${loose.length} requirement(s) by range or by name only (${names.join(', ')}${loose.length > 3 ? ', …' : ''}) and has no lock or constraints file: each build may resolve other versions`,
          evidence: loose.slice(0, 3).map((i) => ({ file: i.file, line: i.requirement.line, message: `${i.requirement.name}${i.requirement.specifier === '' ? ' has no version' : ` allows any version in ${i.requirement.specifier}`}` })),
        });
        continue;
      }
      for (const installed of loose) {
        const { requirement } = installed;
        const where = `${installed.file}:${requirement.span.start}`;
        if (seen.has(where)) continue;
        seen.add(where);
        const written = requirement.specifier === '' ? 'has no version' : `allows any version in ${requirement.specifier}`;
        report({
          file: installed.file,
          span: requirement.span,
          severity: 'warning',
          service: service.name,
          message: `"${requirement.name}" ${written}, installed by the image of service "${service.name}", which pins its other requirements`,
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

/** A VCS URL without a ref, or with one that names a branch rather than a commit or a version tag. */
function floatingVcs(url: string): boolean {
  if (!/^(git|hg|svn|bzr)\+/i.test(url)) return false;
  const ref = vcsRef(url);
  if (ref === 'no ref') return true;
  return !/^[0-9a-f]{7,40}$/i.test(ref) && !/^v?\d+(\.\d+)*([._-]?[A-Za-z0-9]+)*$/.test(ref);
}

function refText(ref: string): string {
  return ref === 'no ref' ? 'no ref' : `@${ref}`;
}

/** The `@ref` of a VCS URL (after the path, before `#`), or "no ref". */
function vcsRef(url: string): string {
  const path = url.replace(/#.*$/, '').replace(/^[a-z+]+:\/\/[^/]*/i, '');
  const at = path.lastIndexOf('@');
  return at < 0 || at === path.length - 1 ? 'no ref' : path.slice(at + 1);
}

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
