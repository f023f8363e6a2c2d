import type { Fix } from '../../findings/types.js';
import type { StageState } from '../../model/image.js';
import { lockInSync } from '../../model/npm-lock.js';
import type { Project, Service } from '../../model/types.js';
import type { NpmInstall } from '../../parsers/types.js';
import { imageResolve, relativeTo, repoDirname, repoJoin } from '../../util/paths.js';
import { defineRule } from '../define-rule.js';
import { replaceSpan } from '../edits.js';

/** The lockfiles each tool reads, in the order it looks for them. */
const LOCKS: Readonly<Record<NpmInstall['tool'], readonly string[]>> = {
  npm: ['npm-shrinkwrap.json', 'package-lock.json'],
  yarn: ['yarn.lock'],
  pnpm: ['pnpm-lock.yaml'],
  bun: ['bun.lock', 'bun.lockb'],
};

export default defineRule({
  meta: {
    id: 'NPM002',
    name: 'npm-install-in-image',
    severity: 'warning',
    category: 'reproducibility',
    fix: 'sometimes',
    needs: [], // no service's run files (ModelPart)
    // The npm fix is safe only when the lock's graph is in sync.
    npmGraphs: true,
    summary: '`npm install` (or yarn/pnpm/bun without a frozen lockfile) where a lockfile exists, or the lockfile is not in the image',
    hadolint: ['DL3016'],
    docs: `## What it does
Looks at every npm, yarn, pnpm and bun install a Dockerfile runs (in any stage) against the
\`package.json\` in its working directory and the lockfile of that tool beside it in the repository
(\`package-lock.json\`/\`npm-shrinkwrap.json\`, \`yarn.lock\`, \`pnpm-lock.yaml\`, \`bun.lock\`/\`bun.lockb\`):
- an install that may depart from the lock while the lock is in the image (warning): \`npm install\`
  (use \`npm ci\`), \`yarn install\` or a bare \`yarn\` without \`--frozen-lockfile\` (yarn 1) or
  \`--immutable\` (yarn 2+), \`pnpm install\` without \`--frozen-lockfile\`, \`bun install\` without
  \`--frozen-lockfile\`;
- the lock is in the repository but not in the image when the install runs — never copied, copied
  later, or left out by \`.dockerignore\`: an install that may resolve afresh does (warning); \`npm
  ci\`, \`pnpm install --frozen-lockfile\` and \`yarn install --immutable\` fail the build (error);
  \`yarn --frozen-lockfile\` (yarn 1) and \`bun --frozen-lockfile\` resolve afresh or fail (warning).
Installs that add packages (\`npm install <package>\`, \`yarn add\`, \`pnpm add\`), global ones and
ones run in another folder (\`--prefix\`, \`--cwd\`, \`-C\`) are not flagged. pnpm and yarn 2+ are frozen
by default when \`CI\` is set: an \`ENV CI=...\` before the install counts as the option.

## Why is this bad?
The image ships dependency versions nobody locked or reviewed, and two builds of one commit differ.

## Example
\`\`\`
COPY package*.json ./
RUN npm install
\`\`\`

Use instead: \`RUN npm ci\` (\`yarn install --frozen-lockfile\`, \`pnpm install --frozen-lockfile\`,
\`bun install --frozen-lockfile\`).

## Fix safety
The npm fix replaces \`install\` with \`ci\`. It is safe when the lock is copied before that RUN and agrees
with package.json (see NPM001), and unsafe when they disagree (npm ci would then fail). The
yarn, pnpm and bun fixes add the frozen-lockfile option; they are unsafe, since driftcheck does not
check those locks against package.json and a stale one then fails the build.

## References
- npm documentation: npm ci ("for automated environments ... it will never write to package.json or any of the package-locks")
- yarn documentation: install --frozen-lockfile (1.x), --immutable (2+); pnpm install --frozen-lockfile; bun install --frozen-lockfile
- hadolint DL3016`,
  },
  check({ project, report }) {
    const seen = new Set<string>();
    const exists = existing(project);
    for (const service of project.services) {
      if (!service.dockerfile || !service.dockerfilePath || service.context === null) continue;
      for (const state of service.stages) {
        state.stage.instructions.forEach((instruction, index) => {
          if (instruction.kind !== 'run') return;
          for (const npm of instruction.npmInstalls) {
            if (npm.command === 'other') continue;
            const where = `${service.dockerfilePath}:${npm.span.start}`;
            if (seen.has(where)) continue;
            const finding = check(project, exists, service, state, index, npm);
            if (!finding) continue;
            seen.add(where);
            report({ file: service.dockerfilePath ?? '', span: npm.span, service: service.name, ...finding });
          }
        });
      }
    }
  },
});

type Finding = { severity: 'error' | 'warning'; message: string; evidence: { file: string; line: number; message: string }[]; fix: Fix | null };

/** Whether a repo path exists (read or not: yarn.lock and pnpm-lock.yaml are not read). */
function existing(project: Project): (path: string) => boolean {
  const paths = new Set([...project.repoPaths, ...project.otherPaths]);
  return (path) => paths.has(path) || project.files.has(path);
}

function check(project: Project, exists: (path: string) => boolean, service: Service, state: StageState, index: number, npm: NpmInstall): Finding | null {
  const dockerfile = service.dockerfilePath ?? '';
  const workdir = state.workdirAt[index] ?? '/';
  const pkg = state.fs.file(imageResolve(workdir, 'package.json'), index);
  if (!pkg) return null;
  const repoDir = repoDirname(pkg.repoPath);
  const lockRepo = LOCKS[npm.tool].map((name) => repoJoin(repoDir, name)).find(exists);
  if (!lockRepo) return null;
  const lockName = lockRepo.slice(lockRepo.lastIndexOf('/') + 1);
  const inImage = state.fs.file(imageResolve(workdir, lockName), index);
  const run = `${npm.tool} ${commandWord(project, dockerfile, npm)}`.trim();
  const evidence = [{ file: dockerfile, line: npm.line, message: `runs in ${workdir}, whose package.json is ${pkg.repoPath}` }];
  const berry = npm.tool === 'yarn' && yarnBerry(project, exists, repoDir);
  // pnpm and yarn 2+ install frozen when CI is set (pnpm: frozen-lockfile defaults to true in CI; yarn: enableImmutableInstalls).
  const frozenByCi = (npm.tool === 'pnpm' || berry) && state.env.has('CI') && !/^(false|0|)$/i.test(state.env.get('CI')?.value ?? '');
  if (inImage) {
    if (npm.command !== 'install' || frozenByCi) return null;
    const file = project.files.get(dockerfile);
    evidence.push({ file: dockerfile, line: npm.line, message: `${inImage.imagePath} (${lockRepo}) is already in the image` });
    if (npm.tool === 'npm') {
      const inSync = lockInSync(project.jsonAt(pkg.repoPath), project.jsonAt(lockRepo), project.npmGraphs.get(lockRepo));
      return {
        severity: 'warning',
        message: `"npm install" in the image of service "${service.name}" while ${lockRepo} is copied in: it may re-resolve versions and rewrite the lock; use "npm ci"`,
        evidence,
        fix: file ? { title: 'Use npm ci', applicability: inSync ? 'safe' : 'unsafe', edits: [replaceSpan(file, npm.span, 'ci')] } : null,
      };
    }
    const option = berry ? '--immutable' : '--frozen-lockfile';
    return {
      severity: 'warning',
      message: `"${run}" in the image of service "${service.name}" runs without ${option} while ${lockRepo} is copied in: it may resolve other versions and update the lock; add ${option}`,
      evidence,
      fix: file ? { title: `Add ${option}`, applicability: 'unsafe', edits: [replaceSpan(file, { start: npm.span.end, end: npm.span.end }, ` ${option}`)] } : null,
    };
  }
  const ignoredLine = service.dockerignore?.ignoredBy(relativeTo(lockRepo, service.context ?? '')) ?? null;
  const later = state.fs.file(imageResolve(workdir, lockName));
  const why = ignoredLine !== null ? `.dockerignore leaves ${lockRepo} out of the build context` : later ? `${lockRepo} is copied only after this RUN` : `no COPY brings ${lockRepo} into the image`;
  if (ignoredLine !== null) evidence.push({ file: repoJoin(service.context ?? '', '.dockerignore'), line: ignoredLine, message: `excludes ${lockName}` });
  else if (later) evidence.push({ file: later.copiedBy.file, line: later.copiedBy.line, message: `copies ${lockRepo}, too late` });
  if (npm.tool === 'npm') {
    return npm.command === 'ci'
      ? { severity: 'error', message: `"npm ci" in the image of service "${service.name}" fails: ${why}`, evidence, fix: null }
      : { severity: 'warning', message: `"npm install" in the image of service "${service.name}" ignores the lockfile: ${why}, so versions are resolved afresh`, evidence, fix: null };
  }
  const shown = npm.command === 'ci' ? `${run} ${npm.options.find((o) => /^--(frozen-lockfile|immutable|offline)/.test(o)) ?? ''}`.trim() : run;
  if (npm.command === 'ci' || frozenByCi) {
    // pnpm: ERR_PNPM_NO_LOCKFILE; yarn 2+: "The lockfile would have been created by this install, which is explicitly forbidden".
    const fails = npm.tool === 'pnpm' || berry || npm.options.includes('--immutable');
    return fails
      ? { severity: 'error', message: `"${shown}" in the image of service "${service.name}" fails: ${why}`, evidence, fix: null }
      : { severity: 'warning', message: `"${shown}" in the image of service "${service.name}" has no lockfile to hold to: ${why}, so it resolves versions afresh or fails`, evidence, fix: null };
  }
  return { severity: 'warning', message: `"${shown}" in the image of service "${service.name}" ignores the lockfile: ${why}, so versions are resolved afresh`, evidence, fix: null };
}

/** The subcommand as written (`install`, `i`), or '' for a bare `yarn`. */
function commandWord(project: Project, dockerfile: string, npm: NpmInstall): string {
  const word = project.files.get(dockerfile)?.text.slice(npm.span.start, npm.span.end) ?? '';
  return word === npm.tool || word.endsWith(`/${npm.tool}`) ? '' : word;
}

/** Yarn 2+ (berry): a .yarnrc.yml beside package.json or at the root, or `packageManager: yarn@2+`. */
function yarnBerry(project: Project, exists: (path: string) => boolean, dir: string): boolean {
  if (exists(repoJoin(dir, '.yarnrc.yml')) || exists('.yarnrc.yml')) return true;
  const manager = project.jsonAt(repoJoin(dir, 'package.json'))?.packageManager;
  return typeof manager === 'string' && /^yarn@([2-9]|\d{2,})/.test(manager);
}
