// The Node.js an official `node` image runs, and the npm it ships, from the image reference alone.
// Sources: the nodejs/docker-node tags (`node:<major>[.<minor>[.<patch>]][-<variant>]`, LTS
// codenames as tags) and https://nodejs.org/dist/index.json (the npm bundled with each release:
// every Node 4-14 release ships npm 2-6, every Node 15+ release npm 7 or later).
// Moving tags (`latest`, `current`, `lts`, none) give null: the image's Node is not known.

export interface ImageNode {
  readonly major: number;
  /** Null when the tag names only the major (`node:18`) or a codename (`node:hydrogen`): any release of that line. */
  readonly minor: number | null;
  readonly patch: number | null;
  /** The tag as written (for messages). */
  readonly tag: string;
}

/** LTS codenames the official image uses as tags (`node:hydrogen-alpine`). */
const CODENAMES: Readonly<Record<string, number>> = {
  argon: 4, boron: 6, carbon: 8, dubnium: 10, erbium: 12, fermium: 14, gallium: 16, hydrogen: 18, iron: 20, jod: 22, krypton: 24,
};

/**
 * The Node of an official `node` image reference as written in FROM (`node:18-alpine`,
 * `docker.io/library/node:20.11.1-bookworm-slim`, `node:iron`); null for other images, unexpanded
 * variables and moving tags.
 */
export function imageNode(image: string): ImageNode | null {
  if (image.includes('$')) return null;
  const at = image.indexOf('@');
  const reference = at >= 0 ? image.slice(0, at) : image;
  const colon = reference.lastIndexOf(':');
  if (colon < 0 || colon < reference.lastIndexOf('/')) return null;
  const repo = reference.slice(0, colon).toLowerCase().replace(/^(docker\.io\/|index\.docker\.io\/|registry-1\.docker\.io\/)/, '').replace(/^library\//, '');
  if (repo !== 'node') return null;
  const tag = reference.slice(colon + 1);
  const numeric = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-|$)/.exec(tag);
  if (numeric) return { major: Number(numeric[1]), minor: numeric[2] === undefined ? null : Number(numeric[2]), patch: numeric[3] === undefined ? null : Number(numeric[3]), tag };
  const codename = /^([a-z]+)(?:-|$)/.exec(tag);
  const major = codename ? CODENAMES[codename[1] ?? ''] : undefined;
  return major === undefined ? null : { major, minor: null, patch: null, tag };
}

/** The highest npm major any release of a Node major bundles (Node 4-14), else null (15 and later: npm 7+). */
export function bundledNpmMajorAtMost(nodeMajor: number): number | null {
  if (nodeMajor <= 4) return 2;
  if (nodeMajor <= 7) return 4; // Node 6 ends at npm 3.10, Node 7 at npm 4.2
  if (nodeMajor <= 14) return 6; // Node 8.16+ ships npm 6.4; 10-14 end at npm 6.14
  return null;
}

/** The semver range of every release an image's Node can be (`node:18` → any 18.x; `node:18.19` → 18.19.x). */
export function imageNodeRange(node: ImageNode): string {
  if (node.minor === null) return `>=${node.major}.0.0 <${node.major + 1}.0.0-0`;
  if (node.patch === null) return `>=${node.major}.${node.minor}.0 <${node.major}.${node.minor + 1}.0-0`;
  return `${node.major}.${node.minor}.${node.patch}`;
}
