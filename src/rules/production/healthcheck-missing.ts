import { effectiveProbe, finalInstructions } from '../../model/production.js';
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
    summary: 'A production service publishes ports but has no healthcheck (compose or Dockerfile)',
    docs: `## What it does
Flags a production compose service that builds its image (\`build:\`), publishes \`ports:\`, and has
neither a compose \`healthcheck:\` nor a \`HEALTHCHECK\` in its final stage (\`FROM <stage>\`
followed). \`healthcheck: disable: true\` and \`test: ["NONE"]\` count as missing. Services that
only pull an image are not judged: the image may carry its own \`HEALTHCHECK\`, which driftcheck
cannot see. Development compose files and profiles are not checked.

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
      if (!service.production || !compose || !service.composeFile || !compose.build || !service.dockerfile) continue;
      if (compose.ports.length === 0) continue;
      const probe = effectiveProbe(service);
      if (probe && !probe.disabled) continue;
      // `HEALTHCHECK NONE` in the image is PROD007's finding (a healthcheck explicitly switched off).
      if (probe?.origin === 'dockerfile' && finalInstructions(service).some((i) => i.kind === 'healthcheck' && i.none)) continue;
      if (!claim(service.composeFile, compose.nameSpan)) continue;
      const port = compose.ports[0];
      const evidence = port ? [{ file: port.file ?? service.composeFile, line: port.line, message: `publishes ${port.raw.split('\n')[0]}` }] : [];
      if (probe?.disabled) evidence.push({ file: probe.file, line: probe.line, message: 'the healthcheck is disabled here' });
      else if (service.dockerfilePath) evidence.push({ file: service.dockerfilePath, line: service.final?.stage.from.line ?? 1, message: 'the final stage has no HEALTHCHECK' });
      report({
        file: service.composeFile,
        span: compose.nameSpan,
        service: service.name,
        message: `service "${service.name}" publishes ports but has no healthcheck`,
        evidence,
      });
    }
  },
});
