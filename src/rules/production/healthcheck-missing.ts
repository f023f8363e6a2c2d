import { commandSegments, programOf, stripWrappers } from '../../model/command.js';
import { composeValue, effectiveProbe, finalInstructions } from '../../model/production.js';
import { commandEvidence } from '../../model/queries.js';
import { defineRule } from '../define-rule.js';
import { claimer } from './common.js';

export default defineRule({
  meta: {
    id: 'PROD006',
    name: 'healthcheck-missing',
    severity: 'warning',
    category: 'production',
    fix: 'none',
    needs: [], // no service's run files (ModelPart)
    summary: 'A long-running production service (ports, expose, queue worker) has no healthcheck (compose or Dockerfile)',
    docs: `## What it does
Flags a long-running production compose service that builds its image (\`build:\`) and has
neither a compose \`healthcheck:\` nor a \`HEALTHCHECK\` in its final stage (\`FROM <stage>\`
followed): one that publishes \`ports:\`, one reached by other services only (\`expose:\`, e.g.
behind a proxy), and queue workers (\`celery ... worker\`, \`rq worker\`, \`dramatiq\`).
\`healthcheck: disable: true\` and \`test: ["NONE"]\` count as missing. A service that only pulls
an image and publishes or exposes ports without a compose \`healthcheck:\` is information: the
image may carry its own \`HEALTHCHECK\`, which driftcheck cannot see. Development compose files
and profiles are not checked.

## Why is this bad?
Without a healthcheck a container is "running" as soon as its process starts: \`depends_on:
condition: service_healthy\` cannot wait for it, orchestrators route traffic to a server that is
still booting or wedged, and \`restart:\` never replaces a hung process.

## Example
\`\`\`yaml
api:
  build: .
  ports: ["8000:8000"]
\`\`\`
Use instead: add
\`healthcheck: {test: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"]}\`.

## References
- Docker documentation: Dockerfile reference, HEALTHCHECK
- Compose specification: services, healthcheck`,
  },
  check({ project, report }) {
    const claim = claimer();
    for (const service of project.services) {
      const compose = service.compose;
      if (!service.production || !compose || !service.composeFile) continue;
      const built = compose.build !== null && service.dockerfile !== null;
      const worker = built ? workerOf(service.argv) : null;
      const reach = compose.ports[0] ?? compose.expose[0];
      if (!reach && !worker) continue;
      if (!built && (compose.build || !compose.image || compose.healthcheck)) continue;
      const probe = built ? effectiveProbe(service) : null;
      if (probe && !probe.disabled) continue;
      // `HEALTHCHECK NONE` in the image is PROD007's finding (a healthcheck explicitly switched off).
      if (probe?.origin === 'dockerfile' && finalInstructions(service).some((i) => i.kind === 'healthcheck' && i.none)) continue;
      if (!claim(service.composeFile, compose.nameSpan)) continue;
      const what = compose.ports.length > 0 ? 'publishes ports' : reach ? 'is reached by other services (`expose:`)' : `runs the long-lived ${worker ?? 'worker'}`;
      const evidence: { file: string; line: number; message: string }[] = [];
      if (reach) evidence.push({ file: reach.file ?? service.composeFile, line: reach.line, message: `${compose.ports.length > 0 ? 'publishes' : 'exposes'} ${reach.raw.split('\n')[0]}` });
      else if (worker && service.command[0]) evidence.push(commandEvidence(service, service.command[0]));
      if (!built) {
        report({
          file: service.composeFile,
          span: compose.nameSpan,
          severity: 'info',
          service: service.name,
          message: `service "${service.name}" ${what} but has no compose healthcheck; its image ${compose.image ? (composeValue(service, compose.image.value)?.value ?? compose.image.value) : ''} may carry a HEALTHCHECK that driftcheck cannot see`,
          evidence,
        });
        continue;
      }
      if (probe?.disabled) evidence.push({ file: probe.file, line: probe.line, message: 'the healthcheck is disabled here' });
      else if (service.dockerfilePath) evidence.push({ file: service.dockerfilePath, line: service.final?.stage.from.line ?? 1, message: 'the final stage has no HEALTHCHECK' });
      report({
        file: service.composeFile,
        span: compose.nameSpan,
        service: service.name,
        message: `service "${service.name}" ${what} but has no healthcheck`,
        evidence,
      });
    }
  },
});

/**
 * Queue workers that run until stopped: `celery -A app worker`, `rq worker`, `dramatiq app.tasks`.
 * A wedged worker holds its tasks and still looks "running" without a healthcheck.
 */
function workerOf(argv: readonly string[]): string | null {
  for (const segment of commandSegments(argv)) {
    const { program, args } = programOf(stripWrappers(segment));
    if (program === 'celery' && args.includes('worker')) return 'celery worker';
    if (program === 'rq' && args[0] === 'worker') return 'rq worker';
    if (program === 'dramatiq' && args.some((a) => !a.startsWith('-'))) return 'dramatiq worker';
  }
  return null;
}
