// The service model (DESIGN.md §1): for every deployable unit, join compose, Dockerfile, image
// file set, install set, command and the Python files that really run.
import type { ComposeService, DockerStage, DockerfileModel, PipInstall, Requirement } from '../parsers/types.js';
import type { DockerIgnore } from './dockerignore.js';
import { parseRequirements } from '../parsers/requirements.js';
import { basename, escapesRoot, imageResolve, isUnder, repoDirname, repoJoin } from '../util/paths.js';
import { entryOfCommand, type EntryPoint } from './command.js';
import type { FirstPartyIndex } from './first-party.js';
import { findStage, simulateStages, type ImageFile, type ImageFs, type StageState } from './image.js';
import type { ModuleMap } from './module-map.js';
import { normalizeName } from './module-map.js';
import { basePythonPackages } from '../knowledge/base-images.js';
import type { Repository } from './project.js';
import { projectDependenciesAt } from './local-project.js';
import { findModule, importTargets } from './resolve.js';
import { parseDotenv } from '../parsers/dotenv.js';
import { mergeComposeService, resolveExtends } from './compose-merge.js';
import type {
  CommandPart,
  ComposeVars,
  EnvFileVar,
  InstallStep,
  InstalledFile,
  InstalledRequirement,
  MissingRequirementsFile,
  RunFile,
  Service,
} from './types.js';
import { configuredComposeSets, isDevComposeFile, isDevDockerfile } from './file-roles.js';

const DEFAULT_PYTHON = '3.12';
export { isDevComposeFile, isDevDockerfile };

const DEV_PROFILE = /^(dev|devel|development|local|test|tests|testing|debug|ci)$/i;

/**
 * Whether a compose service counts as production: its file is not an override/dev file, and it is
 * not only started under a development profile (`profiles: [dev]`). The base file(s) alone are
 * production; an override file never removes a base finding. One function for config to wire.
 */
export function isProductionComposeService(composePath: string, compose: ComposeService): boolean {
  if (isDevComposeFile(composePath)) return false;
  return !(compose.profiles.length > 0 && compose.profiles.every((p) => DEV_PROFILE.test(p)));
}

export function buildServices(repo: Repository, firstParty: FirstPartyIndex, moduleMap: ModuleMap): Service[] {
  void firstParty;
  void moduleMap;
  const services: Service[] = [];
  const builtDockerfiles = new Set<string>();
  for (const set of composeSets(repo)) {
    const builders = imageBuilders(set.services);
    for (const { composePath, compose } of set.services) {
      const service = composeBuiltService(repo, composePath, withBuilderOf(compose, builders), set.production);
      if (service.dockerfilePath) builtDockerfiles.add(service.dockerfilePath);
      services.push(service);
    }
  }
  for (const dockerfilePath of [...repo.dockerfiles.keys()].sort()) {
    if (builtDockerfiles.has(dockerfilePath)) continue;
    services.push(standaloneService(repo, dockerfilePath));
  }
  if (!services.some((s) => s.dockerfile !== null)) services.push(projectService(repo));
  return withUniqueNames(services);
}

/** `image:` names that a service of the set builds (`build:` with `image: myorg/app:1.0`). */
function imageBuilders(services: readonly MergedService[]): Map<string, NonNullable<ComposeService['build']>> {
  const out = new Map<string, NonNullable<ComposeService['build']>>();
  for (const { composePath, compose } of services) {
    if (compose.build && compose.image && !out.has(compose.image.value)) out.set(compose.image.value, { ...compose.build, file: compose.build.file ?? composePath });
  }
  return out;
}

/**
 * A service that runs an image another service of the same project builds (a Celery worker on
 * the web service's `image: myorg/app:1.0`) runs that build: its command is audited against it.
 */
function withBuilderOf(compose: ComposeService, builders: ReadonlyMap<string, NonNullable<ComposeService['build']>>): ComposeService {
  if (compose.build || !compose.image) return compose;
  const build = builders.get(compose.image.value);
  return build ? { ...compose, build } : compose;
}

/**
 * Two compose files that are not merged may each define `api` (docker-compose.yml and
 * docker-compose-prod.yml): the first keeps the bare name (production and base files come first)
 * and each later one is named with its file, `api [docker-compose.yml]`, so reports and baselines
 * never mix their findings.
 */
function withUniqueNames(services: Service[]): Service[] {
  const taken = new Set<string>();
  return services.map((service) => {
    if (!taken.has(service.name)) {
      taken.add(service.name);
      return service;
    }
    const name = `${service.name} [${service.composeFile ?? service.dockerfilePath ?? ''}]`;
    taken.add(name);
    return { ...service, name };
  });
}

interface ComposeSet {
  /** False when the set is a development one (a dev file in it); profiles still count per service. */
  readonly production: boolean;
  /** Each service once, merged across the set's files; `composePath` is the first file defining it. */
  readonly services: readonly MergedService[];
}

const BASE_COMPOSE = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const OVERRIDE_COMPOSE = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];

/**
 * The compose projects `docker compose` would load: the configured `-f` sets first; then, per
 * folder, the base file with its override file merged on top (what a bare `docker compose up`
 * runs: a development view, since the override is a dev file); every other file alone. An
 * override service that builds the same image as its base adds no service (its DEP findings would
 * repeat the base's); one that builds another image, or exists only in the override, is a
 * development service.
 */
function composeSets(repo: Repository): ComposeSet[] {
  const out: ComposeSet[] = [];
  const claimed = new Set<string>();
  // Each file's services have their `extends` resolved once: resolving reports cycles as
  // diagnostics, and a base file is read both alone and under its override.
  const resolved = new Map<string, ComposeService[]>();
  const resolvedOf = (file: string): ComposeService[] => {
    let services = resolved.get(file);
    if (!services) {
      services = (repo.compose.get(file)?.services ?? []).map((written) => resolveExtends(repo, file, written));
      resolved.set(file, services);
    }
    return services;
  };
  const merged = (files: readonly string[]): MergedService[] => mergedServices(files.map((file) => ({ file, services: resolvedOf(file) })));
  for (const files of configuredComposeSets()) {
    const present = files.filter((f) => repo.load(f, 'compose') !== null);
    if (present.length === 0) continue;
    present.forEach((f) => claimed.add(f));
    out.push({ production: !present.some(isDevComposeFile), services: merged(present) });
  }
  // Base files before the rest, so a service name shared with a dev file resolves to the base.
  const paths = [...repo.compose.keys()].filter((p) => !claimed.has(p)).sort((a, b) => Number(isDevComposeFile(a)) - Number(isDevComposeFile(b)) || (a < b ? -1 : a > b ? 1 : 0));
  for (const path of paths) {
    const base = OVERRIDE_COMPOSE.includes(basename(path)) ? baseOf(repo, path, claimed) : undefined;
    if (base === undefined) {
      out.push({ production: !isDevComposeFile(path), services: merged([path]) });
      continue;
    }
    const baseServices = new Map(resolvedOf(base).map((s) => [s.name, s]));
    const overlay = merged([base, path]).filter(({ compose }) => {
      const own = baseServices.get(compose.name);
      return own === undefined || !sameImage(own, compose, base);
    });
    out.push({ production: false, services: overlay.map((s) => ({ ...s, composePath: path })) });
  }
  return out;
}

/** The base compose file an override file in the same folder is merged onto, if any. */
function baseOf(repo: Repository, overridePath: string, claimed: ReadonlySet<string>): string | undefined {
  const dir = repoDirname(overridePath);
  return BASE_COMPOSE.map((name) => (dir ? `${dir}/${name}` : name)).find((candidate) => repo.compose.has(candidate) && !claimed.has(candidate));
}

type MergedService = { readonly composePath: string; readonly compose: ComposeService };

/** Services of several files (each with `extends` already resolved) merged in order, by name. */
function mergedServices(files: readonly { readonly file: string; readonly services: readonly ComposeService[] }[]): MergedService[] {
  const byName = new Map<string, MergedService>();
  for (const { file, services } of files) {
    for (const service of services) {
      const earlier = byName.get(service.name);
      byName.set(service.name, earlier ? { composePath: earlier.composePath, compose: mergeComposeService(earlier.compose, earlier.composePath, service) } : { composePath: file, compose: service });
    }
  }
  return [...byName.values()];
}

/** Do two definitions of a service (written in `composePath`'s folder) build the same image, or pull the same one? */
function sameImage(a: ComposeService, b: ComposeService, composePath: string): boolean {
  const build = (s: ComposeService): string =>
    s.build === null
      ? `image:${s.image?.value ?? ''}`
      : JSON.stringify([repoJoin(repoDirname(s.build.file ?? composePath), s.build.context), s.build.dockerfile ?? 'Dockerfile', s.build.target, s.build.args]);
  return build(a) === build(b);
}

interface BuildSpec {
  readonly name: string;
  readonly kind: 'compose' | 'dockerfile';
  readonly composeFile: string | null;
  readonly compose: ComposeService | null;
  readonly production: boolean;
  readonly context: string;
  readonly dockerfilePath: string;
  readonly target: string | null;
}

function composeBuiltService(repo: Repository, composePath: string, compose: ComposeService, setProduction: boolean): Service {
  const production = setProduction && isProductionComposeService(composePath, compose);
  const composeVars = dotenvBeside(repo, composePath);
  const service = composeBuiltServiceInner(repo, composePath, compose, production);
  return { ...service, composeVars, envFileVars: envFileVars(repo, composePath, compose) };
}

/**
 * `env_file:` variables, later files winning, each with the line that sets it. Paths are relative
 * to the compose file that wrote them; files outside the root or absent (often git-ignored
 * secrets) add nothing.
 */
function envFileVars(repo: Repository, composePath: string, compose: ComposeService): EnvFileVar[] {
  const byKey = new Map<string, EnvFileVar>();
  for (const entry of compose.envFiles) {
    const path = repoJoin(repoDirname(entry.file ?? composePath), entry.path);
    if (escapesRoot(path)) continue;
    const file = repo.load(path, 'config');
    if (!file) continue;
    for (const [key, { value, line }] of parseDotenv(file.text)) {
      const whole = file.lines.lineSpan(line);
      byKey.delete(key);
      byKey.set(key, { key, value, file: path, line, span: { start: whole.start, end: whole.start + file.text.slice(whole.start, whole.end).trimEnd().length } });
    }
  }
  return [...byKey.values()];
}

function composeBuiltServiceInner(repo: Repository, composePath: string, compose: ComposeService, production: boolean): Service {
  if (!compose.build) return imageOnlyService(repo, composePath, compose, production);
  const context = repoJoin(repoDirname(compose.build.file ?? composePath), compose.build.context);
  const dockerfilePath = repoJoin(context, compose.build.dockerfile ?? 'Dockerfile');
  if (escapesRoot(context) || /^[a-z]+:\/\//i.test(compose.build.context) || compose.build.context.startsWith('git@')) {
    return imageOnlyService(repo, composePath, compose, production);
  }
  return dockerService(repo, {
    name: compose.name, kind: 'compose', composeFile: composePath, compose, production,
    context, dockerfilePath, target: compose.build.target,
  });
}

function standaloneService(repo: Repository, dockerfilePath: string): Service {
  return dockerService(repo, {
    name: dockerfilePath, kind: 'dockerfile', composeFile: null, compose: null,
    production: !isDevDockerfile(dockerfilePath), context: guessContext(repo, dockerfilePath), dockerfilePath, target: null,
  });
}

/**
 * A Dockerfile nobody builds through compose: its context is its own folder unless its COPY
 * sources only exist relative to the repository root (`docker build -f docker/api/Dockerfile .`).
 */
function guessContext(repo: Repository, dockerfilePath: string): string {
  const own = repoDirname(dockerfilePath);
  const model = repo.dockerfiles.get(dockerfilePath);
  if (own === '' || !model) return own;
  const sources = model.stages.flatMap((s) => s.instructions.flatMap((i) => (i.kind === 'copy' && i.from === null ? i.sources.map((w) => w.value) : [])));
  const paths = repo.contextPaths();
  const exists = (context: string, source: string): boolean => {
    const target = repoJoin(context, source.replace(/^\/+/, ''));
    return paths.some((p) => isUnder(p, target));
  };
  const concrete = sources.filter((s) => !/[*?[]/.test(s) && s !== '.' && s !== './');
  if (concrete.length === 0) return own;
  const ownHits = concrete.filter((s) => exists(own, s)).length;
  const rootHits = concrete.filter((s) => exists('', s)).length;
  return rootHits > ownHits ? '' : own;
}

const EMPTY_VARS: ComposeVars = { file: null, vars: new Map() };

/** The `.env` file beside a compose file: what `docker compose` interpolates `${VAR}` with. */
function dotenvBeside(repo: Repository, composePath: string): ComposeVars {
  const dir = repoDirname(composePath);
  const path = dir ? `${dir}/.env` : '.env';
  const file = repo.load(path, 'config');
  if (!file) return EMPTY_VARS;
  return { file: path, vars: parseDotenv(file.text) };
}

function emptyService(base: Pick<Service, 'name' | 'kind' | 'composeFile' | 'compose' | 'production'>): Service {
  return {
    ...base, context: null, dockerfilePath: null, dockerfile: null, dockerignore: null, stages: [], final: null, pythonVersion: DEFAULT_PYTHON,
    installs: [], installedFiles: [], installed: [], installedKeys: new Set(), missingRequirementsFiles: [], unknownInstalls: [],
    localPackageDirs: [], command: [], argv: [], entry: null, pythonPath: [], cwd: '/', runFiles: [], runFilesFrom: 'entry', scripts: [],
    composeVars: EMPTY_VARS,
    envFileVars: [],
  };
}

function imageOnlyService(repo: Repository, composePath: string, compose: ComposeService, production: boolean): Service {
  void repo;
  const command = composeCommandParts(composePath, compose, [], []);
  const argv = command.flatMap((part) => part.argv);
  return { ...emptyService({ name: compose.name, kind: 'compose', composeFile: composePath, compose, production }), command, argv, entry: entryOfCommand(argv) };
}

function dockerService(repo: Repository, spec: BuildSpec): Service {
  const dockerfile = repo.dockerfileAt(spec.dockerfilePath);
  const base = emptyService(spec);
  if (!dockerfile || dockerfile.stages.length === 0) return { ...base, context: spec.context, dockerfilePath: spec.dockerfilePath, dockerfile };
  const dockerignore = repo.dockerignoreFor(spec.context, spec.dockerfilePath);
  const built = simulateAndCollect(repo, spec, dockerfile, dockerignore);
  if (!built) return { ...base, context: spec.context, dockerfilePath: spec.dockerfilePath, dockerfile };
  const { stages, final, chain, installs, collected } = built;
  const sitePackages = `/usr/local/lib/python${pythonVersionOf(chain, dockerfile.globalArgs, spec.compose?.build?.args)}/site-packages`;
  installLocalPackages(stages, final, installs, sitePackages);

  const command = commandParts(spec, chain);
  const argv = command.flatMap((part) => part.argv);
  const entry = entryOfCommand(argv);
  const env = serviceEnv(final, spec.compose);
  const workingDir = spec.compose?.workingDir?.value;
  const cwd = imageResolve(workingDir ?? final.workdir, entry?.chdir ?? '.');
  const pythonPath = pythonPathOf(cwd, entry, env.get('PYTHONPATH') ?? null, [...collected.localPackageDirs, sitePackages], final.fs);
  const runFiles = runFilesOf(repo, final.fs, pythonPath, cwd, entry);

  return {
    ...base,
    context: spec.context,
    dockerfilePath: spec.dockerfilePath,
    dockerfile,
    dockerignore,
    stages,
    final,
    pythonVersion: pythonVersionOf(chain, dockerfile.globalArgs, spec.compose?.build?.args),
    installs,
    ...collected,
    command,
    argv,
    entry,
    pythonPath,
    cwd,
    runFiles: runFiles.files,
    runFilesFrom: runFiles.from,
    scripts: commandScripts(repo, final.fs, cwd, argv),
  };
}

interface Built {
  readonly stages: StageState[];
  readonly final: StageState;
  readonly chain: StageState[];
  readonly installs: InstallStep[];
  readonly collected: CollectedInstalls;
}

/**
 * Simulates the build and collects what it installs. Requirements files reached only through
 * `-r` (any name, any folder) are loaded on demand while collecting, so the build is simulated
 * again until the set of known files stops growing: then COPY sees them like any other file.
 */
function simulateAndCollect(repo: Repository, spec: BuildSpec, dockerfile: DockerfileModel, dockerignore: DockerIgnore): Built | null {
  let built: Built | null = null;
  for (let round = 0; round < 3; round++) {
    const known = repo.repoPaths().length;
    const stages = simulateStages({ dockerfilePath: spec.dockerfilePath, dockerfile, context: spec.context, repoFiles: repo.contextPaths(), dockerignore });
    const final = (spec.target ? findStage(stages, spec.target) : undefined) ?? stages[stages.length - 1];
    if (!final) return null;
    const chain = stageChain(stages, final);
    const installStages = withInstallSources(stages, chain);
    const installs = installStages.flatMap((state) => installSteps(spec.dockerfilePath, state));
    const collected = collectInstalls(repo, spec, stages, installs);
    collected.unknownInstalls.push(...opaqueInstalls(spec.dockerfilePath, installStages));
    for (const state of installStages) for (const key of basePythonPackages(state.stage.from.stageRef === null ? state.stage.from.image : '') ?? []) collected.installedKeys.add(key);
    built = { stages, final, chain, installs, collected };
    if (repo.repoPaths().length === known) break;
  }
  return built;
}

/**
 * `pip install .` copies the local project's packages into site-packages, possibly in a builder
 * stage whose prefix the final stage copies in: mirror those files into the final image's
 * site-packages so imports of the project resolve the way they will at run time.
 */
function installLocalPackages(stages: readonly StageState[], final: StageState, installs: readonly InstallStep[], sitePackages: string): void {
  const addedAt = final.stage.instructions.length;
  for (const step of installs) {
    const fs = stages[step.stage]?.fs;
    if (!fs) continue;
    for (const local of step.pip.localPaths) {
      const dir = imageResolve(step.workdir, splitExtras(local.path).path);
      const srcLayout = `${dir === '/' ? '' : dir}/src`;
      const root = fs.under(srcLayout).some((f) => f.imagePath.endsWith('.py')) ? srcLayout : dir;
      for (const file of fs.under(root)) {
        if (!file.imagePath.endsWith('.py') || file.imagePath === `${root}/setup.py`) continue;
        const rel = root === '/' ? file.imagePath.slice(1) : file.imagePath.slice(root.length + 1);
        final.fs.add({ imagePath: `${sitePackages}/${rel}`, repoPath: file.repoPath, addedAt, copiedBy: { file: step.file, line: step.line } });
      }
    }
  }
}

/** The final stage and every stage it is built FROM, root first. */
export function stageChain(stages: readonly StageState[], final: StageState): StageState[] {
  const chain: StageState[] = [];
  const seen = new Set<number>();
  for (let current: StageState | undefined = final; current && !seen.has(current.stage.index); ) {
    seen.add(current.stage.index);
    chain.unshift(current);
    const ref: number | null = current.stage.from.stageRef;
    current = ref === null ? undefined : stages[ref];
  }
  return chain;
}

/** The chain plus stages whose site-packages/venv are copied in (and their own chains). */
function withInstallSources(stages: readonly StageState[], chain: readonly StageState[]): StageState[] {
  const out = new Map<number, StageState>();
  const visit = (state: StageState): void => {
    if (out.has(state.stage.index)) return;
    for (const ancestor of stageChain(stages, state)) {
      out.set(ancestor.stage.index, ancestor);
      for (const from of ancestor.installsFrom) {
        const source = stages[from];
        if (source) visit(source);
      }
    }
  };
  for (const state of chain) visit(state);
  return [...out.values()].sort((a, b) => a.stage.index - b.stage.index);
}

function installSteps(dockerfilePath: string, state: StageState): InstallStep[] {
  const steps: InstallStep[] = [];
  state.stage.instructions.forEach((instruction, index) => {
    if (instruction.kind !== 'run') return;
    for (const pip of instruction.pipInstalls) {
      steps.push({ file: dockerfilePath, line: pip.line, span: pip.span, pip, stage: state.stage.index, instructionIndex: index, workdir: state.workdirAt[index] ?? '/' });
    }
  });
  return steps;
}

interface CollectedInstalls {
  readonly installedFiles: InstalledFile[];
  readonly installed: InstalledRequirement[];
  readonly installedKeys: Set<string>;
  readonly missingRequirementsFiles: MissingRequirementsFile[];
  readonly localPackageDirs: string[];
  readonly unknownInstalls: { file: string; line: number; message: string }[];
  /** Files already expanded for an install step: a file included twice (a diamond) is read once. */
  readonly expanded: Set<string>;
}

/**
 * `-r` chains deeper than this are not followed (real ones are a few files deep). Bounds the
 * recursion, so a generated chain of thousands of files cannot overflow the stack.
 */
const MAX_INCLUDE_DEPTH = 32;

function collectInstalls(repo: Repository, spec: BuildSpec, stages: readonly StageState[], installs: readonly InstallStep[]): CollectedInstalls {
  const out: CollectedInstalls = { installedFiles: [], installed: [], installedKeys: new Set(), missingRequirementsFiles: [], localPackageDirs: [], unknownInstalls: [], expanded: new Set() };
  for (const step of installs) {
    const fs = stages[step.stage]?.fs;
    if (!fs) continue;
    for (const reqFile of step.pip.requirementFiles) {
      const imagePath = imageResolve(step.workdir, reqFile.path);
      const found = fs.file(imagePath, step.instructionIndex);
      const located = { file: spec.dockerfilePath, line: lineOfSpan(repo, spec.dockerfilePath, reqFile.span.start), span: reqFile.span };
      if (found) {
        expandRequirementsFile(repo, found.repoPath, imagePath, fs, step, reqFile.constraint, [found.repoPath], out);
        continue;
      }
      if (reqFile.path.includes('$')) {
        out.unknownInstalls.push({ ...located, message: `-r ${reqFile.path} depends on a build variable` });
        continue;
      }
      const mounted = boundByMount(repo, spec, stages, step, imagePath);
      if (mounted) {
        expandRequirementsFile(repo, mounted, null, fs, step, reqFile.constraint, [mounted], out);
        continue;
      }
      const generator = generatedBy(stages, step, reqFile.path);
      if (generator) {
        // `poetry export -o requirements.txt && pip install -r requirements.txt`: the file is made
        // from the project's own metadata, which is what gets installed.
        const deps = projectDependenciesAt(repo, fs, step.workdir);
        for (const key of deps.keys) out.installedKeys.add(key);
        if (deps.keys.length === 0 || deps.unknown) out.unknownInstalls.push({ ...located, message: `${reqFile.path} is generated at build time (line ${generator})` });
        continue;
      }
      const later = fs.file(imagePath);
      const guess = later?.repoPath ?? guessRepoFile(repo, spec.context, reqFile.path);
      out.missingRequirementsFiles.push({ ...located, written: reqFile.path, reason: later ? 'not-copied-yet' : guess ? 'not-in-image' : 'not-found', repoPath: guess, constraint: reqFile.constraint });
      if (guess) expandRequirementsFile(repo, guess, null, fs, step, reqFile.constraint, [guess], out);
    }
    addInlinePackages(repo, spec.dockerfilePath, step, out);
    if (step.pip.tool === 'pipenv' && step.pip.packages.length === 0 && step.pip.localPaths.length === 0) {
      // `pipenv install --system --deploy` installs the Pipfile's [packages].
      const deps = projectDependenciesAt(repo, fs, step.workdir);
      for (const key of deps.keys) out.installedKeys.add(key);
      if (deps.keys.length === 0) out.unknownInstalls.push({ file: step.file, line: step.line, message: 'pipenv installs from a Pipfile driftcheck could not read' });
    }
    for (const local of step.pip.localPaths) {
      const { path, extras } = splitExtras(local.path);
      const imageDir = imageResolve(step.workdir, path || '.');
      out.localPackageDirs.push(imageDir, `${imageDir === '/' ? '' : imageDir}/src`);
      const deps = projectDependenciesAt(repo, fs, imageDir + extras);
      for (const dep of deps.keys) out.installedKeys.add(dep);
      if (deps.unknown) out.unknownInstalls.push({ file: step.file, line: step.line, message: deps.unknown });
    }
  }
  return out;
}

const OPAQUE_RUN = /\b(?:conda|mamba|micromamba)\s+(?:install|env\s+(?:create|update)|create|update)\b|\bpip3?\s+install\b[^&|;\n]*\s[$`]/;

/** Installs driftcheck cannot see: a non-plain base image, conda, package names from variables. */
function opaqueInstalls(dockerfilePath: string, states: readonly StageState[]): { file: string; line: number; message: string }[] {
  const out: { file: string; line: number; message: string }[] = [];
  for (const state of states) {
    const from = state.stage.from;
    if (from.stageRef === null && from.image !== '' && basePythonPackages(from.image) === null) {
      out.push({ file: dockerfilePath, line: from.line, message: `base image ${from.image} may already install Python packages` });
    }
    for (const instruction of state.stage.instructions) {
      if (instruction.kind === 'run' && OPAQUE_RUN.test(instruction.text)) {
        out.push({ file: dockerfilePath, line: instruction.line, message: 'this RUN installs packages driftcheck cannot list (conda, or names from variables)' });
      }
    }
  }
  return out;
}

const GENERATES = /\b(?:poetry|uv|pdm)\s+export\b|\bpip-compile\b|\bpipenv\s+requirements\b|\bpip\s+freeze\b/;

/**
 * Line of a RUN that writes this requirements file: earlier in the same stage, or in any other
 * stage (whose output a `COPY --from` brings over). Null when nothing generates it.
 */
function generatedBy(stages: readonly StageState[], step: InstallStep, written: string): number | null {
  const name = basename(written);
  const candidates = stages.flatMap((state) =>
    state.stage.index === step.stage ? state.stage.instructions.slice(0, step.instructionIndex + 1) : state.stage.index !== step.stage ? state.stage.instructions : [],
  );
  for (const instruction of candidates) {
    if (instruction.kind !== 'run' || !instruction.text.includes(name)) continue;
    if (GENERATES.test(instruction.text) || redirectsInto(instruction.text, name)) return instruction.line;
  }
  return null;
}

/**
 * Whether a shell redirect (`> name`, `>path/name`, `>> name`) writes a file whose path ends in
 * `name`. A string search rather than a RegExp built per name (each distinct RegExp costs compiled
 * code that only a full GC frees); linear, since the '>'s inside a word already read are skipped.
 */
function redirectsInto(text: string, name: string): boolean {
  if (name === '' || /\s/.test(name)) return false;
  let arrow = text.indexOf('>');
  while (arrow >= 0) {
    let word = arrow + 1;
    while (word < text.length && isSpace(text.charCodeAt(word))) word++;
    let wordEnd = word;
    while (wordEnd < text.length && !isSpace(text.charCodeAt(wordEnd))) wordEnd++;
    if (text.slice(word, wordEnd).includes(name)) return true;
    arrow = text.indexOf('>', Math.max(wordEnd, arrow + 1));
  }
  return false;
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** `RUN --mount=type=bind,source=requirements.txt,target=/tmp/req.txt pip install -r /tmp/req.txt`. */
function boundByMount(repo: Repository, spec: BuildSpec, stages: readonly StageState[], step: InstallStep, imagePath: string): string | null {
  const instruction = stages[step.stage]?.stage.instructions[step.instructionIndex];
  const text = instruction ? (repo.files.get(spec.dockerfilePath)?.text.slice(instruction.span.start, instruction.span.end) ?? '') : '';
  for (const match of text.matchAll(/--mount=(\S+)/g)) {
    const fields = new Map((match[1] ?? '').split(',').map((kv) => [kv.split('=')[0] ?? '', kv.slice(kv.indexOf('=') + 1)] as const));
    const type = fields.get('type') ?? 'bind';
    const target = fields.get('target') ?? fields.get('dst') ?? fields.get('destination');
    if (type !== 'bind' || !target || fields.has('from')) continue;
    const mountPoint = imageResolve(step.workdir, target);
    const source = fields.get('source') ?? fields.get('src') ?? '.';
    const rest = imagePath === mountPoint ? '' : imagePath.startsWith(`${mountPoint}/`) ? imagePath.slice(mountPoint.length + 1) : null;
    if (rest === null) continue;
    const repoPath = repoJoin(spec.context, source.replace(/^\/+/, ''), rest);
    if (!escapesRoot(repoPath) && repo.load(repoPath, 'requirements')) return repoPath;
  }
  return null;
}

/** `./pkg[s3,dev]` -> path `./pkg` and extras `[s3,dev]` (kept bracketed for projectDependenciesAt). */
export function splitExtras(written: string): { path: string; extras: string } {
  const match = /^(.*?)(\[[^\]]*\])?$/.exec(written);
  return { path: match?.[1] || '.', extras: match?.[2] ?? '' };
}

function guessRepoFile(repo: Repository, context: string, written: string): string | null {
  if (written.startsWith('/')) return null;
  const candidate = repoJoin(context, written);
  return !escapesRoot(candidate) && repo.load(candidate, 'requirements') ? candidate : null;
}

function lineOfSpan(repo: Repository, path: string, offset: number): number {
  return repo.files.get(path)?.lines.position(offset).line ?? 1;
}

function expandRequirementsFile(
  repo: Repository,
  repoPath: string,
  imagePath: string | null,
  fs: ImageFs,
  step: InstallStep,
  constraint: boolean,
  chain: readonly string[],
  out: CollectedInstalls,
): void {
  const model = repo.requirementsAt(repoPath);
  if (!model) return;
  // Without this, files that each include the next one twice would be read 2^depth times.
  const key = `${step.stage}:${step.instructionIndex}:${constraint}:${imagePath ?? ''}:${repoPath}`;
  if (out.expanded.has(key)) return;
  out.expanded.add(key);
  out.installedFiles.push({ path: repoPath, via: step, chain, constraint });
  for (const requirement of model.requirements) {
    out.installed.push({ requirement, file: repoPath, via: step, constraint });
    if (!constraint) out.installedKeys.add(requirement.key);
  }
  // A line that does not parse is already a PARSE finding; its name still counts as installed so
  // the same mistake is not reported a second time as a missing dependency.
  if (!constraint) for (const key of namesOfBrokenLines(repo, repoPath, model.diagnostics)) out.installedKeys.add(key);
  for (const option of model.options) {
    if ((option.name !== '-e' && option.name !== 'local-path') || !option.value || /^[a-z+]+:/i.test(option.value)) continue;
    const { path, extras } = splitExtras(option.value);
    const deps = projectDependenciesAt(repo, null, repoJoin(repoDirname(repoPath), path) + extras, false);
    if (!constraint) for (const key of deps.keys) out.installedKeys.add(key);
    if (deps.unknown) out.unknownInstalls.push({ file: repoPath, line: option.line, message: deps.unknown });
    if (imagePath) {
      const imageDir = imageResolve(imagePath.slice(0, imagePath.lastIndexOf('/')) || '/', path);
      out.localPackageDirs.push(imageDir, `${imageDir === '/' ? '' : imageDir}/src`);
    }
  }
  for (const include of model.includes) {
    const target = repoJoin(repoDirname(repoPath), include.path);
    const located = { file: repoPath, line: include.line, span: include.span };
    if (chain.includes(target)) {
      reportIncludeCycle(repo, repoPath, include, [...chain, target]);
      continue;
    }
    if (chain.length >= MAX_INCLUDE_DEPTH) {
      reportIncludeTooDeep(repo, repoPath, include);
      continue;
    }
    const targetImage = imagePath ? imageResolve(imagePath.slice(0, imagePath.lastIndexOf('/')) || '/', include.path) : null;
    const exists = !escapesRoot(target) && repo.requirementsAt(target) !== null;
    if (!exists) {
      out.missingRequirementsFiles.push({ ...located, written: include.path, reason: 'not-found', repoPath: null, constraint: include.kind === 'constraint' });
      continue;
    }
    if (targetImage && !fs.file(targetImage, step.instructionIndex)) {
      out.missingRequirementsFiles.push({ ...located, written: include.path, reason: 'not-in-image', repoPath: target, constraint: include.kind === 'constraint' });
    }
    expandRequirementsFile(repo, target, targetImage, fs, step, constraint || include.kind === 'constraint', [...chain, target], out);
  }
}

function namesOfBrokenLines(repo: Repository, path: string, diagnostics: readonly { line: number; severity: string }[]): string[] {
  const file = repo.files.get(path);
  if (!file) return [];
  return diagnostics.flatMap((d) => {
    if (d.severity !== 'error') return [];
    const span = file.lines.lineSpan(d.line);
    const name = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(file.text.slice(span.start, span.end))?.[1];
    return name ? [normalizeName(name)] : [];
  });
}

function addInlinePackages(repo: Repository, dockerfilePath: string, step: InstallStep, out: CollectedInstalls): void {
  const text = repo.files.get(dockerfilePath)?.text ?? '';
  for (const word of step.pip.packages) {
    const parsed = parseRequirements(word.value).requirements[0];
    if (!parsed) continue;
    // Spans of the parsed word are relative to the word's value; shift them into the Dockerfile.
    const quote = text[word.span.start] === '"' || text[word.span.start] === "'" ? 1 : 0;
    const shift = word.span.start + quote;
    const at = (s: { start: number; end: number }) => ({ start: s.start + shift, end: s.end + shift });
    const requirement: Requirement = {
      ...parsed, span: at(parsed.span), nameSpan: at(parsed.nameSpan), specifierSpan: at(parsed.specifierSpan), lineSpan: word.span,
      line: lineOfSpan(repo, dockerfilePath, word.span.start), column: (repo.files.get(dockerfilePath)?.lines.position(word.span.start).column ?? 1) + quote,
    };
    out.installed.push({ requirement, file: dockerfilePath, via: step, constraint: false });
    out.installedKeys.add(requirement.key);
  }
}

// ---------------------------------------------------------------- command

function commandParts(spec: BuildSpec, chain: readonly StageState[]): CommandPart[] {
  let entrypoint: CommandPart | null = null;
  let cmd: CommandPart | null = null;
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

function composeCommandParts(composePath: string, compose: ComposeService, entrypoint: CommandPart[], cmd: CommandPart[]): CommandPart[] {
  const part = (value: NonNullable<ComposeService['command']>, instruction: 'command' | 'entrypoint'): CommandPart => ({
    origin: 'compose', instruction, argv: value.tokens.map((t) => t.value), compose: value, docker: null,
    file: value.file ?? composePath, line: value.line, span: value.span,
  });
  const entry = compose.entrypoint ? [part(compose.entrypoint, 'entrypoint')] : entrypoint;
  // compose `entrypoint:` also drops the image's CMD unless `command:` is given.
  const command = compose.command ? [part(compose.command, 'command')] : compose.entrypoint ? [] : cmd;
  return [...entry, ...command];
}

function serviceEnv(final: StageState, compose: ComposeService | null): Map<string, string> {
  const env = new Map<string, string>();
  for (const [key, value] of final.env) env.set(key, value.value);
  for (const entry of compose?.environment ?? []) if (entry.value !== null) env.set(entry.key, entry.value);
  return env;
}

function pythonPathOf(cwd: string, entry: EntryPoint | null, pythonPathEnv: string | null, localDirs: readonly string[], fs: ImageFs): string[] {
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

function pythonVersionOf(chain: readonly StageState[], globalArgs: readonly { name: string; value: string | null }[], buildArgs: Readonly<Record<string, string>> = {}): string {
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

/** A `-r`/`-c` chain longer than MAX_INCLUDE_DEPTH: one warning at the include not followed. */
function reportIncludeTooDeep(repo: Repository, repoPath: string, include: { readonly line: number; readonly column: number; readonly span: { readonly start: number; readonly end: number } }): void {
  const message = `requirements includes nested more than ${MAX_INCLUDE_DEPTH} files deep; this include is not followed`;
  if (repo.diagnostics.some((d) => d.file === repoPath && d.diagnostic.line === include.line && d.diagnostic.message === message)) return;
  repo.diagnostics.push({ file: repoPath, diagnostic: { message, line: include.line, column: include.column, span: include.span, severity: 'warning' } });
}

/** A `-r`/`-c` chain that comes back to a file already being read: one warning at the include. */
function reportIncludeCycle(repo: Repository, repoPath: string, include: { readonly line: number; readonly column: number; readonly span: { readonly start: number; readonly end: number } }, cycle: readonly string[]): void {
  const message = `requirements include cycle: ${cycle.join(' -> ')} (the cycle is not followed)`;
  if (repo.diagnostics.some((d) => d.file === repoPath && d.diagnostic.message === message)) return;
  repo.diagnostics.push({ file: repoPath, diagnostic: { message, line: include.line, column: include.column, span: include.span, severity: 'warning' } });
}

// ---------------------------------------------------------------- code that runs

const TEST_FILE = /(^|\/)(tests?|testing)\/|(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/;

// Frameworks that import application modules by string (INSTALLED_APPS, autodiscovery), which
// an import closure cannot follow: audit every file in the image instead.
const STRING_LOADERS = new Set(['django']);

/**
 * The shell scripts a command runs, as repo paths: each command word naming a file the image
 * holds from the repository that is not Python (`/entrypoint.sh`, `./start`, `sh docker/run.sh`).
 * Loaded as text, so the programs they start count as used.
 */
function commandScripts(repo: Repository, fs: ImageFs, cwd: string, argv: readonly string[]): string[] {
  const out = new Set<string>();
  for (const word of argv) {
    if (word === '' || word.startsWith('-') || word.includes('$') || !/^[./]|\.(sh|bash)$/.test(word)) continue;
    const file = fs.file(imageResolve(cwd, word));
    if (!file || file.repoPath.endsWith('.py') || escapesRoot(file.repoPath)) continue;
    const known = repo.files.get(file.repoPath); // never re-read a file discovered as another kind
    if (known ? known.kind === 'config' : repo.load(file.repoPath, 'config')) out.add(file.repoPath);
  }
  return [...out].sort();
}

function runFilesOf(
  repo: Repository,
  fs: ImageFs,
  pythonPath: readonly string[],
  cwd: string,
  entry: EntryPoint | null,
): { files: RunFile[]; from: Service['runFilesFrom'] } {
  const start: ImageFile[] = [];
  if (entry?.module) {
    const parts = entry.module.split('.');
    const hit = findModule(fs, pythonPath, parts);
    start.push(...(hit?.files ?? []));
    // `python -m pkg` runs pkg/__main__.py after pkg/__init__.py.
    const main = hit && entry.runner === 'python' ? fs.file(`${hit.pathEntry === '/' ? '' : hit.pathEntry}/${parts.join('/')}/__main__.py`) : undefined;
    if (main) start.push(main);
  }
  if (entry?.script) {
    const file = fs.file(imageResolve(cwd, entry.script));
    if (file) start.push(file);
  }
  const allImageFiles = (): { files: RunFile[]; from: Service['runFilesFrom'] } => ({
    files: [...fs.all()]
      .filter((f) => f.repoPath.endsWith('.py') && f.imagePath.endsWith('.py') && !TEST_FILE.test(f.repoPath))
      .map((f) => ({ repoPath: f.repoPath, imagePath: f.imagePath }))
      .sort((a, b) => (a.imagePath < b.imagePath ? -1 : 1)),
    from: 'all-image-files',
  });
  if (start.length === 0) return allImageFiles();
  const seen = new Map<string, ImageFile>();
  const queue = [...start];
  while (queue.length > 0) {
    const file = queue.pop();
    if (!file || seen.has(file.imagePath)) continue;
    seen.set(file.imagePath, file);
    for (const imp of repo.python.get(file.repoPath)?.imports ?? []) {
      if (imp.typeChecking) continue;
      if (imp.level === 0 && STRING_LOADERS.has(imp.module.split('.')[0] ?? '')) return allImageFiles();
      for (const target of importTargets(fs, pythonPath, file.imagePath, imp)) if (!seen.has(target.imagePath)) queue.push(target);
    }
  }
  const files = [...seen.values()].map((f) => ({ repoPath: f.repoPath, imagePath: f.imagePath }));
  files.sort((a, b) => (a.imagePath < b.imagePath ? -1 : 1));
  return { files, from: 'entry' };
}

// ---------------------------------------------------------------- plain Python project

function projectService(repo: Repository): Service {
  const files = [...repo.python.keys()].sort().map((repoPath) => ({ repoPath, imagePath: null }));
  const installedKeys = new Set<string>();
  const installed: InstalledRequirement[] = [];
  for (const [path, model] of [...repo.requirements.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const requirement of model.requirements) {
      installedKeys.add(requirement.key);
      installed.push({ requirement, file: path, via: noStep(path), constraint: false });
    }
  }
  const local = projectDependenciesAt(repo, null, '');
  for (const dep of local.keys) installedKeys.add(dep);
  return {
    ...emptyService({ name: '(project)', kind: 'project', composeFile: null, compose: null, production: true }),
    installed, installedKeys, runFiles: files, runFilesFrom: 'all-repo-files',
    unknownInstalls: local.unknown ? [{ file: 'setup.py', line: 1, message: local.unknown }] : [],
  };
}

function noStep(file: string): InstallStep {
  const pip: PipInstall = { tool: 'pip', requirementFiles: [], packages: [], localPaths: [], upgrade: false, line: 1, span: { start: 0, end: 0 } };
  return { file, line: 1, span: { start: 0, end: 0 }, pip, stage: -1, instructionIndex: -1, workdir: '/' };
}

export { normalizeName };
