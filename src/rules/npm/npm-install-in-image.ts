import type { Fix } from '../../findings/types.js';
import type { StageState } from '../../model/image.js';
import { lockDrift } from '../../model/npm-lock.js';
import type { Project, Service } from '../../model/types.js';
import type { NpmInstall, RunInstruction } from '../../parsers/types.js';
import { imageResolve, relativeTo, repoDirname, repoJoin } from '../../util/paths.js';
import { defineRule } from '../define-rule.js';
import { replaceSpan } from '../edits.js';

const VALUE_OPTIONS = new Set(['--prefix', '-C', '--workspace', '-w', '--cache', '--registry', '--loglevel', '--userconfig', '--omit', '--include', '--install-strategy']);
const LOCKS = ['package-lock.json', 'npm-shrinkwrap.json'];

export default defineRule({
  meta: {
    id: 'NPM002',
    name: 'npm-install-in-image',
    severity: 'warning',
    category: 'reproducibility',
    fix: 'sometimes',
    needs: [], // no service's run files (ModelPart)
    summary: '`npm install` where a lockfile exists (use `npm ci`), or the lockfile is not in the image',
    hadolint: ['DL3016'],
    docs: `## What it does
Looks at every \`npm install\`/\`npm ci\` a Dockerfile runs (in any stage) against the
\`package.json\` in its working directory:
- \`npm install\` while \`package-lock.json\` is in the image: it may re-resolve and rewrite the lock
  (warning; use \`npm ci\`);
- the repository has a \`package-lock.json\` next to that \`package.json\`, but it is not in the image
  when the command runs — never copied, copied later, or left out by \`.dockerignore\`: \`npm install\`
  resolves fresh versions (warning), \`npm ci\` fails the build (error).
\`npm install <package>\` and \`npm install -g\` add packages rather than install the project's, and are
not flagged.

## Why is this bad?
The image ships dependency versions nobody locked or reviewed, and two builds of one commit differ.

## Example
\`\`\`
COPY package*.json ./
RUN npm install
\`\`\`

Use instead: \`RUN npm ci\`.

## Fix safety
The fix replaces \`install\` with \`ci\`. It is safe when the lock is copied before that RUN and agrees
with package.json (see NPM001), and unsafe when they disagree (npm ci would then fail).

## References
- npm documentation: npm ci ("for automated environments ... it will never write to package.json or any of the package-locks")
- hadolint DL3016`,
  },
  check({ project, report }) {
    const seen = new Set<string>();
    for (const service of project.services) {
      if (!service.dockerfile || !service.dockerfilePath || service.context === null) continue;
      for (const state of service.stages) {
        state.stage.instructions.forEach((instruction, index) => {
          if (instruction.kind !== 'run') return;
          for (const npm of instruction.npmInstalls) {
            if (npm.command === 'other') continue;
            const where = `${service.dockerfilePath}:${npm.span.start}`;
            if (seen.has(where) || addsPackages(instruction, npm)) continue;
            const finding = check(project, service, state, index, npm);
            if (!finding) continue;
            seen.add(where);
            report({ file: service.dockerfilePath ?? '', span: npm.span, service: service.name, ...finding });
          }
        });
      }
    }
  },
});

/** `npm install express`, `npm i -g pm2`, `npm install --prefix x`: not the project's locked install. */
function addsPackages(instruction: RunInstruction, npm: NpmInstall): boolean {
  const command = instruction.commands.find((words) => words.some((w) => w.span.start === npm.span.start));
  if (!command) return true;
  const at = command.findIndex((w) => w.span.start === npm.span.start);
  const before = command.slice(0, at).map((w) => w.value);
  if (before.some((w) => w === '--prefix' || w === '-C' || w.startsWith('--prefix='))) return true;
  for (let i = at + 1; i < command.length; i++) {
    const word = command[i]?.value ?? '';
    if (word === '-g' || word === '--global' || word === '--prefix' || word.startsWith('--prefix=')) return true;
    if (VALUE_OPTIONS.has(word)) i++;
    else if (!word.startsWith('-')) return true;
  }
  return false;
}

type Finding = { severity: 'error' | 'warning'; message: string; evidence: { file: string; line: number; message: string }[]; fix: Fix | null };

function check(project: Project, service: Service, state: StageState, index: number, npm: NpmInstall): Finding | null {
  const dockerfile = service.dockerfilePath ?? '';
  const workdir = state.workdirAt[index] ?? '/';
  const pkg = state.fs.file(imageResolve(workdir, 'package.json'), index);
  if (!pkg) return null;
  const repoDir = repoDirname(pkg.repoPath);
  const lockRepo = LOCKS.map((name) => repoJoin(repoDir, name)).find((path) => project.files.has(path));
  if (!lockRepo) return null;
  const lockName = lockRepo.slice(lockRepo.lastIndexOf('/') + 1);
  const inImage = state.fs.file(imageResolve(workdir, lockName), index);
  const evidence = [{ file: dockerfile, line: npm.line, message: `runs in ${workdir}, whose package.json is ${pkg.repoPath}` }];
  if (inImage) {
    if (npm.command !== 'install') return null;
    const file = project.files.get(dockerfile);
    const inSync = lockInSync(project, pkg.repoPath, lockRepo);
    return {
      severity: 'warning',
      message: `"npm install" in the image of service "${service.name}" while ${lockRepo} is copied in: it may re-resolve versions and rewrite the lock; use "npm ci"`,
      evidence: [...evidence, { file: dockerfile, line: npm.line, message: `${inImage.imagePath} (${lockRepo}) is already in the image` }],
      fix: file ? { title: 'Use npm ci', applicability: inSync ? 'safe' : 'unsafe', edits: [replaceSpan(file, npm.span, 'ci')] } : null,
    };
  }
  const ignoredLine = service.dockerignore?.ignoredBy(relativeTo(lockRepo, service.context ?? '')) ?? null;
  const later = state.fs.file(imageResolve(workdir, lockName));
  const why = ignoredLine !== null ? `.dockerignore leaves ${lockRepo} out of the build context` : later ? `${lockRepo} is copied only after this RUN` : `no COPY brings ${lockRepo} into the image`;
  if (ignoredLine !== null) evidence.push({ file: repoJoin(service.context ?? '', '.dockerignore'), line: ignoredLine, message: `excludes ${lockName}` });
  else if (later) evidence.push({ file: later.copiedBy.file, line: later.copiedBy.line, message: `copies ${lockRepo}, too late` });
  return npm.command === 'ci'
    ? { severity: 'error', message: `"npm ci" in the image of service "${service.name}" fails: ${why}`, evidence, fix: null }
    : { severity: 'warning', message: `"npm install" in the image of service "${service.name}" ignores the lockfile: ${why}, so versions are resolved afresh`, evidence, fix: null };
}

function lockInSync(project: Project, pkgPath: string, lockPath: string): boolean {
  const pkg = project.jsonAt(pkgPath);
  const lock = project.jsonAt(lockPath);
  if (!pkg || !lock) return false;
  const drift = lockDrift(pkg, lock);
  return drift !== null && !drift.some((d) => d.kind !== 'extraneous');
}
