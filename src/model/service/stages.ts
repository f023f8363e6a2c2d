// Stage simulation: the image file set per stage (COPY/ADD, COPY --from), the stage chain the
// final stage inherits, the install steps of each stage, and local packages installed into
// site-packages.
import { basePythonPackages } from '../../knowledge/base-images.js';
import type { DockerfileModel } from '../../parsers/types.js';
import { imageResolve } from '../../util/paths.js';
import type { DockerIgnore } from '../dockerignore.js';
import { findStage, simulateStages, type StageState } from '../image.js';
import type { Repository } from '../repository.js';
import type { InstallStep } from '../types.js';
import type { BuildSpec, RepoImage, RepoImages } from './context.js';
import { type CollectedInstalls, collectInstalls, opaqueInstalls, scriptInstallSteps, splitExtras } from './installs.js';
import { appendAll } from '../../util/arrays.js';

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
export function simulateAndCollect(repo: Repository, spec: BuildSpec, dockerfile: DockerfileModel, dockerignore: DockerIgnore, images: RepoImages | null = null): Built | null {
  const baseOf = images ? (image: string): StageState | null => images.resolve(image)?.final ?? null : undefined;
  let built: Built | null = null;
  for (let round = 0; round < 3; round++) {
    const known = repo.repoPaths().length;
    // The context's membership is shared by every service building from it (Repository.contextFiles):
    // only a round that loaded new files computes it again, from the .dockerignore's memo.
    const contextFiles = repo.contextFiles(spec.context, dockerignore);
    const stages = simulateStages({ dockerfilePath: spec.dockerfilePath, dockerfile, context: spec.context, repoFiles: repo.contextPaths(), dockerignore, contextFiles, unwalkedDirs: repo.unwalkedDirs(), onDisk: (path) => repo.onDisk(path), ...(baseOf ? { baseOf } : {}) });
    const final = (spec.target ? findStage(stages, spec.target) : undefined) ?? stages[stages.length - 1];
    if (!final) return null;
    const chain = stageChain(stages, final);
    const installStages = withInstallSources(stages, chain);
    const installs = installStages.flatMap((state) => installSteps(repo, spec.dockerfilePath, state));
    const collected = collectInstalls(repo, spec, stages, installs);
    const repoBase = (state: StageState): RepoImage | null => (state.stage.from.stageRef === null && state.stage.from.image !== '' ? (images?.resolve(state.stage.from.image) ?? null) : null);
    appendAll(collected.unknownInstalls, opaqueInstalls(repo, spec.dockerfilePath, installStages, (image) => (images?.resolve(image) ?? null) !== null));
    for (const state of installStages) for (const key of basePythonPackages(state.stage.from.stageRef === null ? state.stage.from.image : '') ?? []) collected.installedKeys.add(key);
    // `FROM acme/api:1.0` that the repository builds: what that image installs is installed here.
    for (const state of installStages) {
      const base = repoBase(state);
      if (!base) continue;
      for (const key of base.installedKeys) collected.installedKeys.add(key);
      appendAll(collected.unknownInstalls, base.unknownInstalls);
      appendAll(collected.localPackageDirs, base.localPackageDirs);
    }
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
export function installLocalPackages(stages: readonly StageState[], final: StageState, installs: readonly InstallStep[], sitePackages: string): void {
  const addedAt = final.stage.instructions.length;
  for (const step of installs) {
    const fs = stages[step.stage]?.fs;
    if (!fs) continue;
    for (const local of step.pip.localPaths) {
      const dir = imageResolve(step.workdir, splitExtras(local.path).path);
      const srcLayout = `${dir === '/' ? '' : dir}/src`;
      const root = fs.hasPythonUnder(srcLayout) ? srcLayout : dir;
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
    chain.push(current);
    const ref: number | null = current.stage.from.stageRef;
    current = ref === null ? undefined : stages[ref];
  }
  return chain.reverse();
}

/**
 * The chain plus stages whose site-packages/venv are copied in (and their own chains).
 * Iterative with a work list, and each stage is expanded once: a walk up a FROM chain stops at
 * the first stage already included (its ancestors are included with it), so thousands of chained
 * stages neither overflow the stack nor re-walk the chain per stage.
 */
function withInstallSources(stages: readonly StageState[], chain: readonly StageState[]): StageState[] {
  const out = new Map<number, StageState>();
  const pending: StageState[] = [...chain];
  for (let next = pending.pop(); next; next = pending.pop()) {
    for (let current: StageState | undefined = next; current && !out.has(current.stage.index); ) {
      out.set(current.stage.index, current);
      for (const from of current.installsFrom) {
        const source = stages[from];
        if (source && !out.has(from)) pending.push(source);
      }
      const ref: number | null = current.stage.from.stageRef;
      current = ref === null ? undefined : stages[ref];
    }
  }
  return [...out.values()].sort((a, b) => a.stage.index - b.stage.index);
}

function installSteps(repo: Repository, dockerfilePath: string, state: StageState): InstallStep[] {
  const steps: InstallStep[] = [];
  state.stage.instructions.forEach((instruction, index) => {
    if (instruction.kind !== 'run') return;
    for (const pip of instruction.pipInstalls) {
      steps.push({ file: dockerfilePath, line: pip.line, span: pip.span, pip, stage: state.stage.index, instructionIndex: index, workdir: state.workdirAt[index] ?? '/' });
    }
    appendAll(steps, scriptInstallSteps(repo, state, index));
  });
  return steps;
}
