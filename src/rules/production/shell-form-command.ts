import { finalInstructions, productionDockerfile } from '../../model/production.js';
import type { CommandInstruction } from '../../parsers/types.js';
import { defineRule } from '../define-rule.js';
import { replaceSpan } from '../edits.js';
import { claimer } from './common.js';

// Anything the shell itself would interpret: operators, expansions, globs, redirections, escapes.
const SHELL_SYNTAX = /[$`&|;<>(){}*?[\]~\\#!\n]|^\s*\w+=/;

export default defineRule({
  meta: {
    id: 'PROD009',
    name: 'shell-form-command',
    severity: 'warning',
    category: 'production',
    fix: 'sometimes',
    needs: [], // no service's run files (ModelPart)
    summary: 'Shell-form CMD/ENTRYPOINT in the final image: the server is not PID 1 and misses SIGTERM',
    hadolint: ['DL3025'],
    docs: `## What it does
Flags the \`CMD\` and \`ENTRYPOINT\` the final image ends with when they are in shell form
(\`CMD uvicorn app:app\`), in Dockerfiles built by production services. A shell form that starts
with \`exec\` hands PID 1 to the server and is not flagged; neither are \`Dockerfile.dev\`-style files.

## Why is this bad?
Docker runs shell form as \`/bin/sh -c "..."\`: the shell is PID 1, and \`docker stop\`'s SIGTERM goes
to the shell, not to the server. The server gets no graceful shutdown, in-flight requests are
cut when SIGKILL arrives after the timeout, and every deploy takes the full stop timeout. A
shell-form \`ENTRYPOINT\` also ignores \`CMD\` and compose \`command:\` arguments.

## Example
\`CMD uvicorn app.main:app --host 0.0.0.0 --port 8000\`

Use instead: \`CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\`

## Fix safety
When the image has both an \`ENTRYPOINT\` and a \`CMD\`, the rewrite is unsafe: in exec form they
combine differently (a shell-form \`ENTRYPOINT\` ignores \`CMD\`; in exec form \`CMD\` becomes its
arguments). Otherwise safe when the command is plain words (quotes allowed) with no shell syntax: no \`$\` expansion,
operators, redirections, globs or escapes, so the JSON form runs exactly the same argv without a
shell. Otherwise there is no automatic fix (write \`exec\` in front, or move the logic to a script).

## References
- hadolint DL3025 (\`# hadolint ignore=DL3025\` also suppresses this rule)
- Docker documentation: Dockerfile reference, "Shell and exec form"`,
  },
  check({ project, report }) {
    const claim = claimer();
    for (const service of project.services) {
      if (!service.production || !service.dockerfilePath || !productionDockerfile(service)) continue;
      const file = project.files.get(service.dockerfilePath);
      let cmd: CommandInstruction | null = null;
      let entrypoint: CommandInstruction | null = null;
      for (const instruction of finalInstructions(service)) {
        if (instruction.kind === 'cmd') cmd = instruction;
        if (instruction.kind === 'entrypoint') {
          entrypoint = instruction;
          cmd = null;
        }
      }
      for (const instruction of [entrypoint, cmd]) {
        if (!instruction || instruction.command.form !== 'shell') continue;
        const raw = instruction.command.raw.trim();
        if (raw === '' || raw.startsWith('[') || /^exec\s/.test(raw)) continue;
        if (!claim(service.dockerfilePath, instruction.span)) continue;
        const words = instruction.command.argv.map((w) => w.value);
        const simple = !SHELL_SYNTAX.test(raw) && words.length > 0 && words.every((w) => w !== '' && !/["']/.test(w));
        report({
          file: service.dockerfilePath,
          span: instruction.command.span,
          service: service.name,
          message: `${instruction.keyword} is in shell form: /bin/sh is PID 1 and the server does not receive SIGTERM`,
          fix: simple && file
            ? {
                title: `Rewrite ${instruction.keyword} in JSON exec form`,
                // With both ENTRYPOINT and CMD, the exec form changes how they combine: a shell-form
                // ENTRYPOINT ignores CMD, and a shell-form CMD reaches ENTRYPOINT as `/bin/sh -c ...`.
                applicability: entrypoint && cmd ? 'unsafe' : 'safe',
                edits: [replaceSpan(file, instruction.command.span, JSON.stringify(words).replace(/","/g, '", "'))],
              }
            : null,
        });
      }
    }
  },
});
