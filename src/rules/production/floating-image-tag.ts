import { splitImage } from '../../knowledge/base-images.js';
import { composeValue, productionDockerfile, unresolvedFrom } from '../../model/production.js';
import { defineRule } from '../define-rule.js';
import { claimer } from './common.js';

/** Why an image reference floats ('no tag' / ':latest'), or null when it is pinned or not judged. */
export function floating(image: string): string | null {
  if (image === '' || image.includes('$') || image.toLowerCase() === 'scratch') return null;
  const { tag, digest } = splitImage(image);
  if (digest) return null;
  if (tag === '') return 'has no tag (means :latest)';
  if (tag === 'latest') return 'uses :latest';
  return null;
}

export default defineRule({
  meta: {
    id: 'PROD004',
    name: 'floating-image-tag',
    severity: 'warning',
    category: 'reproducibility',
    fix: 'none',
    needs: [], // no service's run files (ModelPart)
    summary: 'FROM or compose image: without a tag or with :latest',
    hadolint: ['DL3006', 'DL3007'],
    docs: `## What it does
Flags base images (\`FROM\`) and compose \`image:\` references without a tag or with \`:latest\`,
in what production builds and runs. Not flagged: \`FROM <earlier stage>\`, \`FROM scratch\`,
digests (\`@sha256:...\`), images whose tag comes from a build \`ARG\` without a default, compose
\`image:\` of a service that also has \`build:\` (it names the tag compose builds), and compose
values whose variable is set nowhere in the repository. \`\${TAG:-latest}\` and ARG defaults are
expanded (compose values with the \`.env\` beside the file). Only Dockerfiles built by production
services (not \`Dockerfile.dev\`) and production compose files are checked; only the stages up to
the built target are checked.

## Why is this bad?
\`latest\` moves: two builds of the same commit get different bases (a new Python minor, a new
Debian release, a new major of a database image), so an image that passed CI is not the one that
ships, and rollbacks do not roll back.

## Example
\`FROM python\` or \`image: postgres:latest\`

Use instead: \`FROM python:3.12-slim-bookworm\` or \`image: postgres:16.4\` (or pin a digest).

## References
- hadolint DL3006 / DL3007 (\`# hadolint ignore=DL3006,DL3007\` also suppresses this rule)
- Docker documentation: Best practices, "Pin base image versions"`,
  },
  check({ project, report }) {
    const claim = claimer();
    for (const service of project.services) {
      if (!service.production) continue;
      if (service.dockerfile && service.dockerfilePath && productionDockerfile(service)) {
        const last = service.final?.stage.index ?? service.dockerfile.stages.length - 1;
        for (const stage of service.dockerfile.stages) {
          if (stage.index > last || stage.from.stageRef !== null || unresolvedFrom(service, stage.from.raw)) continue;
          const why = floating(stage.from.image);
          if (!why || !claim(service.dockerfilePath, stage.from.span)) continue;
          const expanded = stage.from.raw !== stage.from.image ? ` (${stage.from.raw} expands to ${stage.from.image})` : '';
          report({
            file: service.dockerfilePath,
            span: stage.from.span,
            service: service.name,
            message: `base image ${stage.from.image} ${why}${expanded}`,
          });
        }
      }
      const image = service.compose?.image;
      if (image && service.composeFile && !service.compose?.build) {
        const resolved = composeValue(service, image.value);
        if (!resolved) continue;
        const why = floating(resolved.value);
        const where = image.file ?? service.composeFile;
        if (!why || !claim(where, image.span)) continue;
        const evidence = service.composeVars.file ? resolved.fromDotenv.map((ref) => ({ file: service.composeVars.file ?? '', line: ref.line, message: `${ref.name} comes from .env` })) : [];
        report({
          file: where,
          span: image.span,
          service: service.name,
          message: `image ${resolved.value} of service "${service.name}" ${why}`,
          evidence,
        });
      }
    }
  },
});
