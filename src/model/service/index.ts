// The service model (DESIGN.md §1): for every deployable unit, join compose, Dockerfile, image
// file set, install set, command and the Python files that really run. This file builds a Service
// from the rooms beside it; see src/model/README.md.
import type { ComposeService } from '../../parsers/types.js';
import { escapesRoot, imageResolve, repoDirname, repoJoin } from '../../util/paths.js';
import { entryOfCommand, runsNoPython } from '../command.js';
import type { ImageFs, StageState } from '../image.js';
import { developmentEvidence } from '../roles.js';
import { baseCommandIsNotPython, baseStartScript } from '../../knowledge/base-images.js';
import type { Span } from '../../findings/types.js';
import type { FirstPartyIndex } from '../first-party.js';
import { type ModuleMap, normalizeName } from '../module-map.js';
import type { Repository } from '../repository.js';
import { MODEL_PARTS, type CommandPart, type ModelPart, type Service, type ServiceClone } from '../types.js';
import { gitClonesIn } from './run-instructions.js';
import { canonicalGitUrl } from '../git-remotes.js';
import { commandParts, composeCommandParts, serviceEnv, pythonPathOf, pythonVersionOf } from './command.js';
import { isProductionComposeService, imageBuilders, withBuilderOf, composeSets, envFileVars, dotenvBeside } from './compose-sets.js';
import { type BuildSpec, type RepoImages, guessContext } from './context.js';
import { emptyService } from './empty.js';
import { projectServices } from './project-service.js';
import type { ProjectOptions } from '../project-options.js';
import { afterWrapper, commandScripts, runFilesOf, sysPathEditsOf } from './run-files.js';
import { nodeRunOf } from './node-run.js';
import { simulateAndCollect, installLocalPackages } from './stages.js';
import { collectStartupInstalls } from './installs.js';
import { systemModulesOf } from './system-python.js';
import { externalBuilds, imageKey } from './external-builds.js';
import { repoImages } from './repo-images.js';
import { privilegeDropOf } from './privileges.js';

export { isProductionComposeService } from './compose-sets.js';
export { splitExtras } from './installs.js';
export { stageChain } from './stages.js';
export { imagePython } from './command.js';

export function buildServices(repo: Repository, firstParty: FirstPartyIndex, moduleMap: ModuleMap, parts: ReadonlySet<ModelPart> = new Set(MODEL_PARTS), projectOptions?: ProjectOptions): Service[] {
  void firstParty;
  const services: Service[] = [];
  const builtDockerfiles = new Set<string>();
  const sets = composeSets(repo);
  const images = repoImages(repo, sets.flatMap((set) => set.services));
  for (const set of sets) {
    const builders = imageBuilders(set.services);
    for (const { composePath, compose } of set.services) {
      let linked = withBuilderOf(compose, builders);
      // `image: app_api` that `docker build -t app_api …` in a Makefile, script or CI workflow builds.
      if (!linked.build && linked.image && !/[$`]/.test(linked.image.value)) {
        const build = externalBuilds(repo).get(imageKey(linked.image.value))?.build;
        if (build) linked = { ...linked, build };
      }
      const service = composeBuiltService(repo, composePath, linked, set.production, set.explicit === true, parts, moduleMap, images);
      if (service.dockerfilePath) builtDockerfiles.add(service.dockerfilePath);
      services.push(service);
    }
  }
  for (const dockerfilePath of [...repo.dockerfiles.keys()].sort()) {
    if (builtDockerfiles.has(dockerfilePath)) continue;
    services.push(standaloneService(repo, dockerfilePath, parts, moduleMap, images));
  }
  if (!services.some((s) => s.dockerfile !== null)) services.push(...projectServices(repo, projectOptions));
  return withUniqueNames(services);
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

function composeBuiltService(repo: Repository, composePath: string, compose: ComposeService, setProduction: boolean, explicit: boolean, parts: ReadonlySet<ModelPart>, moduleMap: ModuleMap, images: RepoImages): Service {
  // Production unless the repository shows a development setup (roles.ts); configured files and
  // production overlays are taken at their word.
  const evidence = explicit || repo.roles.configuredRole(composePath) === false ? null : developmentEvidence(repo, composePath, compose);
  const production = setProduction && isProductionComposeService(repo.roles, composePath, compose) && evidence === null;
  const composeVars = dotenvBeside(repo, composePath);
  const service = composeBuiltServiceInner(repo, composePath, compose, production, parts, moduleMap, images);
  return { ...service, composeVars, envFileVars: envFileVars(repo, composePath, compose) };
}

function composeBuiltServiceInner(repo: Repository, composePath: string, compose: ComposeService, production: boolean, parts: ReadonlySet<ModelPart>, moduleMap: ModuleMap, images: RepoImages): Service {
  if (!compose.build) return imageOnlyService(repo, composePath, compose, production);
  const context = repoJoin(repoDirname(compose.build.file ?? composePath), compose.build.context);
  const dockerfilePath = repoJoin(context, compose.build.dockerfile ?? 'Dockerfile');
  if (escapesRoot(context) || /^[a-z]+:\/\//i.test(compose.build.context) || compose.build.context.startsWith('git@')) {
    return imageOnlyService(repo, composePath, compose, production);
  }
  return dockerService(repo, {
    name: compose.name, kind: 'compose', composeFile: composePath, compose, production,
    context, dockerfilePath, target: compose.build.target,
  }, parts, moduleMap, images);
}

function standaloneService(repo: Repository, dockerfilePath: string, parts: ReadonlySet<ModelPart>, moduleMap: ModuleMap, images: RepoImages): Service {
  return dockerService(repo, {
    name: dockerfilePath, kind: 'dockerfile', composeFile: null, compose: null,
    production: !repo.roles.isDevDockerfile(dockerfilePath), context: guessContext(repo, dockerfilePath), dockerfilePath, target: null,
  }, parts, moduleMap, images);
}

function imageOnlyService(repo: Repository, composePath: string, compose: ComposeService, production: boolean): Service {
  void repo;
  const command = composeCommandParts(composePath, compose, [], []);
  const argv = command.flatMap((part) => part.argv);
  return { ...emptyService({ name: compose.name, kind: 'compose', composeFile: composePath, compose, production }), command, argv, entry: entryOfCommand(argv) };
}

function dockerService(repo: Repository, spec: BuildSpec, parts: ReadonlySet<ModelPart>, moduleMap: ModuleMap, images: RepoImages): Service {
  const dockerfile = repo.dockerfileAt(spec.dockerfilePath, spec.compose?.build?.args);
  const base = { ...emptyService(spec), devDockerfile: repo.roles.isDevDockerfile(spec.dockerfilePath) };
  if (!dockerfile || dockerfile.stages.length === 0) return { ...base, context: spec.context, dockerfilePath: spec.dockerfilePath, dockerfile };
  const dockerignore = repo.dockerignoreFor(spec.context, spec.dockerfilePath);
  const built = simulateAndCollect(repo, spec, dockerfile, dockerignore, images);
  if (!built) return { ...base, context: spec.context, dockerfilePath: spec.dockerfilePath, dockerfile };
  const { stages, final, chain, installs, collected } = built;
  // `FROM acme/api:1.0` built by this repository: its command, Python and user carry over (idiom 9).
  const rootFrom = chain[0]?.stage.from;
  const repoBase = rootFrom && rootFrom.stageRef === null && rootFrom.image !== '' ? images.resolve(rootFrom.image) : null;
  const pythonVersion = repoBase?.pythonVersion ?? pythonVersionOf(chain, dockerfile.globalArgs, spec.compose?.build?.args);
  const sitePackages = `/usr/local/lib/python${pythonVersion}/site-packages`;
  installLocalPackages(stages, final, [...installs, ...collected.wheelSteps], sitePackages);

  const ownCommand = commandParts(spec, chain, repoBase);
  // No command of its own on tiangolo/uvicorn-gunicorn*: the image's /start.sh runs (idiom 9).
  const started = ownCommand.length === 0 && rootFrom?.stageRef === null ? startScriptCommand(rootFrom.image, spec.dockerfilePath, rootFrom, final) : null;
  const command = started ? [started.part] : ownCommand;
  const argv = command.flatMap((part) => part.argv);
  const workingDir = spec.compose?.workingDir?.value ?? started?.workdir;
  // `ENTRYPOINT ["/entrypoint.sh"]` whose script ends in `exec "$@"`: the CMD after it is what runs.
  const imagePath = final.env.get('PATH')?.value;
  const entry = entryOfCommand(argv) ?? entryOfCommand(afterWrapper(repo, final.fs, workingDir ?? final.workdir, argv, imagePath));
  // `apt-get install python3-psycopg2`: installed when the service runs the system Python (idiom 8).
  const systemModules = systemModulesOf(spec.dockerfilePath, chain, argv, moduleMap);
  for (const system of systemModules) if (system.reach === 'yes') for (const key of system.keys) collected.installedKeys.add(key);
  const env = serviceEnv(final, spec.compose);
  const cwd = imageResolve(workingDir ?? final.workdir, entry?.chdir ?? '.');
  const pythonPath = pythonPathOf(cwd, entry, env.get('PYTHONPATH') ?? null, [...collected.localPackageDirs, sitePackages], final.fs);
  // `CMD ["npm", "test"]`, `nginx -g …`, or no command on a Node/nginx base without Python: the
  // image's Python files are copied but never run.
  const noPython = runsNoPython(argv) || (baseCommandIsNotPython(chain[0]?.stage.from.image ?? '') && (argv.length === 0 || !installsPython(chain)));
  // Not built when no selected rule reads it (RuleMeta.needs): an empty list, as for no Python.
  const scripts = [...commandScripts(repo, final.fs, cwd, argv, imagePath), ...procfileOf(repo, final.fs, cwd)].sort();
  collectStartupInstalls(repo, spec, stages, final, cwd, command, scripts, collected);
  let runFiles = noPython || !parts.has('runFiles') ? { files: [], from: 'entry' as const } : runFilesOf(repo, final.fs, pythonPath, cwd, entry);
  // The code's own sys.path changes, evaluated where it runs; the closure is followed again with them.
  let sysPathUnknown: Service['sysPathUnknown'] = [];
  for (let round = 0; round < 3 && runFiles.from === 'entry' && runFiles.files.length > 0; round++) {
    const edits = sysPathEditsOf(repo, runFiles.files, cwd);
    sysPathUnknown = edits.unknown;
    const added = edits.entries.filter((e) => !pythonPath.includes(e.dir));
    if (added.length === 0) break;
    for (const e of added) {
      if (e.front) pythonPath.unshift(e.dir);
      else pythonPath.push(e.dir);
    }
    runFiles = runFilesOf(repo, final.fs, pythonPath, cwd, entry);
  }

  return {
    ...base,
    context: spec.context,
    dockerfilePath: spec.dockerfilePath,
    dockerfile,
    dockerignore,
    stages,
    final,
    pythonVersion,
    repoBase: repoBase ? { image: repoBase.image, builtBy: repoBase.builtBy, dockerfilePath: repoBase.dockerfilePath, root: repoBase.root } : null,
    installs,
    ...collected,
    systemModules,
    clones: clonesOf(repo, chain),
    privilegeDrop: privilegeDropOf(repo, final, cwd, argv, env),
    command,
    argv,
    entry,
    pythonPath,
    sysPathUnknown,
    cwd,
    runFiles: runFiles.files,
    runFilesFrom: runFiles.from,
    scripts,
    node: parts.has('nodeRun') ? nodeRunOf(repo, final.fs, cwd, command, chain[0]?.stage.from.image) : null,
  };
}


/** The command a documented base image's start script runs (tiangolo/uvicorn-gunicorn*), with its working directory. */
function startScriptCommand(image: string, dockerfilePath: string, from: { readonly line: number; readonly span: Span }, final: StageState): { part: CommandPart; workdir: string } | null {
  const script = baseStartScript(image);
  if (!script) return null;
  const workdir = final.workdir === '/' ? script.workdir : final.workdir;
  const env = (key: string): string | undefined => final.env.get(key)?.value;
  const module = env('APP_MODULE') ?? (() => {
    const name = env('MODULE_NAME') ?? script.modules.find(([file]) => final.fs.file(file) !== undefined)?.[1];
    return name === undefined ? undefined : `${name}:${env('VARIABLE_NAME') ?? 'app'}`;
  })();
  const argv = module === undefined ? [...script.argv] : [...script.argv, module];
  return { part: { origin: 'dockerfile', instruction: 'CMD', argv, compose: null, docker: null, file: dockerfilePath, line: from.line, span: from.span }, workdir };
}

/** The chain's `git clone`s; `.git/config` is read only when there is one. */
function clonesOf(repo: Repository, chain: readonly StageState[]): ServiceClone[] {
  const clones = chain.flatMap((state) => gitClonesIn(state));
  if (clones.length === 0) return [];
  const remotes = repo.gitRemotes();
  return clones.map((clone) => ({ ...clone, remote: remotes.find((r) => canonicalGitUrl(r.url) === canonicalGitUrl(clone.url)) ?? null }));
}

/** Whether any stage of the chain installs Python packages or an interpreter (pip, apt python3). */
function installsPython(chain: readonly StageState[]): boolean {
  return chain.some((state) => state.stage.instructions.some((i) => i.kind === 'run' && (i.pipInstalls.length > 0 || i.systemPackages.some((p) => /^python\d?(?:\.\d+)?(?:-|$)|^py3-/.test(p)) || /\bpython\d?(?:\.\d+)?\b/.test(i.text))));
}

export { normalizeName };

/**
 * A `Procfile` the image holds in its working directory (Heroku, Dokku, honcho, foreman): its
 * process lines (`web: gunicorn app:app`) are how a platform starts the image, whatever its CMD.
 */
function procfileOf(repo: Repository, fs: ImageFs, cwd: string): string[] {
  const file = fs.file(imageResolve(cwd, 'Procfile'));
  return file && !escapesRoot(file.repoPath) && (repo.files.get(file.repoPath) ?? repo.load(file.repoPath, 'config')) ? [file.repoPath] : [];
}
