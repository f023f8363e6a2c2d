// Questions rules ask of the model, kept here so rules stay small and never re-derive facts.
import type { PyImport, Requirement } from '../parsers/types.js';
import { imageResolve, isUnder, repoDirname, repoJoin } from '../util/paths.js';
import { splitExtras } from './service/index.js';
import { normalizeName, olderReleaseRequires, transitiveClosure, type DistributionGuess } from './module-map.js';
import { findModule, moduleOnDisk, relativeBase } from './resolve.js';
import { isDevRequirementsName } from './python-projects.js';
import { isStdlib } from '../knowledge/stdlib.js';
import type { CommandPart, Project, RunFile, Service } from './types.js';

export type ImportClass =
  | { readonly kind: 'stdlib' }
  | { readonly kind: 'local' }
  | { readonly kind: 'first-party-missing'; readonly candidates: readonly string[] }
  | { readonly kind: 'third-party'; readonly top: string; readonly guess: DistributionGuess };

const declaredCache = new WeakMap<Project, ReadonlySet<string>>();

/** Normalised names of every distribution any requirements file in the repo mentions. */
export function declaredAnywhere(project: Project): ReadonlySet<string> {
  const cached = declaredCache.get(project);
  if (cached) return cached;
  const keys = new Set<string>();
  for (const model of project.requirements.values()) for (const r of model.requirements) keys.add(r.key);
  declaredCache.set(project, keys);
  return keys;
}

/**
 * Answers of classifyImport per project and service, for imports whose answer is not the importing
 * file's: by module, then by imported names (keys are the scanner's shared strings when there is
 * at most one name, so the memo adds no strings of its own).
 */
const classCache = new WeakMap<Project, WeakMap<Service, Map<string, Map<string, ImportClass>>>>();
const MEMO_MIN_RUN_FILES = 256;

/**
 * How an import resolves for a service. An absolute import's answer depends on the file only in
 * project mode (its own folder is on sys.path), so elsewhere it is remembered per module and names:
 * a service running 2,000 files asks about the same modules thousands of times (issue #15, onyx).
 */
export function classifyImport(project: Project, service: Service, file: RunFile, imp: PyImport): ImportClass {
  if (imp.level > 0) return classifyRelative(project, service, file, imp);
  // Only services running many files repeat a module often enough to pay for the memo's memory
  // (onyx: 2,000 files a service, −0.4 s; the 10k bench tree: 50, +4 MiB of peak RSS and no gain).
  if (service.project?.codeRoots || service.runFiles.length < MEMO_MIN_RUN_FILES) return classifyAbsolute(project, service, file, imp);
  let byService = classCache.get(project);
  if (!byService) classCache.set(project, (byService = new WeakMap()));
  let modules = byService.get(service);
  if (!modules) byService.set(service, (modules = new Map()));
  let answers = modules.get(imp.module);
  if (!answers) modules.set(imp.module, (answers = new Map()));
  const names = imp.names.length === 0 ? '' : imp.names.length === 1 ? (imp.names[0] ?? '') : imp.names.join('\0');
  let answer = answers.get(names);
  if (answer === undefined) answers.set(names, (answer = classifyAbsolute(project, service, file, imp)));
  return answer;
}

function classifyAbsolute(project: Project, service: Service, file: RunFile, imp: PyImport): ImportClass {
  const parts = imp.module.split('.');
  const top = parts[0] ?? '';
  if (top === '__future__' || isStdlib(top, service.pythonVersion)) return { kind: 'stdlib' };
  if (project.firstParty.isKnown(top)) return { kind: 'local' };
  // Project mode: the project's code roots are on sys.path (`src/`, or the folders `projects:`
  // names), and so is a script's own folder (`python src/foo.py` imports its sibling `foobar`).
  const roots = service.project?.codeRoots;
  if (roots && [...roots, repoDirname(file.repoPath)].some((dir) => project.firstParty.providesAt(dir, top))) return { kind: 'local' };
  const fs = service.final?.fs;
  const guess = distributionOf(project, imp);
  const hit = fs ? findModule(fs, service.pythonPath, parts) : null;
  // A folder without __init__.py (an `alembic/` migrations dir) loses to the installed package.
  if (hit && !(hit.namespace && looksThirdParty(project, service, guess))) return { kind: 'local' };
  // Code the image copies from a git-ignored folder the walk did not enter: on disk, so in the
  // build context; what it holds is not audited, but it is not absent.
  if (!hit && fs && !looksThirdParty(project, service, guess) && moduleOnDisk(project.onDisk, fs, service.pythonPath, parts)) return { kind: 'local' };
  const candidates = project.firstParty.candidates(imp.module, imp.names);
  if (candidates.length > 0) {
    if (!fs) return { kind: 'local' };
    if (!looksThirdParty(project, service, guess)) {
      // The package is in the image but this submodule is not: missing when the repository has
      // it (excluded by .dockerignore, not copied), else an attribute of the package.
      const topHit = findModule(fs, service.pythonPath, [top]);
      if (topHit && !candidates.some((c) => project.firstParty.hasModuleAt(c, imp.module))) return { kind: 'local' };
      return { kind: 'first-party-missing', candidates };
    }
  }
  return { kind: 'third-party', top, guess };
}

/**
 * `from google.cloud import storage` names its distribution through `google.cloud.storage`, so
 * the imported names are tried as submodules before the module itself.
 */
export function distributionOf(project: Project, imp: PyImport): DistributionGuess {
  for (const name of imp.names) {
    if (name === '*') continue;
    const sub = project.moduleMap.lookup(`${imp.module}.${name}`);
    if (sub.source !== 'guess') return sub;
  }
  return project.moduleMap.lookup(imp.module);
}

/**
 * A name the repo also provides locally (`agents/`, `config/`) is third-party only when the build
 * or the repo's requirements really install that distribution; a table entry alone is not enough.
 */
function looksThirdParty(project: Project, service: Service, guess: DistributionGuess): boolean {
  const keys = guess.distributions.map(normalizeName);
  return keys.some((k) => service.installedKeys.has(k) || declaredAnywhere(project).has(k));
}

function classifyRelative(project: Project, service: Service, file: RunFile, imp: PyImport): ImportClass {
  if (imp.module === '') return { kind: 'local' };
  const parts = imp.module.split('.');
  const fs = service.final?.fs;
  if (!fs || file.imagePath === null) return { kind: 'local' };
  if (findModule(fs, [relativeBase(file.imagePath, imp.level)], parts) || moduleOnDisk(project.onDisk, fs, [relativeBase(file.imagePath, imp.level)], parts)) return { kind: 'local' };
  let repoBase = repoDirname(file.repoPath);
  for (let i = 1; i < imp.level; i++) repoBase = repoDirname(repoBase);
  const target = repoJoin(repoBase, ...parts);
  const inRepo = project.repoPaths.some((p) => p === `${target}.py` || isUnder(p, target));
  return inRepo ? { kind: 'first-party-missing', candidates: [target] } : { kind: 'local' };
}

const mainFileCache = new WeakMap<Service, string | null>();

/**
 * The image path of the file the command starts as `__main__` (`python x.py`, `python -m pkg.mod`,
 * `python -m pkg` runs pkg/__main__.py), or null: only there does `if __name__ == "__main__":` run.
 */
export function mainFileOf(service: Service): string | null {
  let main = mainFileCache.get(service);
  if (main === undefined) {
    main = null;
    const entry = service.entry;
    const fs = service.final?.fs;
    if (entry?.script && entry.runner.startsWith('python')) main = imageResolve(service.cwd, entry.script);
    else if (entry?.module && entry.runner.startsWith('python') && fs) {
      const parts = entry.module.split('.');
      const hit = findModule(fs, service.pythonPath, parts);
      const file = hit?.files.at(-1);
      if (hit && file) main = file.imagePath.endsWith('/__init__.py') ? `${file.imagePath.slice(0, -'__init__.py'.length)}__main__.py` : file.imagePath;
    }
    mainFileCache.set(service, main);
  }
  return main;
}

/**
 * The imports of a file that run in the service: an import in `if __name__ == "__main__":` runs
 * only in the file the command starts (there it is as unconditional as the rest); in a module it is
 * imported as, it never runs. In project mode (no command) it stays a conditional import.
 */
export function runningImports(project: Project, service: Service, file: RunFile): readonly PyImport[] {
  const imports = project.python.get(file.repoPath)?.imports ?? [];
  if (!imports.some((imp) => imp.mainBlock === true)) return imports;
  if (service.kind === 'project' || service.runFilesFrom !== 'entry') return imports.map((imp) => (imp.mainBlock === true ? { ...imp, conditional: true } : imp));
  const isMain = file.imagePath !== null && file.imagePath === mainFileOf(service);
  return isMain ? imports : imports.filter((imp) => imp.mainBlock !== true);
}

const missingCodeCache = new WeakMap<Service, readonly RunFile[]>();

/**
 * First-party code the service's code imports that its image lacks (MOD001), as repo files: the
 * modules named (`agents/core.py` for `import agents.core`, with the packages' `__init__.py`), and
 * what they import in turn. Their third-party imports are still the service's needs.
 */
export function missingFirstPartyFiles(project: Project, service: Service): readonly RunFile[] {
  let out = missingCodeCache.get(service);
  if (out) return out;
  const found = new Map<string, RunFile>();
  const known = new Set(service.runFiles.map((f) => f.repoPath));
  const queue: RunFile[] = [...service.runFiles];
  const add = (repoPath: string): void => {
    if (known.has(repoPath) || found.has(repoPath) || !project.python.has(repoPath)) return;
    const file = { repoPath, imagePath: null };
    found.set(repoPath, file);
    queue.push(file);
  };
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    for (const imp of runningImports(project, service, file)) {
      // Optional code (try/except ImportError) and test helpers are not what the service needs,
      // as MOD001 says.
      if (imp.typeChecking || imp.guarded || imp.level > 0 || /^(tests?|testing)(\.|$)/.test(imp.module)) continue;
      const cls = classifyImport(project, service, file, imp);
      if (cls.kind !== 'first-party-missing') continue;
      const parts = imp.module.split('.');
      for (const location of cls.candidates) {
        if (location.endsWith('.py')) {
          add(location);
          continue;
        }
        for (let n = 1; n <= parts.length; n++) add(repoJoin(location, ...parts.slice(1, n), '__init__.py'));
        const base = repoJoin(location, ...parts.slice(1));
        add(`${base}.py`);
        for (const name of imp.names) if (name !== '*') add(`${repoJoin(base, name)}.py`);
      }
    }
  }
  out = [...found.values()].sort((a, b) => (a.repoPath < b.repoPath ? -1 : 1));
  missingCodeCache.set(service, out);
  return out;
}

const transitiveCache = new WeakMap<Service, ReadonlyMap<string, string>>();

/**
 * What the service's installs pull in as well (well-known Requires-Dist, extras included), each
 * mapped to the installed distribution that brings it; computed once per service.
 */
export function transitiveOf(project: Project, service: Service): ReadonlyMap<string, string> {
  let closure = transitiveCache.get(service);
  if (!closure) {
    const withExtras = service.installed.filter((i) => !i.constraint).flatMap((i) => i.requirement.extras.map((e) => `${i.requirement.key}[${normalizeName(e)}]`));
    // Requires-Dist from an installed env or a lockfile adds to the bundled table.
    // A project's locks (a compiled requirements.txt beside its .in: `h11  # via uvicorn`) add theirs.
    const locked = service.project?.lockEdges;
    // An installed distribution pinned to an older release brings what that release required.
    const pins = new Map<string, string>();
    for (const i of service.installed) if (i.requirement.pin && !i.constraint && !pins.has(i.requirement.key)) pins.set(i.requirement.key, i.requirement.pin);
    for (const i of service.installed) if (i.requirement.pin && i.constraint && !pins.has(i.requirement.key)) pins.set(i.requirement.key, i.requirement.pin);
    const older = (key: string): readonly string[] => {
      const pin = pins.get(key);
      return pin ? olderReleaseRequires(key, pin) : [];
    };
    const dependencies = locked && locked.size > 0
      ? (key: string): string[] => [...project.metadata.dependencyNames(key), ...(locked.get(key) ?? []), ...older(key)]
      : (key: string): string[] => [...project.metadata.dependencyNames(key), ...older(key)];
    closure = transitiveClosure([...service.installedKeys, ...withExtras], dependencies, service.pythonVersion);
    transitiveCache.set(service, closure);
  }
  return closure;
}

/** Is any of these distributions installed by the service? Returns the installed key. */
export function installedKey(service: Service, distributions: readonly string[]): string | null {
  for (const dist of distributions) {
    const key = normalizeName(dist);
    if (service.installedKeys.has(key)) return key;
  }
  return null;
}

/** Exact pins for a distribution anywhere in the repo, most frequent first, then by path. */
export interface RepoPin {
  readonly version: string;
  readonly file: string;
  readonly requirement: Requirement;
}

const pinCache = new WeakMap<Project, ReadonlyMap<string, readonly RepoPin[]>>();

export function pinsInRepo(project: Project, key: string): readonly RepoPin[] {
  let index = pinCache.get(project);
  if (!index) {
    const byKey = new Map<string, RepoPin[]>();
    for (const path of [...project.requirements.keys()].sort()) {
      for (const requirement of project.requirements.get(path)?.requirements ?? []) {
        if (!requirement.pin) continue;
        const list = byKey.get(requirement.key) ?? [];
        list.push({ version: requirement.pin, file: path, requirement });
        byKey.set(requirement.key, list);
      }
    }
    for (const list of byKey.values()) {
      const count = (v: string): number => list.filter((o) => o.version === v).length;
      list.sort((a, b) => count(b.version) - count(a.version));
    }
    index = byKey;
    pinCache.set(project, index);
  }
  return index.get(key) ?? [];
}

/** The requirements file a fix adds to: the last runtime file the image installs directly (not via -r). */
export function primaryRequirementsFile(service: Service): string | null {
  const direct = service.installedFiles.filter((f) => f.chain.length === 1 && !f.constraint);
  // Layered installs (a core set in its own layer, then the rest): the last runtime file is the
  // one that completes the image and whose pins win; a dev or test file is never the place.
  const runtime = direct.filter((f) => !isDevRequirementsName(f.path));
  return (runtime.at(-1) ?? direct[0])?.path ?? null;
}

/** Evidence link for the command a service runs: "compose `command:` runs: uvicorn ...". */
export function commandEvidence(service: Service, part: CommandPart): { file: string; line: number; message: string } {
  const where = part.origin === 'compose' ? `compose \`${part.instruction}:\`` : part.instruction;
  return { file: part.file, line: part.line, message: `${where} runs: ${service.argv.join(' ')}` };
}

/** Human description of where an image gets its packages, for evidence chains. */
export function installSummary(service: Service): string {
  const direct = service.installedFiles.filter((f) => f.chain.length === 1).map((f) => f.path);
  const inline = service.installed.filter((i) => i.file === service.dockerfilePath).length;
  const parts = [...new Set(direct)];
  if (inline > 0) parts.push(`${inline} inline package${inline === 1 ? '' : 's'}`);
  return parts.length > 0 ? parts.join(', ') : 'no requirements';
}

/** Repo paths of the pyproject.toml files of local projects the image installs (`pip install .`). */
export function localPyprojects(service: Service): string[] {
  const out: string[] = [];
  for (const step of service.installs) {
    const fs = service.stages[step.stage]?.fs;
    for (const local of step.pip.localPaths) {
      const dir = imageResolve(step.workdir, splitExtras(local.path).path || '.');
      const file = fs?.file(`${dir === '/' ? '' : dir}/pyproject.toml`);
      if (file && !out.includes(file.repoPath)) out.push(file.repoPath);
    }
  }
  return out;
}
