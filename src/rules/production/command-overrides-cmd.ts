import type { Evidence } from '../../findings/types.js';
import { commandSegments, programOf, stripWrappers } from '../../model/command.js';
import { envSettings, finalInstructions, dockerArgv, productionDockerfile } from '../../model/production.js';
import type { CommandInstruction } from '../../parsers/types.js';
import { defineRule } from '../define-rule.js';
import { claimer } from './common.js';

const SERVERS = new Set(['uvicorn', 'gunicorn', 'hypercorn', 'granian', 'daphne']);
const WORKER_OPTIONS = ['--workers', '-w'];
// Environment variables the servers read their worker count from.
const WORKER_ENV = new Set(['WEB_CONCURRENCY', 'UVICORN_WORKERS', 'GUNICORN_CMD_ARGS', 'GRANIAN_WORKERS']);

interface ServerCall {
  readonly program: string;
  readonly args: readonly string[];
}

function servers(argv: readonly string[]): ServerCall[] {
  return commandSegments(argv)
    .map((segment) => programOf(stripWrappers(segment)))
    .filter((call) => SERVERS.has(call.program));
}

function option(args: readonly string[], names: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    for (const name of names) {
      if (arg === name) return `${name} ${args[i + 1] ?? ''}`.trim();
      if (arg.startsWith(`${name}=`)) return arg;
      if (name.length === 2 && arg.startsWith(name) && /^-w\d+$/.test(arg)) return arg;
    }
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'PROD010',
    name: 'command-overrides-cmd',
    severity: 'warning',
    category: 'production',
    fix: 'none',
    needs: [], // no service's run files (ModelPart)
    summary: 'compose command: replaces the image CMD and drops its workers or adds development options',
    docs: `## What it does
Compares a production compose service's \`command:\` with the \`CMD\` of the image it builds (final
stage). Flags the override when the image's server (uvicorn, gunicorn, hypercorn, granian,
daphne) runs with \`--workers\`/\`-w\` and the compose command runs without any (and compose sets no
\`WEB_CONCURRENCY\`/\`UVICORN_WORKERS\`/\`GUNICORN_CMD_ARGS\`), or when the override adds
\`--log-level debug\`/\`trace\` that the image did not have. The finding points at the compose
\`command:\`, with the \`CMD\` it replaces as evidence. Development flags that other rules report on
their own token (\`--reload\`: PROD001, \`--debug\`: PROD002, a dev server: PROD003) are not
repeated here. Development compose files and profiles are not checked. Production is what the base compose file(s) describe on their own (with \`extends\` resolved and
values interpolated from the \`.env\` beside the file); an override file never hides a base finding.

## Why is this bad?
The image was built and tested with a production command; an override in the compose file
silently turns it into something else. Dropping \`--workers 4\` leaves one process to serve all
traffic; debug logging floods logs and can write request data to them.

## Example
\`\`\`dockerfile
CMD ["gunicorn", "-w", "4", "-k", "uvicorn.workers.UvicornWorker", "app.main:app"]
\`\`\`
\`\`\`yaml
command: uvicorn app.main:app --host 0.0.0.0
\`\`\`
Use instead: remove \`command:\` and let the image's \`CMD\` run, or keep its options.

## References
- Docker documentation: Compose file reference, command ("overrides the default command declared
  by the container image")`,
  },
  check({ project, report }) {
    const claim = claimer();
    for (const service of project.services) {
      const compose = service.compose;
      if (!service.production || !compose?.command || !service.composeFile || !service.dockerfilePath || !productionDockerfile(service)) continue;
      if (compose.entrypoint) continue; // a new entrypoint is a different program, not an override of CMD's options
      let cmd: CommandInstruction | null = null;
      for (const instruction of finalInstructions(service)) {
        if (instruction.kind === 'cmd') cmd = instruction;
        if (instruction.kind === 'entrypoint') cmd = null;
      }
      if (!cmd) continue;
      const imageServers = servers(dockerArgv(cmd.command));
      const composeServers = servers(compose.command.tokens.map((t) => t.value));
      if (imageServers.length === 0 || composeServers.length === 0) continue;
      const changes: string[] = [];
      const imageWorkers = imageServers.map((s) => option(s.args, WORKER_OPTIONS)).find((w) => w !== null) ?? null;
      const composeWorkers = composeServers.map((s) => option(s.args, WORKER_OPTIONS)).find((w) => w !== null) ?? null;
      const workersFromEnv = envSettings(service).some((e) => e.origin === 'compose' && WORKER_ENV.has(e.key));
      if (imageWorkers && !composeWorkers && !workersFromEnv) changes.push(`drops ${imageWorkers}`);
      const level = (calls: ServerCall[]): string | null => calls.map((s) => option(s.args, ['--log-level'])).find((l) => l !== null) ?? null;
      const composeLevel = level(composeServers);
      if (composeLevel && /\b(debug|trace)$/i.test(composeLevel) && level(imageServers) !== composeLevel) changes.push(`adds ${composeLevel}`);
      const where = compose.command.file ?? service.composeFile;
      if (changes.length === 0 || !claim(where, compose.command.span)) continue;
      const evidence: Evidence[] = [
        { file: where, line: compose.command.line, message: `compose \`command:\` runs: ${compose.command.tokens.map((t) => t.value).join(' ')}` },
        { file: service.dockerfilePath, line: cmd.line, message: `replaces the image CMD: ${dockerArgv(cmd.command).join(' ')}` },
      ];
      report({
        file: where,
        span: compose.command.span,
        service: service.name,
        message: `compose command: of service "${service.name}" overrides the image CMD and ${changes.join(', ')}`,
        evidence,
      });
    }
  },
});
