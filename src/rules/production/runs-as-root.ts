import { baseImageFacts } from '../../knowledge/base-images.js';
import { composeValue, finalChain, productionDockerfile, rootImage } from '../../model/production.js';
import { commandEvidence } from '../../model/queries.js';
import type { Service } from '../../model/types.js';
import { defineRule } from '../define-rule.js';
import { claimer } from './common.js';

const ROOT = /^(root|0)(:.*)?$/;
// Entrypoints that start as root on purpose and drop privileges before running the app.
const PRIVILEGE_DROPPERS = /(^|\/)(gosu|su-exec|setpriv|runuser|chpst|s6-setuidgid|setuidgid)$/;

function dropsPrivileges(service: Service): boolean {
  return service.argv.some((word) => PRIVILEGE_DROPPERS.test(word) || /\b(gosu|su-exec|setpriv|runuser)\b/.test(word));
}

export default defineRule({
  meta: {
    id: 'PROD005',
    name: 'runs-as-root',
    severity: 'warning',
    category: 'security',
    // Medium (5.0): not exploitable by itself, but any code-execution bug in the service runs as
    // root in the container, and a runtime or kernel escape then starts as root on the host.
    security: { severity: 5.0, cwe: [250] },
    fix: 'none',
    needs: [], // no service's run files (ModelPart)
    summary: 'The final image runs as root (no non-root USER, USER root last, or compose user: root)',
    hadolint: ['DL3002'],
    docs: `## What it does
Flags a production service whose container runs as root:
- compose \`user: root\` / \`user: "0"\`;
- otherwise the final stage's last \`USER\` (inherited through \`FROM <stage>\`) is \`root\`/\`0\`;
- otherwise there is no \`USER\` at all and the base image is one known to default to root
  (\`python\`, \`node\`, \`debian\`, \`ubuntu\`, \`alpine\`, \`nvidia/cuda\`, \`tiangolo/uvicorn-gunicorn*\`,
  distroless without \`:nonroot\`, ...). An unknown base image may set its own \`USER\`: \`info\` only
  (\`FROM scratch\` is not judged).
  Distroless \`:nonroot\` tags, Chainguard and \`locustio/locust\` images count as non-root. A base
  image this repository builds (compose \`build:\` with \`image:\`, or \`docker build -t\` in a script)
  passes on its own \`USER\`, or the default user of the image it starts from.

Commands that drop root themselves are not flagged: uWSGI with \`uid =\` in its ini file (or
\`--uid\`, \`UWSGI_UID\`), supervisord whose every \`[program:…]\` sets \`user =\`. s6-overlay's
\`/init\` starts as root and runs each service as its run script chooses: \`info\`.

A compose \`user:\` with a non-root value wins over the Dockerfile. Commands that start as root on
purpose to drop privileges (\`gosu\`, \`su-exec\`, \`setpriv\`, \`runuser\`) are not flagged.
\`Dockerfile.dev\`-style files and development compose files are not checked.

## Why is this bad?
A process running as root inside the container is root on the host's kernel: a code-execution
bug or a container escape gets full privileges, and files written to volumes are root-owned.

## Example
\`\`\`dockerfile
FROM python:3.12-slim
COPY . /app
CMD ["python", "/app/main.py"]
\`\`\`
Use instead: add \`RUN useradd --create-home app\` and \`USER app\` before \`CMD\`.

## References
- hadolint DL3002 (\`# hadolint ignore=DL3002\` also suppresses this rule)
- Docker documentation: Best practices, USER`,
  },
  check({ project, report }) {
    const claim = claimer();
    for (const service of project.services) {
      if (!service.production) continue;
      const composeUser = service.compose?.user;
      if (composeUser && service.composeFile) {
        const value = composeValue(service, composeUser.value)?.value.trim();
        if (value === undefined) continue;
        const where = composeUser.file ?? service.composeFile;
        if (ROOT.test(value) && !dropsPrivileges(service) && claim(where, composeUser.span)) {
          report({ file: where, span: composeUser.span, service: service.name, message: `service "${service.name}" runs as root (compose user: ${value})` });
        }
        continue; // compose decides the user
      }
      if (!service.final || !service.dockerfilePath || !productionDockerfile(service) || dropsPrivileges(service) || service.privilegeDrop) continue;
      const user = service.final.user;
      if (user) {
        if (!ROOT.test(user.user.trim())) continue;
        const instruction = finalChain(service).flatMap((s) => s.stage.instructions).filter((i) => i.kind === 'user').pop();
        if (!instruction || !claim(service.dockerfilePath, instruction.span)) continue;
        report({
          file: service.dockerfilePath,
          span: instruction.span,
          service: service.name,
          message: `the final image runs as root (USER ${user.user} is the last USER)`,
        });
        continue;
      }
      // `FROM acme/base` built by this repository: its own USER was inherited above; without one,
      // the image it starts from decides (#16 idiom 9).
      const written = rootImage(service);
      const image = service.repoBase ? service.repoBase.root : written;
      const facts = image ? baseImageFacts(image) : null;
      if (facts && !facts.rootByDefault) continue;
      const from = service.final.stage.from;
      if (!claim(service.dockerfilePath, from.span)) continue;
      const root = finalChain(service)[0];
      const evidence = [
        ...(root && root !== service.final ? [{ file: service.dockerfilePath, line: root.stage.from.line, message: `the final stage builds on FROM ${written ?? image ?? root.stage.from.raw}` }] : []),
        ...(service.repoBase ? [{ file: service.repoBase.dockerfilePath, line: 1, message: `${service.repoBase.image} is built by ${service.repoBase.builtBy} from ${service.repoBase.dockerfilePath}, which sets no USER${image ? ` on ${image}` : ''}` }] : []),
        ...service.command.slice(-1).map((part) => ({ ...commandEvidence(service, part), message: `${commandEvidence(service, part).message} (as root)` })),
      ];
      // s6-overlay's /init starts as root and drops privileges per service (s6-setuidgid in each run script).
      const s6 = service.argv[0] === '/init';
      // FROM scratch: a static binary with no user database; not a base whose USER is unknown.
      if (!facts && !s6 && image?.toLowerCase() === 'scratch') continue;
      if (!facts || s6) {
        // Unknown: a base image that may set its own USER, or an init that drops privileges per service.
        report({
          file: service.dockerfilePath,
          span: from.span,
          severity: 'info',
          service: service.name,
          message: s6
            ? 'the container starts s6-overlay\'s /init as root, which runs each service as the user its run script chooses (s6-setuidgid); not checked'
            : `the final image may run as root: no USER in the final stage, and the default user of base image ${image ?? from.raw} is not known`,
          evidence,
        });
        continue;
      }
      report({
        file: service.dockerfilePath,
        span: from.span,
        service: service.name,
        message: `the final image runs as root: no USER in the final stage and ${service.repoBase ? `${service.repoBase.image}, which this repository builds on ${image},` : image} runs as root by default`,
        evidence,
      });
    }
  },
});
