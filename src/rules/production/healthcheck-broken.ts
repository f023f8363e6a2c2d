import type { Evidence } from '../../findings/types.js';
import { baseImageFacts, type BaseImageFacts } from '../../knowledge/base-images.js';
import { commandSegments, programOf, stripWrappers } from '../../model/command.js';
import { composeValue, effectiveProbe, finalInstructions, rootImage, type Probe } from '../../model/production.js';
import { commandEvidence } from '../../model/queries.js';
import type { Project, Service } from '../../model/types.js';
import { defineRule } from '../define-rule.js';
import { replaceSpan } from '../edits.js';
import { claimer, type Report } from './common.js';

const PROBES = new Set(['curl', 'wget']);
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '0.0.0.0', '[::1]', '::1']);

export default defineRule({
  meta: {
    id: 'PROD007',
    name: 'healthcheck-broken',
    severity: 'error',
    category: 'production',
    fix: 'sometimes',
    needs: [], // no service's run files (ModelPart)
    summary: 'The healthcheck runs a binary the image lacks, probes a port the command does not serve, or is switched off',
    docs: `## What it does
Checks the healthcheck a production service really runs (compose \`healthcheck:\`, else the final
stage's last \`HEALTHCHECK\`):
- **Probe binary absent.** \`curl\`/\`wget\` on a base image known not to ship it: \`python:*-slim\`
  and \`node:*-slim\` (neither), \`python:*-alpine\`/\`node:*-alpine\`/\`alpine\` (busybox \`wget\` only),
  bare \`debian\`/\`ubuntu\` (neither), distroless (neither, and no shell for \`CMD-SHELL\`). Full
  \`python:*\`/\`node:*\` images have both. A binary installed in the final stage (\`apt-get install
  curl\`, \`apk add curl\`), or used by any of its \`RUN\`s, counts as present. An unknown base image is
  never guessed about.
- **Wrong port.** The probe URL (\`http://localhost:PORT/...\`) names a port that the command's
  explicit \`--port\`/\`-p\`, \`--bind\`/\`-b host:PORT\` (uvicorn, gunicorn, hypercorn, daphne, granian,
  flask run, manage.py runserver) does not serve. Ports that come from variables are not judged.
- **Switched off.** \`HEALTHCHECK NONE\` in the final stage of a service that publishes ports, with no
  compose \`healthcheck:\` to replace it.

## Why is this bad?
Docker marks the container "unhealthy" forever: \`depends_on: service_healthy\` never starts the
services after it, orchestrators and autoheal restart it in a loop, and the real state of the
service is hidden behind a permanent false alarm.

## Example
\`\`\`yaml
api:
  build: .   # FROM python:3.12-slim
  healthcheck:
    test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
\`\`\`
Use instead:
\`test: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/health', timeout=5)"]\`

## Fix safety
Unsafe: a compose list-form \`test:\` that runs \`curl <url>\` on a Python image lacking curl is
rewritten to the Python standard-library probe above (same URL), or to \`wget -q -O /dev/null\`
where only wget exists. \`urlopen\` fails on HTTP errors like \`curl -f\`, but curl options (headers,
methods) are not carried over. Other cases have no automatic fix.

## References
- BerriAI/litellm#9295: compose healthcheck uses curl but curl is not in the image
- docker-library/python and nodejs/docker-node image variants (slim, alpine)`,
  },
  check({ project, report }) {
    const claim = claimer();
    for (const service of project.services) {
      if (!service.production) continue;
      const probe = effectiveProbe(service);
      if (!probe) continue;
      if (probe.disabled) {
        checkDisabled(service, probe, report, claim);
        continue;
      }
      if (!claim(probe.file, probe.span, probe.origin === 'compose' ? service.name : '')) continue;
      checkBinary(project, service, probe, report);
      checkPort(service, probe, report);
    }
  },
});

type Claim = ReturnType<typeof claimer>;

function checkDisabled(service: Service, probe: Probe, report: Report, claim: Claim): void {
  if (probe.origin !== 'dockerfile' || !service.compose || !service.composeFile || service.compose.ports.length === 0) return;
  if (service.compose.healthcheck) return;
  if (!claim(probe.file, probe.span)) return;
  report({
    file: probe.file,
    span: probe.span,
    service: service.name,
    message: `HEALTHCHECK NONE switches the healthcheck off for service "${service.name}", which publishes ports`,
    evidence: [{ file: service.composeFile, line: service.compose.line, message: 'compose sets no healthcheck: to replace it' }],
  });
}

/** What the probe runs on: facts about the base image, and where they come from. */
function imageOf(service: Service): { image: string; facts: BaseImageFacts } | null {
  if (service.final) {
    const image = rootImage(service);
    const facts = image ? baseImageFacts(image) : null;
    return image && facts ? { image, facts } : null;
  }
  const written = service.compose?.image?.value;
  const image = written ? composeValue(service, written)?.value : undefined;
  const facts = image ? baseImageFacts(image) : null;
  return image && facts ? { image, facts } : null;
}

/** Does the final stage install or use the binary (so it is present whatever the base)? */
function addedByBuild(service: Service, binary: string): boolean | null {
  for (const instruction of finalInstructions(service)) {
    if (instruction.kind === 'run') {
      if (instruction.systemPackages.some((p) => p === binary || p.startsWith(`${binary}=`) || p === 'busybox' && binary === 'wget')) return true;
      if (instruction.systemPackages.some((p) => p.includes('$'))) return null; // package list from a variable
      if (instruction.commands.some((words) => words.some((w) => w.value === binary || w.value.endsWith(`/${binary}`)))) return true;
      if (/\b(apt-get|apt|apk|yum|dnf|microdnf)\b[^\n]*\binstall\b[^\n]*\$/.test(instruction.text)) return null;
    }
    if (instruction.kind === 'copy' && instruction.dest.value.split('/').pop() === binary) return true;
    if (instruction.kind === 'copy' && instruction.sources.some((s) => s.value.split('/').pop() === binary)) return true;
  }
  return false;
}

function checkBinary(project: Project, service: Service, probe: Probe, report: Report): void {
  const base = imageOf(service);
  if (!base) return;
  const evidence: Evidence[] = [];
  if (service.final && service.dockerfilePath) {
    const root = service.stages.find((s) => s.stage.from.image === base.image && s.stage.from.stageRef === null);
    evidence.push({ file: service.dockerfilePath, line: root?.stage.from.line ?? service.final.stage.from.line, message: `the image is built FROM ${base.image} (${base.facts.source})` });
  } else if (service.composeFile && service.compose?.image) {
    evidence.push({ file: service.compose.image.file ?? service.composeFile, line: service.compose.image.line, message: `the service runs ${base.image} (${base.facts.source})` });
  }
  if (probe.shell && !base.facts.shell) {
    report({ file: probe.file, span: probe.span, service: service.name, message: `the healthcheck needs a shell (CMD-SHELL) but ${base.image} has none`, evidence });
    return;
  }
  const segments = probe.shell || /^(\/bin\/)?(ba)?sh$/.test(probe.words[0] ?? '') ? commandSegments(probe.shell ? probe.words : [...probe.words]) : [[...probe.words]];
  for (const segment of segments) {
    const { program } = programOf(stripWrappers(segment));
    if (!PROBES.has(program)) continue;
    const present = program === 'curl' ? base.facts.curl : base.facts.wget;
    if (present) continue;
    const added = service.final ? addedByBuild(service, program) : false;
    if (added !== false) continue;
    const alternative = base.facts.wget && program === 'curl' ? 'wget' : /python/.test(base.image) ? 'python' : null;
    report({
      file: probe.file,
      span: probe.span,
      service: service.name,
      message: `the healthcheck runs ${program}, which ${base.image} does not have (service "${service.name}")${alternative ? `; probe with ${alternative} instead` : ''}`,
      evidence,
      fix: rewriteFix(project, probe, segment, alternative),
    });
    return;
  }
}

/** `["CMD", "curl", "-f", URL]` in compose list form -> a Python or wget probe of the same URL. */
function rewriteFix(project: Project, probe: Probe, segment: readonly string[], alternative: string | null) {
  if (probe.origin !== 'compose' || probe.shell || !alternative) return null;
  const file = project.files.get(probe.file);
  if (!file) return null;
  const urls = segment.filter((w) => /^https?:\/\/[^\s'"]+$/.test(w));
  const options = segment.slice(1).filter((w) => !urls.includes(w));
  // Only the plain `curl [-f|-s|-S|--fail|--silent] URL` shape; anything else could change meaning.
  if (urls.length !== 1 || segment.length !== probe.words.length || !options.every((o) => /^-(f|s|S|fs|fsS|sf|sSf|fS|-fail|-silent|-show-error)$/.test(o))) return null;
  const url = urls[0] ?? '';
  if (url.includes("'")) return null;
  const text = file.text.slice(probe.span.start, probe.span.end);
  const match = /(\btest\s*:\s*)(\[[^\]\n]*\])/.exec(text);
  if (!match || match.index === undefined) return null;
  const start = probe.span.start + match.index + (match[1]?.length ?? 0);
  const replacement = alternative === 'python'
    ? `["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('${url}', timeout=5)"]`
    : `["CMD", "wget", "-q", "-O", "/dev/null", "${url}"]`;
  return { title: `Probe with ${alternative} instead of curl`, applicability: 'unsafe' as const, edits: [replaceSpan(file, { start, end: start + (match[2]?.length ?? 0) }, replacement)] };
}

/** The port of a probe URL on the container itself (`http://localhost:8000/x` -> 8000). */
function probePort(words: readonly string[]): { port: string; url: string } | null {
  for (const word of words) {
    // The URL may sit inside a script (`python -c "...urlopen('http://localhost:8000/')"`).
    const m = /\b(https?):\/\/(\[[^\]]+\]|[^/:?#'"\s]+)(?::(\d+))?(?=[/?#'"\s]|$)/.exec(word);
    if (!m || !LOCAL_HOSTS.has(m[2] ?? '')) continue;
    return { port: m[3] ?? (m[1] === 'https' ? '443' : '80'), url: m[0] };
  }
  return null;
}

function valuesOf(args: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  args.forEach((arg, i) => {
    for (const name of names) {
      if (arg === name && args[i + 1] !== undefined) out.push(args[i + 1] ?? '');
      else if (arg.startsWith(`${name}=`)) out.push(arg.slice(name.length + 1));
      else if (name.length === 2 && !name.startsWith('--') && arg.startsWith(name) && arg.length > 2 && !arg.startsWith('--')) out.push(arg.slice(2));
    }
  });
  return out;
}

/** Ports the command explicitly serves; null when it sets none or they come from variables. */
export function servedPorts(argv: readonly string[]): { ports: string[]; program: string } | null {
  for (const segment of commandSegments(argv)) {
    const words = stripWrappers(segment);
    const { program, args } = programOf(words);
    let written: string[] = [];
    if (program === 'uvicorn' || program === 'granian') written = valuesOf(args, ['--port']);
    else if (program === 'daphne') written = valuesOf(args, ['--port', '-p']);
    else if (program === 'flask' && args.includes('run')) written = valuesOf(args, ['--port', '-p']);
    else if (program === 'gunicorn' || program === 'hypercorn') {
      written = valuesOf(args, ['--bind', '-b']).filter((b) => !b.startsWith('unix:') && !b.startsWith('fd://')).map((b) => b.slice(b.lastIndexOf(':') + 1));
    } else if (/^python/.test(program) || /manage\.py$/.test(program)) {
      const at = args.indexOf('runserver');
      const next = at === -1 ? undefined : args.slice(at + 1).find((a) => !a.startsWith('-'));
      if (next) written = [next.slice(next.lastIndexOf(':') + 1)];
    } else continue;
    if (written.length === 0 || written.some((p) => !/^\d+$/.test(p))) return null;
    return { ports: written, program };
  }
  return null;
}

function checkPort(service: Service, probe: Probe, report: Report): void {
  const target = probePort(probe.words);
  if (!target) return;
  // Compose interpolates `${PORT:-8000}` in `command:` before the container starts; a shell does the rest.
  const argv = service.command.flatMap((part) => (part.origin === 'compose' ? part.argv.map((w) => composeValue(service, w)?.value ?? w) : part.argv));
  const served = servedPorts(argv);
  if (!served || served.ports.includes(target.port)) return;
  const evidence: Evidence[] = [];
  const part = service.command[service.command.length - 1];
  if (part) evidence.push(commandEvidence(service, part));
  for (const port of service.compose?.ports ?? []) {
    if (service.composeFile) evidence.push({ file: port.file ?? service.composeFile, line: port.line, message: `publishes ${port.raw.split('\n')[0]} (container port ${port.target ?? '?'})` });
  }
  report({
    file: probe.file,
    span: probe.span,
    service: service.name,
    message: `the healthcheck probes port ${target.port} but ${served.program} serves ${served.ports.join(', ')} (service "${service.name}")`,
    evidence,
  });
}
