import type { Fix } from '../../findings/types.js';
import { primaryRequirementsFile } from '../../model/queries.js';
import type { Project, Service } from '../../model/types.js';
import { pinForFile } from '../pin-holds.js';
import { defineRule } from '../define-rule.js';
import { appendLine } from '../edits.js';
import { entryEvidence } from './evidence.js';
import { siteEvidence, siteRefs, thirdPartyGroups } from './import-groups.js';

export default defineRule({
  meta: {
    id: 'DEP003',
    name: 'transitive-dependency',
    severity: 'warning',
    category: 'reproducibility',
    fix: 'sometimes',
    summary: 'Module imported directly but installed only as a dependency of another package',
    docs: `## What it does
Flags third-party modules that code running in a service imports directly, while the image installs
them only because something else depends on them: \`import starlette\` when only \`fastapi\` is in the
requirements. Which distribution pulls in which comes from a bundled table of the well-known
dependencies of popular packages (each entry with its source), or from a lockfile, a compiled
\`requirements.txt\` (\`# via\`; in project mode, the one beside its \`.in\`) or \`--python-env\` when
there is one; nothing is executed or downloaded.

## Why is this bad?
The import works today by accident. When the parent package drops or changes that dependency —
FastAPI bumping its Starlette range, requests dropping chardet — the image breaks or changes
behaviour without any change to your requirements.

## Example
\`app/main.py\` imports \`starlette.middleware.cors\`; \`requirements.txt\` lists \`fastapi==0.115.6\` only.

Use instead: also list \`starlette\` (pinned to the version you test with).

## Fix safety
Unsafe: the line is added to the requirements file the image installs, pinned when the repository
pins that distribution elsewhere and unpinned otherwise; a pin that disagrees with the parent
package's range would make the install fail, so review it.

## References
- deptry DEP003 (transitive dependency); FawltyDeps undeclared dependencies`,
  },
  check({ project, report }) {
    for (const service of project.services) {
      if (service.kind !== 'project' && !service.dockerfile) continue;
      for (const group of thirdPartyGroups(project, service)) {
        if (group.status !== 'transitive') continue;
        const first = group.sites[0];
        if (!first) continue;
        const distribution = group.guess.distributions[0] ?? group.key;
        const top = first.imp.module.split('.')[0] ?? first.imp.module;
        const name = top === distribution ? `"${top}"` : `"${top}" (distribution ${distribution})`;
        const where = service.kind === 'project' ? 'the project declares' : `the image of service "${service.name}" installs`;
        report({
          file: first.file,
          span: first.imp.span,
          service: service.kind === 'project' ? null : service.name,
          message: `${name} is imported directly but ${where} it only as a dependency of ${group.via ?? 'another package'}`,
          evidence: [
            ...siteEvidence(group.sites),
            ...entryEvidence(service),
            ...viaEvidence(service, group.via),
          ],
          package: distribution,
          fix: pinFix(project, service, group.key, distribution),
          sites: siteRefs(group.sites),
          module: top,
        });
      }
    }
  },
});

function viaEvidence(service: Service, via: string | null): { file: string; line: number; message: string }[] {
  const installed = service.installed.find((i) => i.requirement.key === via);
  if (!installed) return [];
  return [{ file: installed.file, line: installed.requirement.line, message: `installs ${installed.requirement.name}, which depends on it` }];
}

function pinFix(project: Project, service: Service, key: string, distribution: string): Fix | null {
  const target = service.kind === 'project' ? null : primaryRequirementsFile(service);
  const file = target ? project.files.get(target) : undefined;
  if (!target || !file) return null;
  const pin = pinForFile(project, target, key);
  if (pin === undefined) return null; // every pin in the repository breaks an image that installs the file
  const line = pin ? `${distribution}==${pin.version}` : distribution;
  return { title: `Add ${line} to ${target}`, applicability: 'unsafe', edits: [appendLine(file, line)] };
}
