// Images this repository builds, for a `FROM` that names one (#16 idiom 9): `FROM acme/api:1.0`
// where compose builds `image: acme/api:1.0`, or a Makefile/script/CI workflow runs `docker build -t
// acme/api:1.0`. Such a FROM inherits that image's files, environment, user, install set and command
// instead of being an unknown base image. Each image is simulated once, on first use; a FROM cycle
// resolves to nothing.
import { baseImageFacts, basePythonPackages } from '../../knowledge/base-images.js';
import type { ComposeService } from '../../parsers/types.js';
import { escapesRoot, repoDirname, repoJoin } from '../../util/paths.js';
import type { Repository } from '../repository.js';
import { commandParts, pythonVersionOf } from './command.js';
import type { MergedService } from './compose-sets.js';
import type { BuildSpec, RepoImage, RepoImages } from './context.js';
import { externalBuilds, imageKey } from './external-builds.js';
import { installLocalPackages, simulateAndCollect } from './stages.js';

interface Builder {
  readonly image: string;
  readonly builtBy: string;
  readonly spec: BuildSpec;
}

export function repoImages(repo: Repository, composeServices: readonly MergedService[]): RepoImages {
  const builders = new Map<string, Builder>();
  for (const { composePath, compose } of composeServices) {
    const image = compose.image?.value;
    if (!compose.build || image === undefined || /[$`]/.test(image) || builders.has(imageKey(image))) continue;
    const spec = specOf(compose.build, composePath, compose.name, compose);
    if (spec) builders.set(imageKey(image), { image, builtBy: `${composePath} (service ${compose.name})`, spec });
  }
  let scripted = false;
  const built = new Map<string, RepoImage | null>();
  const resolve = (image: string): RepoImage | null => {
    // A base image driftcheck knows (python, debian, …) is never one of the repository's.
    if (image.includes('$') || basePythonPackages(image) !== null || baseImageFacts(image) !== null) return null;
    const key = imageKey(image);
    if (built.has(key)) return built.get(key) ?? null;
    if (!builders.has(key) && !scripted) {
      scripted = true;
      for (const [k, external] of externalBuilds(repo)) if (!builders.has(k)) builders.set(k, { image: external.image, builtBy: external.build.file ?? 'a script', spec: specOf(external.build, external.build.file ?? '', external.image, null)! });
    }
    const builder = builders.get(key);
    if (!builder) return null;
    built.set(key, null); // in progress: a FROM cycle ends here
    const result = buildImage(repo, builder, images);
    built.set(key, result);
    return result;
  };
  const images: RepoImages = { resolve };
  return images;
}

function specOf(build: NonNullable<ComposeService['build']>, writtenIn: string, name: string, compose: ComposeService | null): BuildSpec | null {
  const context = repoJoin(repoDirname(build.file ?? writtenIn), build.context);
  if (escapesRoot(context) || /^[a-z]+:\/\//i.test(build.context) || build.context.startsWith('git@')) return null;
  return { name, kind: 'dockerfile', composeFile: null, compose: compose ? { ...compose, command: null, entrypoint: null } : null, production: true, context, dockerfilePath: repoJoin(context, build.dockerfile ?? 'Dockerfile'), target: build.target };
}

function buildImage(repo: Repository, builder: Builder, images: RepoImages): RepoImage | null {
  const { spec } = builder;
  const dockerfile = repo.dockerfileAt(spec.dockerfilePath, spec.compose?.build?.args);
  if (!dockerfile || dockerfile.stages.length === 0) return null;
  const built = simulateAndCollect(repo, spec, dockerfile, repo.dockerignoreFor(spec.context, spec.dockerfilePath), images);
  if (!built) return null;
  const { stages, final, chain, installs, collected } = built;
  const from = chain[0]?.stage.from;
  const base = from && from.stageRef === null && from.image !== '' ? images.resolve(from.image) : null;
  const pythonVersion = base?.pythonVersion ?? pythonVersionOf(chain, dockerfile.globalArgs, spec.compose?.build?.args);
  installLocalPackages(stages, final, [...installs, ...collected.wheelSteps], `/usr/local/lib/python${pythonVersion}/site-packages`);
  const parts = commandParts({ ...spec, compose: null, composeFile: null }, chain, base);
  return {
    image: builder.image,
    builtBy: builder.builtBy,
    dockerfilePath: spec.dockerfilePath,
    final,
    entrypoint: parts.find((p) => p.instruction === 'ENTRYPOINT') ?? null,
    cmd: parts.find((p) => p.instruction === 'CMD') ?? null,
    installedKeys: collected.installedKeys,
    unknownInstalls: collected.unknownInstalls,
    localPackageDirs: collected.localPackageDirs,
    pythonVersion,
    root: base ? base.root : from && from.stageRef === null && from.image !== '' && !from.image.includes('$') ? from.image : null,
  };
}
