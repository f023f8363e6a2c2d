// Images built outside compose (#16 idiom 11): `docker build -t app_api -f api/Dockerfile .` (also
// `docker buildx build`, `docker image build`, `--tag`, `--file`, `--target`, `--build-arg`) in a
// Makefile, a shell script or a CI workflow, so that a compose service that runs `image: app_api`
// with no `build:` is audited with that Dockerfile and context. Read only when such a service
// exists. A tag, Dockerfile or context written with a variable links nothing.
import { posix } from 'node:path';
import type { ComposeService } from '../../parsers/types.js';
import { parseInstallScript } from '../../parsers/dockerfile.js';
import { splitImage } from '../../knowledge/base-images.js';
import { basename, escapesRoot, repoDirname, repoJoin } from '../../util/paths.js';
import type { Repository } from '../repository.js';

type Build = NonNullable<ComposeService['build']>;

/** Files that build images by hand: Makefiles, shell scripts, GitHub Actions and GitLab CI. */
const BUILD_SCRIPT = /(?:^|\/)(?:GNUmakefile|[Mm]akefile|[^/]+\.mk|[^/]+\.(?:ba)?sh|\.gitlab-ci\.ya?ml)$|^\.github\/workflows\/[^/]+\.ya?ml$/;
/** At most this many candidate files are read (a repository of thousands of scripts links by its Makefile). */
const MAX_SCRIPTS = 200;

/** docker build options that take a value (Docker CLI reference, "docker buildx build"). */
const VALUE_OPTIONS = new Set([
  '-t', '--tag', '-f', '--file', '--target', '--build-arg', '--platform', '--label', '--network', '--cache-from', '--cache-to',
  '--secret', '--ssh', '-o', '--output', '--progress', '--iidfile', '--add-host', '--build-context', '--builder', '--cgroup-parent',
  '--shm-size', '--ulimit', '--metadata-file', '--attest', '--annotation', '--allow', '--call', '-m', '--memory', '--memory-swap',
  '--cpu-shares', '--cpuset-cpus', '--isolation', '--security-opt',
]);

/** `app_api` and `docker.io/library/app_api:latest` alike: repository and tag (`latest` when none). */
export function imageKey(image: string): string {
  const { repo, tag, digest } = splitImage(image);
  return `${repo}:${tag || 'latest'}${digest ? `@${digest}` : ''}`;
}

const buildsCache = new WeakMap<Repository, Map<string, ExternalBuild>>();

export interface ExternalBuild {
  readonly image: string;
  readonly build: Build;
}

/**
 * The images the repository's scripts build, by `imageKey`, as compose would build them: `build.file`
 * is the script, the context and Dockerfile relative to its folder as compose reads them.
 */
export function externalBuilds(repo: Repository): ReadonlyMap<string, ExternalBuild> {
  // Asked by the compose services (idiom 11) and by FROM lines (idiom 9): the scripts are read once.
  const cached = buildsCache.get(repo);
  if (cached) return cached;
  const out = new Map<string, ExternalBuild>();
  const scripts = repo.contextPaths().filter((path) => BUILD_SCRIPT.test(path)).slice(0, MAX_SCRIPTS);
  for (const path of scripts) {
    const file = repo.peek(path);
    if (!file || !/\bdocker\b/.test(file.text)) continue;
    for (const words of parseInstallScript(file.text).commands) {
      const values = words.map((w) => w.value);
      const at = values.findIndex((v, i) => /^[@-]*docker$/.test(basename(v)) && (values[i + 1] === 'build' || (values[i + 2] === 'build' && (values[i + 1] === 'buildx' || values[i + 1] === 'image'))));
      if (at < 0) continue;
      const parsed = buildCommand(values.slice(values[at + 1] === 'build' ? at + 2 : at + 3));
      if (!parsed) continue;
      const located = locate(repo, path, parsed.context, parsed.dockerfile);
      if (!located) continue;
      const line = file.lines.position(words[at]!.span.start).line;
      const dir = repoDirname(path);
      const build: Build = {
        context: posix.relative(dir, located.context) || '.',
        dockerfile: posix.relative(located.context, located.dockerfile),
        target: parsed.target,
        args: parsed.args,
        line,
        span: { start: words[at]!.span.start, end: words[words.length - 1]!.span.end },
        file: path,
      };
      for (const tag of parsed.tags) if (!out.has(imageKey(tag))) out.set(imageKey(tag), { image: tag, build });
    }
  }
  buildsCache.set(repo, out);
  return out;
}

interface BuildCommand {
  readonly tags: readonly string[];
  readonly dockerfile: string | null;
  readonly context: string;
  readonly target: string | null;
  readonly args: Record<string, string>;
}

/** The options and context of `docker build …` (the words after `build`); null when any part is not literal. */
function buildCommand(words: readonly string[]): BuildCommand | null {
  const tags: string[] = [];
  const args: Record<string, string> = {};
  let dockerfile: string | null = null;
  let target: string | null = null;
  let context: string | null = null;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word.startsWith('-')) {
      const eq = word.startsWith('--') ? word.indexOf('=') : -1;
      const name = eq > 0 ? word.slice(0, eq) : word.length > 2 && !word.startsWith('--') && VALUE_OPTIONS.has(word.slice(0, 2)) ? word.slice(0, 2) : word;
      let value: string | undefined;
      if (eq > 0) value = word.slice(eq + 1);
      else if (name !== word) value = word.slice(2);
      else if (VALUE_OPTIONS.has(name)) value = words[++i];
      if (value === undefined) continue;
      if (name === '-t' || name === '--tag') tags.push(value);
      else if (name === '-f' || name === '--file') dockerfile = value;
      else if (name === '--target') target = value;
      else if (name === '--build-arg' && value.includes('=')) args[value.slice(0, value.indexOf('='))] = value.slice(value.indexOf('=') + 1);
      continue;
    }
    if (context !== null) return null; // a second positional: not a docker build we understand
    context = word;
  }
  const literal = (v: string | null): boolean => v === null || !/[$`]/.test(v);
  const usable = tags.filter((t) => literal(t) && t !== '');
  if (context === null || context === '-' || /^[a-z]+:\/\/|^git@/i.test(context) || usable.length === 0) return null;
  if (!literal(context) || !literal(dockerfile) || !literal(target)) return null;
  return { tags: usable, dockerfile, context, target, args };
}

/**
 * The repository paths of the context and the Dockerfile. `-f` is relative to the working
 * directory, not the context: a Makefile and a CI workflow run from their own folder or the
 * repository's top, so each is tried, and only a Dockerfile the repository holds links.
 */
function locate(repo: Repository, script: string, context: string, dockerfile: string | null): { context: string; dockerfile: string } | null {
  const bases = [...new Set([repoDirname(script), ''])];
  for (const base of bases) {
    const contextPath = repoJoin(base, context);
    const dockerfilePath = dockerfile === null ? repoJoin(contextPath, 'Dockerfile') : repoJoin(base, dockerfile);
    if (escapesRoot(contextPath) || escapesRoot(dockerfilePath)) continue;
    if (repo.dockerfileAt(dockerfilePath)) return { context: contextPath, dockerfile: dockerfilePath };
  }
  return null;
}
