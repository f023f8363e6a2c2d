import { productionDockerfile } from '../../model/production.js';
import { commandEvidence } from '../../model/queries.js';
import type { Service, ServiceClone } from '../../model/types.js';
import { defineRule } from '../define-rule.js';
import { claimer } from './common.js';

/** Whether the service runs from inside the clone: its working directory or a path its command names. */
function runsFromClone(service: Service, root: string): boolean {
  const inside = (path: string): boolean => path === root || path.startsWith(root === '/' ? '/' : `${root}/`);
  if (root === '/') return false;
  return inside(service.cwd) || service.argv.some((word) => word.startsWith('/') && inside(word));
}

export default defineRule({
  meta: {
    id: 'PROD012',
    name: 'application-cloned-in-image',
    severity: 'warning',
    category: 'reproducibility',
    fix: 'none',
    needs: [], // no service's run files (ModelPart)
    summary: 'The Dockerfile `git clone`s the application instead of copying the checked-out code',
    docs: `## What it does
Flags a \`RUN git clone URL [DIR]\` in the stages of a production image when the clone is the
application: the service runs inside the cloned folder (its working directory, or a path its
command names), or the URL is one of this repository's own remotes (read from \`.git/config\` when
the audited folder is the work tree's top; any spelling: \`git@host:o/r.git\`, \`https://host/o/r\`).
Clones of other repositories that the service does not run from (a tool, a vendored library) are
not flagged. The files of the clone are never reported as missing from the image (PIN004, MOD001):
driftcheck does not see them, so requirements files read from the clone make the install set open.

## Why is this bad?
The image builds whatever the upstream branch holds when the build runs, not the commit being
built: local changes, the pull request under review and the tag being released never reach the
image, two builds of one commit can differ, and a rollback does not roll back. Docker's build cache
also keeps the layer of an earlier clone, so a rebuild may ship an old checkout.

## Example
\`\`\`dockerfile
FROM python:3.12-slim
RUN git clone https://github.com/acme/shop-api.git /app
WORKDIR /app
RUN pip install -r requirements.txt
CMD ["gunicorn", "shop.wsgi:app"]
\`\`\`
Use instead: \`COPY . /app\` (with a \`.dockerignore\`), so the image holds the checked-out code.

## References
- Docker documentation: Best practices, "Understand build context" and "ADD or COPY"`,
  },
  check({ project, report }) {
    const claim = claimer();
    for (const service of project.services) {
      if (!service.production || !service.dockerfilePath || !productionDockerfile(service)) continue;
      for (const clone of service.clones) {
        const inside = clone.root !== null && runsFromClone(service, clone.root);
        if (!inside && clone.remote === null) continue;
        if (!claim(service.dockerfilePath, clone.span)) continue;
        report({
          file: service.dockerfilePath,
          span: clone.span,
          service: service.name,
          message: `the image builds the application from git clone ${clone.url} (${clone.branch === null ? 'the remote\'s default branch' : `branch ${clone.branch}`}), not from the checked-out code`,
          evidence: evidenceOf(service, clone, inside),
        });
      }
    }
  },
});

function evidenceOf(service: Service, clone: ServiceClone, inside: boolean): { file: string; line: number; message: string }[] {
  const out: { file: string; line: number; message: string }[] = [];
  if (clone.remote) out.push({ file: '.git/config', line: clone.remote.line, message: `remote "${clone.remote.name}" is ${clone.remote.url}: the clone fetches this repository's pushed branch, so local commits and changes never reach the image` });
  if (inside) {
    const part = service.command[service.command.length - 1];
    const where = `the service runs in ${service.cwd}, inside the clone at ${clone.root ?? ''}`;
    out.push(part ? { ...commandEvidence(service, part), message: `${commandEvidence(service, part).message}; ${where}` } : { file: service.dockerfilePath ?? '', line: clone.line, message: where });
  }
  return out;
}
