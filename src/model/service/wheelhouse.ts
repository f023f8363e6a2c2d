// Wheelhouses (#16 idiom 1): a stage runs `pip wheel -w DIR -r F [pkgs]`, the installing stage gets
// DIR by `COPY --from=<stage>` or `RUN --mount=type=bind,from=<stage>,source=DIR`, or builds it
// itself, and installs `pip install [--no-index] [--find-links DIR] DIR/*` (or `DIR/*.whl`, `DIR`).
// What that installs is what the `pip wheel` steps built: F's set and the inline packages.
import { hasGlob, imageResolve, isUnder, relativeTo } from '../../util/paths.js';
import { findStage, type StageState } from '../image.js';
import type { InstallStep } from '../types.js';

export interface Wheelhouse {
  /** The `pip wheel` steps that fill the directory, in the stage that runs them. */
  readonly steps: InstallStep[];
  /** Why the directory may hold more than those steps built (a RUN that also writes into it). */
  readonly unknown: string | null;
}

/** A RUN that puts other files into a directory it names: downloads, copies, other builders. */
const OTHER_WRITERS = /\b(?:pip3?\s+download|cp|mv|curl|wget|uv\s+build|poetry\s+build|python\d?(?:\.\d+)?\s+-m\s+build|setup\.py\s+bdist_wheel)\b/;
const MAX_HOPS = 8;

/**
 * The `pip wheel` steps that built the wheels a local-path install reads (`/wheels/*`, `/wheels`),
 * or null when the path is not a wheelhouse driftcheck can follow.
 */
export function wheelhouseFor(stages: readonly StageState[], step: InstallStep, written: string, dockerfileText: string): Wheelhouse | null {
  const dir = wheelDirOf(imageResolve(step.workdir, written));
  if (dir === null) return null;
  const state = stages[step.stage];
  if (!state) return null;
  return follow(stages, state, step.instructionIndex, dir, instructionText(state, step.instructionIndex, dockerfileText), step.file, 0);
}

/** `/wheels/*`, `/wheels/*.whl` → `/wheels`; a plain directory stays; a single named file is not a wheelhouse. */
function wheelDirOf(path: string): string | null {
  const parts = path.split('/');
  const firstGlob = parts.findIndex((p) => hasGlob(p));
  if (firstGlob >= 0) return firstGlob === parts.length - 1 ? parts.slice(0, firstGlob).join('/') || '/' : null;
  return /\.(?:whl|tar\.gz|zip)$/i.test(path) ? null : path;
}

/** The RUN as written, with its `--mount` flags (RunInstruction.text starts after them). */
function instructionText(state: StageState, index: number, dockerfileText: string): string {
  const instruction = state.stage.instructions[index];
  return instruction?.kind === 'run' ? dockerfileText.slice(instruction.span.start, instruction.span.end) : '';
}

/** Where the files of `dir` at instruction `before` of `state` come from, back to the `pip wheel` steps. */
function follow(stages: readonly StageState[], state: StageState, before: number, dir: string, runText: string, file: string, hops: number): Wheelhouse | null {
  if (hops > MAX_HOPS) return null;
  // `RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels pip install /wheels/*`
  for (const match of runText.matchAll(/--mount=(\S+)/g)) {
    const fields = new Map((match[1] ?? '').split(',').map((kv) => [kv.split('=')[0] ?? '', kv.slice(kv.indexOf('=') + 1)] as const));
    const from = fields.get('from');
    const target = fields.get('target') ?? fields.get('dst') ?? fields.get('destination');
    if ((fields.get('type') ?? 'bind') !== 'bind' || !from || !target) continue;
    const mountPoint = imageResolve(state.workdirAt[before] ?? '/', target);
    if (!isUnder(dir, mountPoint)) continue;
    const source = findStage(stages, from);
    if (!source) return null; // an external image: its wheels are not ours to know
    const sourceDir = joinDir(imageResolve('/', fields.get('source') ?? fields.get('src') ?? '/'), relativeTo(dir, mountPoint));
    return follow(stages, source, source.stage.instructions.length, sourceDir, '', file, hops + 1);
  }
  const steps: InstallStep[] = [];
  let unknown: string | null = null;
  let copied: Wheelhouse | null = null;
  for (const s of chainOf(stages, state)) {
    const limit = s === state ? before : s.stage.instructions.length;
    s.stage.instructions.slice(0, limit).forEach((instruction, index) => {
      const workdir = s.workdirAt[index] ?? '/';
      if (instruction.kind === 'run') {
        let built = false;
        for (const wheel of instruction.pipWheels) {
          if (imageResolve(workdir, wheel.wheelDir) !== dir) continue;
          built = true;
          steps.push({ file, line: wheel.line, span: wheel.span, pip: wheel, stage: s.stage.index, instructionIndex: index, workdir });
        }
        if (!built && instruction.text.includes(dir) && OTHER_WRITERS.test(instruction.text)) unknown ??= `a RUN at line ${instruction.line} may also put files into ${dir}`;
        return;
      }
      if (instruction.kind !== 'copy') return;
      const dest = imageResolve(workdir, instruction.dest.value);
      if (!isUnder(dir, dest) && !isUnder(dest, dir)) return;
      if (instruction.from === null) {
        unknown ??= `COPY at line ${instruction.line} puts files from the build context into ${dir}`;
        return;
      }
      const source = findStage(stages, instruction.from);
      if (!source || !isUnder(dir, dest)) {
        unknown ??= `COPY --from=${instruction.from} at line ${instruction.line} puts files driftcheck cannot list into ${dir}`;
        return;
      }
      for (const src of instruction.sources) {
        const srcPath = imageResolve('/', src.value);
        const srcDir = hasGlob(srcPath) ? wheelDirOf(srcPath) : joinDir(srcPath, relativeTo(dir, dest));
        const found = srcDir === null ? null : follow(stages, source, source.stage.instructions.length, srcDir, '', file, hops + 1);
        if (found === null) unknown ??= `COPY --from=${instruction.from} at line ${instruction.line} brings ${dir} from a stage driftcheck cannot follow`;
        else {
          copied = found;
          steps.push(...found.steps);
          unknown ??= found.unknown;
        }
      }
    });
  }
  return steps.length > 0 || copied !== null ? { steps, unknown } : null;
}

function joinDir(dir: string, rel: string): string {
  if (rel === '' || rel === '.') return dir;
  return dir === '/' ? `/${rel}` : `${dir}/${rel}`;
}

/** The stage and every stage it is built FROM, root first. */
function chainOf(stages: readonly StageState[], state: StageState): StageState[] {
  const chain: StageState[] = [];
  const seen = new Set<number>();
  for (let current: StageState | undefined = state; current && !seen.has(current.stage.index); ) {
    seen.add(current.stage.index);
    chain.unshift(current);
    const ref: number | null = current.stage.from.stageRef;
    current = ref === null ? undefined : stages[ref];
  }
  return chain;
}
