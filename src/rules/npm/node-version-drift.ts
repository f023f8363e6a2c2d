// NPM003 node-version-drift: the Node an official node image runs (FROM node:<version>) against
// the `engines.node` of the package.json the image installs or runs.
import semver from 'semver';
import type { Span } from '../../findings/types.js';
import { imageNodeRange } from '../../knowledge/node-versions.js';
import type { StageState } from '../../model/image.js';
import type { Project } from '../../model/types.js';
import { imageResolve, repoDirname, repoJoin } from '../../util/paths.js';
import { defineRule } from '../define-rule.js';
import { stageNode } from './node-image.js';

export default defineRule({
  meta: {
    id: 'NPM003',
    name: 'node-version-drift',
    severity: 'error',
    category: 'correctness',
    fix: 'none',
    summary: "The image's Node is outside the engines.node its package.json declares",
    docs: `## What it does
Takes the Node of each stage from \`FROM node:<version>\` (\`node:18\`, \`node:20.11-alpine\`, \`node:iron\`;
through \`FROM <stage>\` chains and compose build args) and checks it against \`engines.node\` of:
- the package.json the final image runs (in the command's working directory): error when no release
  the tag can be satisfies the range (\`node:18\` is any 18.x);
- the package.json an install in any stage reads (npm, yarn, pnpm, bun): error for yarn 1, which
  refuses to install, and when the project's \`.npmrc\` sets \`engine-strict=true\`; otherwise a
  warning (npm and pnpm only print EBADENGINE, and the build runs on a Node the project does not
  support).
Not checked: images whose Node is not in the reference (\`node:lts\`, \`node:latest\`, other images),
stages where a RUN installs another Node (nvm, n, fnm, volta, apt/apk nodejs), and ranges semver
cannot read.

## Why is this bad?
The project says which Node it supports; the image runs another one. Syntax and APIs the code
relies on (\`fetch\`, \`node:test\`, \`--env-file\`, newer ECMAScript) are missing at run time, or a
dependency's native build fails, far from the line that caused it.

## Example
\`FROM node:18-alpine\` with \`"engines": { "node": ">=20" }\` in package.json.

Use instead: \`FROM node:20-alpine\` (or widen engines.node if the code really supports 18).

## References
- npm documentation: package.json engines; config engine-strict
- yarn 1 documentation: install --ignore-engines`,
  },
  check({ project, report }) {
    const seen = new Set<string>();
    for (const service of project.services) {
      if (!service.dockerfile || !service.dockerfilePath) continue;
      const dockerfile = service.dockerfilePath;
      const check = (state: StageState, before: number, pkgImagePath: string, role: { kind: 'runs'; line: number } | { kind: 'installs'; tool: string; line: number; span: Span }): void => {
        const pkg = state.fs.file(pkgImagePath, before);
        if (!pkg) return;
        const engines = enginesNode(project, pkg.repoPath);
        const node = stageNode(service, state, before);
        if (!engines || !node) return;
        const range = semver.validRange(engines.range);
        if (range === null || semver.intersects(imageNodeRange(node.node), range, { includePrerelease: false })) return;
        const key = `${service.name}\0${pkg.repoPath}\0${node.image}`;
        if (seen.has(key)) return;
        seen.add(key);
        const strict = role.kind === 'runs' || role.tool === 'yarn' || engineStrict(project, repoDirname(pkg.repoPath));
        const version = node.node.minor === null ? `Node ${node.node.major} (any ${node.node.major}.x)` : `Node ${node.node.major}.${node.node.minor}${node.node.patch === null ? '.x' : `.${node.node.patch}`}`;
        const consequence = role.kind === 'runs'
          ? 'the service runs on a Node the project does not support'
          : role.tool === 'yarn'
            ? 'yarn refuses to install ("The engine "node" is incompatible with this module")'
            : strict
              ? `${role.tool} refuses to install (engine-strict=true in .npmrc)`
              : `${role.tool} only warns (EBADENGINE), and the build runs on a Node the project does not support`;
        report({
          file: pkg.repoPath,
          span: engines.span,
          service: service.name,
          severity: strict ? 'error' : 'warning',
          message: `${pkg.repoPath} requires Node ${engines.range} (engines.node), but the image of service "${service.name}" ${role.kind === 'runs' ? 'runs' : 'installs it with'} ${version} from ${node.image}: ${consequence}`,
          evidence: [
            { file: dockerfile, line: node.line, message: `FROM ${node.image}: ${version}` },
            { file: pkg.repoPath, line: lineAt(project, pkg.repoPath, engines.span.start), message: `engines.node ${engines.range}` },
            { file: dockerfile, line: role.line, message: role.kind === 'runs' ? `the service runs in ${service.cwd}` : `${role.tool} installs ${pkg.imagePath}` },
          ],
          package: null,
        });
      };
      // The package.json the final image runs from (first: for one package.json and image, the run is what matters).
      const final = service.final;
      const command = service.command[service.command.length - 1];
      if (final && command) check(final, Number.POSITIVE_INFINITY, imageResolve(service.cwd, 'package.json'), { kind: 'runs', line: command.file === dockerfile ? command.line : final.stage.from.line });
      // Installs in every stage.
      for (const state of service.stages) {
        state.stage.instructions.forEach((instruction, index) => {
          if (instruction.kind !== 'run') return;
          for (const npm of instruction.npmInstalls) {
            if (npm.command === 'other') continue;
            check(state, index, imageResolve(state.workdirAt[index] ?? '/', 'package.json'), { kind: 'installs', tool: npm.tool, line: npm.line, span: npm.span });
          }
        });
      }
    }
  },
});

/** `engines.node` of a package.json, with the span of its value; null when absent or not a string. */
function enginesNode(project: Project, path: string): { range: string; span: Span } | null {
  const engines = project.jsonAt(path)?.engines;
  const range = typeof engines === 'object' && engines !== null ? (engines as Record<string, unknown>).node : undefined;
  if (typeof range !== 'string' || range.trim() === '') return null;
  const text = project.files.get(path)?.text ?? '';
  const section = /"engines"\s*:\s*\{/.exec(text);
  const key = section ? /"node"\s*:\s*"[^"]*"/.exec(text.slice(section.index)) : null;
  const start = section && key ? section.index + key.index : 0;
  return { range, span: { start, end: key ? start + key[0].length : 0 } };
}

/** `engine-strict=true` in the .npmrc beside the package.json. */
function engineStrict(project: Project, dir: string): boolean {
  const text = project.files.get(repoJoin(dir, '.npmrc'))?.text ?? '';
  let value = false;
  for (const line of text.split(/\r?\n|\r/)) {
    const m = /^\s*engine-strict\s*=\s*"?([^"#;\s]*)"?/.exec(line);
    if (m) value = m[1] === 'true';
  }
  return value;
}

function lineAt(project: Project, path: string, offset: number): number {
  return project.files.get(path)?.lines.position(offset).line ?? 1;
}
