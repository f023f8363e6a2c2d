import type { Fix } from '../../findings/types.js';
import { normalizeName } from '../../model/module-map.js';
import { commandEvidence, primaryRequirementsFile } from '../../model/queries.js';
import type { Project, Service } from '../../model/types.js';
import { defineRule } from '../define-rule.js';
import { appendLine, findToken, replaceSpan } from '../edits.js';
import { commandNeeds, isProvided, partWriting, type CommandNeed } from './command-needs.js';
import { pinForFile } from '../pin-holds.js';

export default defineRule({
  meta: {
    id: 'MOD003',
    name: 'missing-extra',
    severity: 'error',
    category: 'correctness',
    fix: 'sometimes',
    summary: "The command selects an optional package (uvicorn --loop uvloop, gunicorn -k uvicorn.workers.UvicornWorker) the image lacks",
    docs: `## What it does
Reads the flags of the command a service runs and flags those that load an optional package the
image does not install: \`uvicorn --loop uvloop\` / \`--http httptools\` / \`--ws websockets\` without
\`uvicorn[standard]\` (or the package itself), \`gunicorn -k uvicorn.workers.UvicornWorker\` without
uvicorn, \`gunicorn -k gevent\`/\`eventlet\`, \`celery -P gevent\`, \`hypercorn -k uvloop\`.

\`gunicorn -k uvicorn.workers.UvicornWorker\` with plain \`uvicorn\` (no \`[standard]\`) is reported as
info: current uvicorn falls back to asyncio and h11 (slower), while uvicorn before 0.12.1 crashed
on the missing uvloop (Kludex/uvicorn#795).

## Why is this bad?
The server exits at start-up (\`ModuleNotFoundError: No module named 'uvloop'\`, "Error: class
uri 'uvicorn.workers.UvicornWorker' invalid or not found"), and the container restarts in a loop.

## Example
\`CMD ["uvicorn", "app:app", "--loop", "uvloop"]\` with \`uvicorn==0.32.1\` in requirements.txt.

Use instead: \`uvicorn[standard]==0.32.1\`.

## Fix safety
Safe when the package comes with an extra of a requirement the image already installs
(\`uvicorn\` becomes \`uvicorn[standard]\`), or when the repository pins it elsewhere; unsafe when it
is added unpinned.

## References
- Uvicorn: Installation ("uvicorn[standard]"), Settings (--loop, --http, --ws)
- Gunicorn: Settings (worker_class)`,
  },
  check({ project, report }) {
    for (const service of project.services) {
      if (!service.dockerfile) continue;
      for (const need of commandNeeds(service)) {
        if (need.kind !== 'flag' || isProvided(project, service, need.distribution)) continue;
        // The fallback note only makes sense once the server itself is installed (else MOD003/DEP001 say so).
        if (need.fallback && need.viaExtra && !service.installedKeys.has(normalizeName(need.viaExtra.distribution))) continue;
        const part = partWriting(service, need.word);
        const file = part ? project.files.get(part.file) : undefined;
        if (!part || !file) continue;
        const span = findToken(file, part.span, need.word) ?? part.span;
        report({
          file: part.file,
          span,
          service: service.name,
          severity: need.fallback ? 'info' : undefined,
          message: need.fallback
            ? `${need.description} runs without ${need.viaExtra ? `${need.viaExtra.distribution}[${need.viaExtra.extra}]` : need.distribution} in the image of service "${service.name}": workers fall back to the slower pure-Python loop and HTTP parser`
            : `${need.description} needs ${need.distribution}, which the image of service "${service.name}" does not install`,
          evidence: [
            commandEvidence(service, part),
            ...service.installedFiles.filter((f) => f.chain.length === 1).slice(0, 2).map((f) => ({ file: f.via.file, line: f.via.line, message: `image installs ${f.path}` })),
          ],
          package: need.distribution,
          fix: fixFor(project, service, need),
        });
      }
    }
  },
});

function fixFor(project: Project, service: Service, need: CommandNeed): Fix | null {
  if (need.viaExtra) {
    const key = normalizeName(need.viaExtra.distribution);
    const installed = service.installed.find((i) => i.requirement.key === key && !i.constraint && i.requirement.url === null);
    const file = installed ? project.files.get(installed.file) : undefined;
    if (installed && file && installed.requirement.extras.length === 0) {
      const at = { start: installed.requirement.nameSpan.end, end: installed.requirement.nameSpan.end };
      return {
        title: `Install ${installed.requirement.name}[${need.viaExtra.extra}] in ${installed.file}`,
        applicability: 'safe',
        edits: [replaceSpan(file, at, `[${need.viaExtra.extra}]`)],
      };
    }
  }
  const target = primaryRequirementsFile(service);
  const file = target ? project.files.get(target) : undefined;
  if (!target || !file) return null;
  const pin = pinForFile(project, target, normalizeName(need.distribution));
  if (pin === undefined) return null; // every pin in the repository breaks an image that installs the file
  const line = pin ? `${need.distribution}==${pin.version}` : need.distribution;
  return { title: `Add ${line} to ${target}`, applicability: pin ? 'safe' : 'unsafe', edits: [appendLine(file, line)] };
}
