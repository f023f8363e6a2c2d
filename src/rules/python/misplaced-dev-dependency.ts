// DEP004 misplaced-dev-dependency: project mode; a distribution the project declares only for
// development (dev groups and tables, dev extras, requirements-dev.txt) imported by code that is
// not test code, so an install without the development dependencies breaks on it.
import type { Evidence } from '../../findings/types.js';
import type { Service } from '../../model/types.js';
import { defineRule } from '../define-rule.js';
import { siteEvidence, siteRefs, thirdPartyGroups, type ImportSite } from './import-groups.js';

export default defineRule({
  meta: {
    id: 'DEP004',
    name: 'misplaced-dev-dependency',
    severity: 'warning',
    category: 'correctness',
    fix: 'none',
    summary: 'Distribution declared only for development but imported by code that is not test code',
    docs: `## What it does
In project mode (a repository without Docker), flags a module imported by the project's code
when the distribution that provides it is declared only as a development dependency:
- \`[dependency-groups]\` groups (PEP 735) and Poetry groups, unless \`runtimeGroups\` lists them
  (deptry's \`non_dev_dependency_groups\`);
- \`[tool.uv] dev-dependencies\`, \`[tool.pdm.dev-dependencies]\`, \`[tool.poetry.dev-dependencies]\`;
- extras (\`[project.optional-dependencies]\`, setuptools \`dynamic\` extras) that \`devExtras\` lists
  (deptry's \`optional_dependencies_dev_groups\`); without that setting, extras named for
  development (\`dev\`, \`test\`, \`lint\`, \`docs\`, \`typing\`, ...), and with a \`[tool.deptry]\` section
  only the extras deptry lists;
- requirements files for development (\`requirements-dev.txt\`, \`dev-requirements.txt\`,
  \`requirements/test.txt\`, or \`devRequirementsFiles\`).

Test code is not flagged: files under \`tests/\`, \`test/\`, \`testing/\`, \`docs/\`, \`benchmarks/\`,
\`examples/\`, and \`test_*.py\`, \`*_test.py\`, \`conftest.py\`, \`noxfile.py\`, \`fabfile.py\`. Imports
under \`try/except ImportError\` are optional by design and not flagged; imports under
\`if TYPE_CHECKING:\` never run. A distribution also declared as a runtime dependency anywhere in
the project (dependencies, a runtime extra or group, setup.py, setup.cfg, a Pipfile's
\`[packages]\`) is not flagged.

## Why is this bad?
Whoever installs the project (\`pip install .\`, \`uv sync --no-dev\`, a wheel) does not get
development dependencies: the import fails with \`ModuleNotFoundError\` outside the developer's
environment.

## Example
\`src/app/cli.py\` imports \`rich\`, and \`pyproject.toml\` lists \`rich\` only in
\`[dependency-groups] dev\`.

Use instead: move \`rich\` to \`[project] dependencies\` (or import it only from tests).

## Options
\`devExtras\`, \`runtimeGroups\` and \`devRequirementsFiles\` in \`.driftcheck.yaml\` say which tables are
for development; \`[tool.deptry]\`'s \`optional_dependencies_dev_groups\` (or
\`pep621_dev_dependency_groups\`), \`non_dev_dependency_groups\` and \`requirements_files_dev\` are read
when the driftcheck config does not set them.

## References
- deptry DEP004 (misplaced development dependency)`,
  },
  check({ project, report }) {
    for (const service of project.services) {
      const python = service.project;
      if (!python) continue;
      const test = new Set(python.code.filter((c) => c.test).map((c) => c.repoPath));
      for (const group of thirdPartyGroups(project, service)) {
        if (group.status !== 'installed') continue;
        const key = group.installed;
        if (key === null || python.runtimeKeys.has(key)) continue;
        // Where the shipped code imports it, unconditionally or not; optional imports never break.
        const sites = group.sites.filter((site) => !test.has(site.file) && !site.imp.guarded);
        const first = sites[0];
        if (!first) continue;
        const declared = python.declarations.filter((d) => d.requirement.key === key);
        const distribution = declared[0]?.requirement.name ?? key;
        const top = first.imp.module.split('.')[0] ?? first.imp.module;
        const name = top === distribution ? `"${top}"` : `"${top}" (distribution ${distribution})`;
        const where = [...new Set(declared.map((d) => `${d.file}${d.section === 'requirements' ? '' : ` [${d.section}]`}`))];
        report({
          file: first.file,
          span: first.imp.span,
          ...(sites.every((s) => s.imp.conditional) ? { severity: 'info' as const } : {}),
          service: null,
          message: `${name} is imported by code that is not test code, but ${distribution} is declared only as a development dependency (${where.slice(0, 2).join(', ')})`,
          evidence: [...siteEvidence(sites), ...declaredEvidence(service, key)],
          fix: null,
          sites: siteRefs(sites as ImportSite[]),
          package: key,
          module: top,
        });
      }
    }
  },
});

function declaredEvidence(service: Service, key: string): Evidence[] {
  return (service.project?.declarations ?? [])
    .filter((d) => d.requirement.key === key)
    .slice(0, 3)
    .map((d) => ({ file: d.file, line: d.requirement.line, message: `declared for development${d.section === 'requirements' ? '' : ` in [${d.section}]`}` }));
}
