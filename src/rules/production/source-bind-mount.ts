import { composeValue } from '../../model/production.js';
import { imageResolve, isUnder, repoDirname, repoJoin, escapesRoot } from '../../util/paths.js';
import { defineRule } from '../define-rule.js';
import { claimer } from './common.js';

const CODE = /\.(py|js|mjs|cjs|ts|tsx|jsx|rb|php)$/;

export default defineRule({
  meta: {
    id: 'PROD008',
    name: 'source-bind-mount',
    severity: 'warning',
    category: 'production',
    fix: 'none',
    needs: [], // no service's run files (ModelPart)
    summary: 'A production compose service bind-mounts a source directory over the code its image ships',
    docs: `## What it does
Flags a bind mount in a production compose file whose host side is a directory of the repository
(\`./app\`, \`.\`, \`\${SRC:-./src}\` interpolated with \`.env\`) and whose container side covers code the
image was built with (\`COPY\`/\`ADD\` put \`.py\`/\`.js\`/... files at or under that path; the image file
set is simulated from the Dockerfile and \`.dockerignore\`). Single files (a config file mounted
read-only), named volumes, absolute host paths and mounts over directories the image leaves
empty (\`./data:/app/data\`) are not flagged. Compose override files and \`*dev*\`/\`*local*\`/\`*test*\`
files are where such mounts belong and are not checked. Production is what the base compose file(s) describe on their own (with \`extends\` resolved and
values interpolated from the \`.env\` beside the file); an override file never hides a base finding.

## Why is this bad?
The container runs whatever is in the host's checkout, not the code that was built, tested and
tagged: the image is no longer the release, and a stale or half-edited checkout on the server
becomes production. Dependencies installed in the image for one version of the code run another.

## Example
\`\`\`yaml
api:
  build: .          # COPY app/ /app/app/
  volumes:
    - ./app:/app/app
\`\`\`
Use instead: drop the mount in the production file and keep it in \`docker-compose.override.yml\`.

## References
- Docker documentation: Use Compose in production ("Removing any volume bindings for application
  code, so that code stays inside the container")`,
  },
  check({ project, report }) {
    const claim = claimer();
    for (const service of project.services) {
      const compose = service.compose;
      if (!service.production || !compose || !service.composeFile || !service.final) continue;
      for (const volume of compose.volumes) {
        if (volume.type !== 'bind' || !volume.source || !volume.target) continue;
        const source = composeValue(service, volume.source)?.value;
        const target = composeValue(service, volume.target)?.value;
        if (!source || !target || !target.startsWith('/') || !/^\.{1,2}(\/|$)/.test(source)) continue;
        const where = volume.file ?? service.composeFile;
        const dir = repoJoin(repoDirname(where), source);
        if (escapesRoot(dir)) continue;
        if (!project.repoPaths.some((p) => p !== dir && isUnder(p, dir))) continue; // not a directory of the repo
        const mountPoint = imageResolve('/', target);
        const shadowed = service.final.fs.under(mountPoint).filter((f) => CODE.test(f.imagePath)).sort((a, b) => (a.imagePath < b.imagePath ? -1 : 1));
        const first = shadowed[0];
        if (!first || !claim(where, volume.span)) continue;
        report({
          file: where,
          span: volume.span,
          service: service.name,
          message: `service "${service.name}" bind-mounts ${source} over ${mountPoint}, hiding the code its image ships (${shadowed.length} file${shadowed.length === 1 ? '' : 's'})`,
          evidence: [{ file: first.copiedBy.file, line: first.copiedBy.line, message: `copies ${first.repoPath} to ${first.imagePath}` }],
        });
      }
    }
  },
});
