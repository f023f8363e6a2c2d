// Shared questions the production rules (PROD002-PROD011) ask of a service: its environment with
// locations, compose interpolation, the final stage chain, the probe a healthcheck runs.
import type { Span } from '../findings/types.js';
import { InterpolationError, interpolate } from '../parsers/compose.js';
import type { DockerCommand, StageInstruction } from '../parsers/types.js';
import { baseImageFacts } from '../knowledge/base-images.js';
import { systemPackagePrograms } from '../knowledge/system-packages.js';
import { shellSplit } from './command.js';
import type { StageState } from './image.js';
import { stageChain } from './service/index.js';
import type { Project, Service } from './types.js';

/** The stages the final image is built on, root first (`FROM builder` followed). */
export function finalChain(service: Service): StageState[] {
  return service.final ? stageChain(service.stages, service.final) : [];
}

/** Instructions of the final image, root stage first. */
export function finalInstructions(service: Service): StageInstruction[] {
  return finalChain(service).flatMap((state) => [...state.stage.instructions]);
}

/** The image the final stage really starts from (`FROM python:3.12-slim`), with ARGs expanded. */
export function rootImage(service: Service): string | null {
  const root = finalChain(service)[0];
  if (!root || root.stage.from.stageRef !== null) return null;
  const image = root.stage.from.image;
  return image === '' || unresolvedFrom(service, root.stage.from.raw) ? null : image;
}

/** A FROM/ARG-expanded image whose variables have no default: its value is unknown statically. */
export function unresolvedFrom(service: Service, raw: string): boolean {
  if (!raw.includes('$')) return false;
  const args = new Map((service.dockerfile?.globalArgs ?? []).map((a) => [a.name, a.value]));
  for (const match of raw.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)(:?[-+])?/g)) {
    const value = args.get(match[1] ?? '');
    if ((value === undefined || value === null || value === '') && match[2] === undefined) return true;
  }
  return false;
}

/** Is the service's Dockerfile a production one (not `Dockerfile.dev`)? */
export function productionDockerfile(service: Service): boolean {
  return service.dockerfilePath !== null && !service.devDockerfile;
}

/**
 * A compose value after `${VAR}` interpolation with the `.env` beside the compose file. Null when
 * it names a variable that is neither in `.env` nor given a default: the value is only known at
 * deploy time. `fromDotenv` lists the `.env` lines the value came from, for evidence.
 */
export function composeValue(service: Service, raw: string): { value: string; fromDotenv: { name: string; line: number }[] } | null {
  if (!raw.includes('$')) return { value: raw, fromDotenv: [] };
  const vars = service.composeVars.vars;
  const fromDotenv: { name: string; line: number }[] = [];
  for (const match of raw.matchAll(/\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+])?|([A-Za-z_][A-Za-z0-9_]*))/g)) {
    if (match[1] === '$') continue;
    const name = match[2] ?? match[4] ?? '';
    const known = vars.get(name);
    if (known) fromDotenv.push({ name, line: known.line });
    else if (match[3] !== '-' && match[3] !== ':-') return null;
  }
  const env: Record<string, string> = {};
  for (const [key, value] of vars) env[key] = value.value;
  try {
    return { value: interpolate(raw, env), fromDotenv };
  } catch (err) {
    if (err instanceof InterpolationError) return null;
    throw err;
  }
}

/** One environment variable a service sets, where it is written. */
export interface EnvSetting {
  readonly key: string;
  /** The value as written (quotes removed); null for compose `- KEY` without a value. */
  readonly raw: string | null;
  /** The value after interpolation; null when unknown statically. */
  readonly value: string | null;
  readonly file: string;
  readonly line: number;
  /** The whole `KEY=value` / `KEY: value` text. */
  readonly span: Span;
  readonly origin: 'compose' | 'env_file' | 'ENV' | 'ARG';
  readonly dotenv: readonly { name: string; line: number }[];
}

/**
 * The environment of a service in the order later ones win at run time: ENV of the final image's
 * stages (unless the Dockerfile is a dev one), then compose `env_file:` files, then compose
 * `environment:`; each reported where written.
 */
export function envSettings(service: Service): EnvSetting[] {
  const out: EnvSetting[] = [];
  if (service.dockerfilePath && productionDockerfile(service)) {
    for (const state of finalChain(service)) {
      for (const instruction of state.stage.instructions) {
        if (instruction.kind !== 'env') continue;
        for (const pair of instruction.pairs) {
          out.push({ key: pair.key, raw: pair.value, value: pair.value, file: service.dockerfilePath, line: instruction.line, span: pair.span, origin: 'ENV', dotenv: [] });
        }
      }
    }
  }
  for (const entry of service.envFileVars) {
    out.push({ key: entry.key, raw: entry.value, value: entry.value, file: entry.file, line: entry.line, span: entry.span, origin: 'env_file', dotenv: [] });
  }
  if (service.compose && service.composeFile) {
    for (const entry of service.compose.environment) {
      const resolved = entry.value === null ? null : composeValue(service, entry.value);
      out.push({
        key: entry.key, raw: entry.value, value: resolved?.value ?? null, file: entry.file ?? service.composeFile, line: entry.line, span: entry.span,
        origin: 'compose', dotenv: resolved?.fromDotenv ?? [],
      });
    }
  }
  return out;
}

/** Locates the value of a `KEY=value` / `KEY: value` setting inside its span. */
export function valueSpan(project: Project, setting: EnvSetting): Span | null {
  const file = project.files.get(setting.file);
  if (!file || setting.raw === null || setting.raw === '') return null;
  const text = file.text.slice(setting.span.start, setting.span.end);
  const sep = setting.origin === 'compose' && !/^\s*["']?[A-Za-z_][\w.-]*=/.test(text) ? text.indexOf(':') : text.indexOf('=');
  if (sep === -1) return null;
  const at = text.indexOf(setting.raw, sep + 1);
  if (at === -1 || text.indexOf(setting.raw, at + 1) !== -1) return null;
  return { start: setting.span.start + at, end: setting.span.start + at + setting.raw.length };
}

/** The argv a Docker command runs (shell form through `/bin/sh -c`). */
export function dockerArgv(command: DockerCommand): string[] {
  return command.form === 'json' ? command.argv.map((w) => w.value) : ['/bin/sh', '-c', command.raw];
}

/** One healthcheck a service runs: compose `healthcheck:` wins over the image's HEALTHCHECK. */
export interface Probe {
  readonly origin: 'compose' | 'dockerfile';
  readonly file: string;
  readonly line: number;
  readonly span: Span;
  /** Words of the probe; for shell forms the shell words of the script. */
  readonly words: readonly string[];
  readonly shell: boolean;
  readonly disabled: boolean;
}

export function effectiveProbe(service: Service): Probe | null {
  const hc = service.compose?.healthcheck;
  if (hc && service.composeFile) {
    const test = hc.test ?? [];
    const hcFile = hc.file ?? service.composeFile;
    if (hc.disable) return { origin: 'compose', file: hcFile, line: hc.line, span: hc.span, words: [], shell: false, disabled: true };
    if (test.length > 0) {
      const kind = test[0];
      const shell = kind === 'CMD-SHELL';
      const words = shell ? shellSplit(test.slice(1).join(' ')) : kind === 'CMD' ? test.slice(1) : [];
      if (words.length > 0) return { origin: 'compose', file: hcFile, line: hc.line, span: hc.span, words, shell, disabled: false };
    }
  }
  if (!service.dockerfilePath) return null;
  let found: Probe | null = null;
  for (const instruction of finalInstructions(service)) {
    if (instruction.kind !== 'healthcheck') continue;
    if (instruction.none) found = { origin: 'dockerfile', file: service.dockerfilePath, line: instruction.line, span: instruction.span, words: [], shell: false, disabled: true };
    else if (instruction.command) {
      const command = instruction.command;
      const shell = command.form === 'shell';
      const words = shell ? shellSplit(command.raw) : command.argv.map((w) => w.value);
      found = { origin: 'dockerfile', file: service.dockerfilePath, line: instruction.line, span: instruction.span, words, shell, disabled: false };
    }
  }
  return found;
}

// Installers that put a tool on PATH outside pip: uv's and Poetry's install scripts, pipx.
const INSTALLER_SCRIPTS: readonly (readonly [RegExp, readonly string[]])[] = [
  [/astral\.sh\/uv\b/, ['uv', 'uvx']], // curl -LsSf https://astral.sh/uv/install.sh | sh
  [/install\.python-poetry\.org|python-poetry\/install/, ['poetry']], // curl -sSL https://install.python-poetry.org | python3 -
];
const PIPX_INSTALL = /\bpipx\s+install\s+((?:-\S+\s+)*)([A-Za-z0-9][A-Za-z0-9_.-]*)/g;

/**
 * Programs the final image has from outside pip, which a command may run: files copied from
 * another image or stage (`COPY --from=ghcr.io/astral-sh/uv:0.5 /uv /uvx /bin/`), install
 * scripts and pipx, system packages (`apt-get install supervisor`), and what the base image ships
 * (the astral-sh/uv images).
 */
export function programsOutsidePip(service: Service): Set<string> {
  const programs = new Set<string>(baseImageFacts(rootImage(service) ?? '')?.programs ?? []);
  for (const instruction of finalInstructions(service)) {
    if (instruction.kind === 'copy' && instruction.from !== null) {
      for (const source of instruction.sources) programs.add(source.value.replace(/\/+$/, '').split('/').pop() ?? '');
    } else if (instruction.kind === 'run') {
      for (const [script, tools] of INSTALLER_SCRIPTS) if (script.test(instruction.text)) for (const tool of tools) programs.add(tool);
      for (const match of instruction.text.matchAll(PIPX_INSTALL)) programs.add(match[2] ?? '');
      // `apt-get install supervisor` puts supervisord on PATH (#16 idiom 8).
      for (const pkg of instruction.systemPackages) for (const program of systemPackagePrograms(pkg)) programs.add(program);
    }
  }
  programs.delete('');
  return programs;
}
