// What a Dockerfile stage knows about its Node and npm, for the NPM rules (not a rule itself):
// the official `node` image it is built FROM (through `FROM <stage>` chains and compose build
// args), unless a RUN before the point in question installs another Node or npm.
import { imageNode, type ImageNode } from '../../knowledge/node-versions.js';
import type { StageState } from '../../model/image.js';
import type { Service } from '../../model/types.js';

export interface StageNode {
  readonly node: ImageNode;
  /** The FROM that names the image (the root of the stage's chain). */
  readonly image: string;
  readonly line: number;
}

/** Programs that install or switch Node versions. */
const NODE_MANAGERS = new Set(['nvm', 'n', 'fnm', 'volta', 'nodenv', 'asdf', 'mise']);

/**
 * The Node a stage runs at instruction `before` (default: after its last one; that RUN counts); null when the
 * base is not an official node image with a versioned tag, or a RUN up the chain installs Node
 * another way (nvm, n, apt/apk nodejs, ...).
 */
export function stageNode(service: Service, state: StageState, before = Number.POSITIVE_INFINITY): StageNode | null {
  const chain = chainOf(service, state);
  const root = chain[0];
  if (!root) return null;
  const image = fromImage(service, root);
  const node = image === null ? null : imageNode(image);
  if (!node || image === null) return null;
  for (const stage of chain) {
    const limit = stage === state ? before : Number.POSITIVE_INFINITY;
    const changes = stage.stage.instructions.some((ins, i) => i <= limit && ins.kind === 'run' && (ins.systemPackages.some((p) => /^nodejs(?:$|[-=])/.test(p)) || ins.commands.some((words) => NODE_MANAGERS.has(programOf(words[0]?.value ?? '')))));
    if (changes) return null;
  }
  return { node, image, line: root.stage.from.line };
}

/** True when a RUN up the chain (up to instruction `before` of `state`, included) installs another npm (`npm i -g npm@9`, corepack). */
export function npmReplaced(service: Service, state: StageState, before = Number.POSITIVE_INFINITY): boolean {
  for (const stage of chainOf(service, state)) {
    const limit = stage === state ? before : Number.POSITIVE_INFINITY;
    for (const [i, ins] of stage.stage.instructions.entries()) {
      if (i > limit || ins.kind !== 'run') continue;
      for (const words of ins.commands) {
        const program = programOf(words[0]?.value ?? '');
        const rest = words.slice(1).map((w) => w.value);
        if ((program === 'npm' || program === 'corepack' || program === 'pnpm' || program === 'yarn') && rest.some((w) => w === 'npm' || w.startsWith('npm@'))) return true;
      }
    }
  }
  return false;
}

function programOf(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** The stage and the stages it is built FROM, root first. */
function chainOf(service: Service, state: StageState): StageState[] {
  const chain: StageState[] = [];
  const seen = new Set<number>();
  for (let current: StageState | undefined = state; current && !seen.has(current.stage.index); ) {
    seen.add(current.stage.index);
    chain.push(current);
    const ref: number | null = current.stage.from.stageRef;
    current = ref === null ? undefined : service.stages[ref];
  }
  return chain.reverse();
}

/** The image a root stage's FROM names, with compose build args over the ARG defaults; null when a variable stays unknown. */
function fromImage(service: Service, root: StageState): string | null {
  const raw = root.stage.from.raw;
  const args = service.compose?.build?.args ?? {};
  if (!raw.includes('$')) return root.stage.from.image;
  let unknown = false;
  const overridden = raw.replace(/\$\{(\w+)(?::?-[^}]*)?\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const value = args[braced ?? bare ?? ''];
    if (value === undefined) unknown = true;
    return value ?? whole;
  });
  if (!unknown) return overridden;
  // Only ARG defaults are involved: the parser expanded them into `image`.
  const passed = [...raw.matchAll(/\$\{(\w+)|\$(\w+)/g)].some((m) => args[m[1] ?? m[2] ?? ''] !== undefined);
  return passed || root.stage.from.image.includes('$') ? null : root.stage.from.image;
}
