import type { Evidence, Fix, Severity } from '../../findings/types.js';
import { normalizeName, transitiveClosure, type DistributionGuess } from '../../model/module-map.js';
import { classifyImport, declaredAnywhere, installedKey, pinsInRepo, primaryRequirementsFile } from '../../model/queries.js';
import type { Project, Service } from '../../model/types.js';
import type { PyImport } from '../../parsers/types.js';
import { defineRule } from '../define-rule.js';
import { appendLine } from '../edits.js';
import { entryEvidence, installEvidence } from './evidence.js';

interface Site {
  readonly file: string;
  readonly imp: PyImport;
}

export default defineRule({
  meta: {
    id: 'DEP001',
    name: 'missing-dependency',
    severity: 'error',
    category: 'correctness',
    fix: 'sometimes',
    summary: 'Third-party module imported by code that runs in a service, but never installed by its image',
    docs: `## What it does
Follows each service from its command (\`uvicorn app.main:app\`, \`python -m worker\`, ...) through the
Python files that really run in its image, and flags every third-party module they import that the
image never installs: not in the requirements files its Dockerfile installs (following \`-r\`/\`-c\`),
not installed inline by \`pip install x\`, not a dependency of the local project it installs, and
not a well-known dependency of something it installs. Without Docker, imports are checked against
every requirements file and \`pyproject.toml\` in the repository.

Imports guarded by \`try/except ImportError\` or under a version/platform \`if\` are reported as
warnings; imports under \`if TYPE_CHECKING:\` are not reported. When the image installs packages
driftcheck cannot list — a base image other than a plain OS/Python one, \`conda install\`, package
names from build variables, \`install_requires\` computed in \`setup.py\` — findings are warnings
and say why.

## Why is this bad?
The container starts and then dies, or degrades, on \`ModuleNotFoundError\` — often only when the
code path that imports the module is first hit in production.

## Example
\`app/main.py\` has \`import chromadb\`; the Dockerfile runs \`pip install -r requirements.txt\`, and
\`requirements.txt\` does not list \`chromadb\`.

Use instead: add \`chromadb==0.5.0\` to \`requirements.txt\`.

## Fix safety
Safe when the distribution is pinned elsewhere in the repository (that pin is copied, so the name
and version are ones the team already uses). Unsafe when no pin exists: the line is added
unpinned, and the distribution name may be a guess from the import name.

## Options
\`moduleMap\` in \`.driftcheck.yaml\` maps import names to distributions the bundled table does not know.

## References
- DESIGN.md §1 (the service model), §5 (import name to distribution)`,
  },
  check({ project, report }) {
    for (const service of project.services) {
      if (service.kind !== 'project' && !service.dockerfile) continue;
      const transitive = transitiveClosure(service.installedKeys);
      for (const [key, group] of missingByDistribution(project, service, transitive)) {
        const first = group.sites[0];
        if (!first) continue;
        const distribution = group.guess.distributions[0] ?? key;
        report({
          file: first.file,
          span: first.imp.span,
          severity: service.unknownInstalls.length > 0 ? 'warning' : severityOf(group.sites),
          service: service.kind === 'project' ? null : service.name,
          message: messageOf(service, first.imp.module, distribution, group.sites),
          evidence: [
            ...siteEvidence(group.sites),
            ...entryEvidence(service),
            ...installEvidence(service, distribution),
            ...service.unknownInstalls.slice(0, 2).map((u) => ({ ...u, message: `${u.message}, so this is a warning` })),
          ],
          fix: fixOf(project, service, key, distribution, group.guess),
        });
      }
    }
  },
});

function missingByDistribution(project: Project, service: Service, transitive: ReadonlyMap<string, string>): Map<string, { guess: DistributionGuess; sites: Site[] }> {
  const groups = new Map<string, { guess: DistributionGuess; sites: Site[] }>();
  for (const runFile of service.runFiles) {
    for (const imp of project.python.get(runFile.repoPath)?.imports ?? []) {
      if (imp.typeChecking) continue;
      const cls = classifyImport(project, service, runFile, imp);
      if (cls.kind !== 'third-party') continue;
      if (installedKey(service, cls.guess.distributions)) continue;
      const key = normalizeName(cls.guess.distributions[0] ?? cls.top);
      if (cls.guess.distributions.some((d) => transitive.has(normalizeName(d)))) continue;
      const group = groups.get(key) ?? { guess: cls.guess, sites: [] };
      group.sites.push({ file: runFile.repoPath, imp });
      groups.set(key, group);
    }
  }
  for (const group of groups.values()) {
    group.sites.sort((a, b) => hardness(a) - hardness(b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.imp.line - b.imp.line));
  }
  return new Map([...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Hard imports first: they decide the severity and where the finding is shown. */
function hardness(site: Site): number {
  return site.imp.guarded || site.imp.conditional ? 1 : 0;
}

function severityOf(sites: readonly Site[]): Severity {
  return sites.some((s) => hardness(s) === 0) ? 'error' : 'warning';
}

function messageOf(service: Service, module: string, distribution: string, sites: readonly Site[]): string {
  const top = module.split('.')[0] ?? module;
  const name = top === distribution ? `"${top}"` : `"${top}" (distribution ${distribution})`;
  const optional = severityOf(sites) === 'warning' ? ' (only in guarded or conditional imports)' : '';
  if (service.kind === 'project') return `${name} is imported but not declared as a dependency${optional}`;
  return `${name} is imported but the image of service "${service.name}" never installs it${optional}`;
}

function siteEvidence(sites: readonly Site[]): Evidence[] {
  const shown = sites.slice(0, 3).map((s) => ({ file: s.file, line: s.imp.line, message: `imports ${s.imp.module}${contextNote(s.imp)}` }));
  if (sites.length > 3) shown.push({ file: sites[3]?.file ?? '', line: sites[3]?.imp.line ?? 1, message: `and ${sites.length - 3} more import site(s)` });
  return shown;
}

function contextNote(imp: PyImport): string {
  if (imp.guarded) return ' inside try/except ImportError';
  if (imp.conditional) return ' under a conditional';
  if (imp.inFunction) return ' inside a function';
  return '';
}

function fixOf(project: Project, service: Service, key: string, distribution: string, guess: DistributionGuess): Fix | null {
  const target = service.kind === 'project' ? projectRequirementsFile(project) : primaryRequirementsFile(service);
  const file = target ? project.files.get(target) : undefined;
  if (!file) return null;
  const pin = pinsInRepo(project, key)[0];
  const line = pin ? `${distribution}==${pin.version}` : distribution;
  const known = guess.source !== 'guess' || declaredAnywhere(project).has(key);
  return {
    title: pin ? `Add ${line} to ${target} (pinned as in ${pin.file})` : `Add ${line} (unpinned) to ${target}`,
    applicability: pin && known ? 'safe' : 'unsafe',
    edits: [appendLine(file, line)],
  };
}

function projectRequirementsFile(project: Project): string | null {
  const paths = [...project.requirements.keys()].sort();
  return paths.find((p) => p === 'requirements.txt') ?? paths.find((p) => !/dev|test|doc|lint/i.test(p)) ?? null;
}
