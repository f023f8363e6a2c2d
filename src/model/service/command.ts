// The command a service runs (compose override, else ENTRYPOINT/CMD), its environment,
// PYTHONPATH / sys.path, and the image's Python version.
import type { ComposeService, DockerStage } from '../../parsers/types.js';
import { imageResolve } from '../../util/paths.js';
import type { EntryPoint } from '../command.js';
import type { ImageFs, StageState } from '../image.js';
import type { CommandPart } from '../types.js';
import type { BuildSpec } from './context.js';

export const DEFAULT_PYTHON = '3.12';

export function commandParts(spec: BuildSpec, chain: readonly StageState[], base: { readonly entrypoint: CommandPart | null; readonly cmd: CommandPart | null } | null = null): CommandPart[] {
  // A FROM of an image the repository builds inherits its ENTRYPOINT and CMD (#16 idiom 9).
  let entrypoint: CommandPart | null = base?.entrypoint ?? null;
  let cmd: CommandPart | null = base?.cmd ?? null;
  for (const state of chain) {
    for (const instruction of state.stage.instructions) {
      if (instruction.kind !== 'cmd' && instruction.kind !== 'entrypoint') continue;
      const docker = instruction.command;
      const argv = docker.form === 'json' ? docker.argv.map((w) => w.value) : ['/bin/sh', '-c', docker.raw];
      const part: CommandPart = {
        origin: 'dockerfile', instruction: instruction.kind === 'cmd' ? 'CMD' : 'ENTRYPOINT', argv, compose: null, docker,
        file: spec.dockerfilePath, line: instruction.line, span: docker.span,
      };
      if (instruction.kind === 'entrypoint') {
        entrypoint = part;
        cmd = null; // Docker resets an inherited CMD when ENTRYPOINT is set
      } else cmd = part;
    }
  }
  if (spec.compose && spec.composeFile) {
    return composeCommandParts(spec.composeFile, spec.compose, entrypoint ? [entrypoint] : [], cmd ? [cmd] : []);
  }
  return [entrypoint, cmd].filter((p): p is CommandPart => p !== null);
}

export function composeCommandParts(composePath: string, compose: ComposeService, entrypoint: CommandPart[], cmd: CommandPart[]): CommandPart[] {
  const part = (value: NonNullable<ComposeService['command']>, instruction: 'command' | 'entrypoint'): CommandPart => ({
    origin: 'compose', instruction, argv: value.tokens.map((t) => t.value), compose: value, docker: null,
    file: value.file ?? composePath, line: value.line, span: value.span,
  });
  const entry = compose.entrypoint ? [part(compose.entrypoint, 'entrypoint')] : entrypoint;
  // compose `entrypoint:` also drops the image's CMD unless `command:` is given.
  const command = compose.command ? [part(compose.command, 'command')] : compose.entrypoint ? [] : cmd;
  return [...entry, ...command];
}

export function serviceEnv(final: StageState, compose: ComposeService | null): Map<string, string> {
  const env = new Map<string, string>();
  for (const [key, value] of final.env) env.set(key, value.value);
  for (const entry of compose?.environment ?? []) if (entry.value !== null) env.set(entry.key, entry.value);
  return env;
}

export function pythonPathOf(cwd: string, entry: EntryPoint | null, pythonPathEnv: string | null, localDirs: readonly string[], fs: ImageFs): string[] {
  const path: string[] = [];
  if (entry?.script) {
    const scriptDir = repoDirnameImage(imageResolve(cwd, entry.script));
    path.push(entry.runner === 'fastapi' ? aboveTopPackage(scriptDir, fs) : scriptDir);
  } else path.push(cwd);
  for (const dir of entry?.pathDirs ?? []) path.push(imageResolve(cwd, dir));
  for (const dir of (pythonPathEnv ?? '').split(':')) {
    if (dir && !dir.includes('$')) path.push(imageResolve(cwd, dir));
  }
  path.push(...localDirs);
  return [...new Set(path)];
}

/**
 * `fastapi run app/main.py` imports the file as a module of its package: fastapi-cli climbs from
 * the file's folder while each has an `__init__.py` and puts the folder above the top package on
 * sys.path (`/code` for /code/app/main.py), where `python app/main.py` would put /code/app.
 */
function aboveTopPackage(dir: string, fs: ImageFs): string {
  let top = dir;
  while (top !== '/' && fs.file(`${top}/__init__.py`)) top = repoDirnameImage(top);
  return top;
}

function repoDirnameImage(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/**
 * The Python X.Y an image's name says it runs: `python:3.12-slim`, `public.ecr.aws/lambda/python:3.11`,
 * `ghcr.io/astral-sh/uv:python3.12-bookworm-slim`, `tiangolo/uvicorn-gunicorn:python3.11`; else null.
 */
export function imagePython(image: string): string | null {
  const match = /(?:^|\/)python:(\d+)\.(\d+)|:python(\d+)\.(\d+)/.exec(image);
  return match ? `${match[1] ?? match[3]}.${match[2] ?? match[4]}` : null;
}

export function pythonVersionOf(chain: readonly StageState[], globalArgs: readonly { name: string; value: string | null }[], buildArgs: Readonly<Record<string, string>> = {}): string {
  const root: DockerStage | undefined = chain[0]?.stage;
  // compose `build.args` override the ARG defaults the parser expanded the FROM line with.
  const raw = root?.from.raw ?? '';
  const overridden = raw.replace(/\$\{(\w+)(?::?-[^}]*)?\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => buildArgs[braced ?? bare ?? ''] ?? whole);
  const image = overridden !== raw && !overridden.includes('$') ? overridden : (root?.from.image ?? '');
  const fromImage = imagePython(image);
  if (fromImage) return fromImage;
  const arg = globalArgs.find((a) => /^PYTHON(_VERSION)?$/i.test(a.name))?.value ?? '';
  const fromArg = /^(\d+)\.(\d+)/.exec(arg);
  return fromArg ? `${fromArg[1]}.${fromArg[2]}` : DEFAULT_PYTHON;
}
