import type { Span } from '../../findings/types.js';
import { commandSegments, programOf, stripWrappers } from '../../model/command.js';
import { commandEvidence } from '../../model/queries.js';
import type { CommandPart, Project, Service } from '../../model/types.js';
import type { SourceFile } from '../../source.js';
import { defineRule } from '../define-rule.js';
import { findToken, removeArgument } from '../edits.js';

const RELOAD_FLAG = /^--reload(-dir|-include|-exclude|-delay)?(=.*)?$/;
const RELOAD_WITH_VALUE = new Set(['--reload-dir', '--reload-include', '--reload-exclude', '--reload-delay']);
const WATCHERS = new Set(['watchfiles', 'nodemon', 'watchmedo']);
// Servers whose own CLI has a reload mode; elsewhere `--reload` is just an application argument.
const RELOAD_RUNNERS = new Set(['uvicorn', 'gunicorn', 'hypercorn', 'granian', 'flask', 'adev', 'sanic']);


export default defineRule({
  meta: {
    id: 'PROD001',
    name: 'reload-in-production',
    severity: 'error',
    category: 'production',
    fix: 'sometimes',
    needs: [], // no service's run files (ModelPart)
    summary: 'Auto-reload (--reload, watchfiles, nodemon) in the command a production service runs',
    docs: `## What it does
Flags \`--reload\` and its companions (\`--reload-dir\`, \`--reload-include\`, ...) in the command a
service really runs — compose \`command:\`/\`entrypoint:\` or the image's \`CMD\`/\`ENTRYPOINT\`, including
inside \`sh -c "..."\` — and file watchers (\`watchfiles\`, \`nodemon\`, \`watchmedo\`) used as the
server process. Compose override files and files named \`*dev*\`, \`*local*\` or \`*test*\` are
development files and are not flagged, nor are services only started under a development profile
(\`profiles: [dev]\`). Production is what the base compose file(s) describe on their own (with
\`extends\` resolved): an override file never makes a base finding disappear.

## Why is this bad?
The reloader watches the file system and restarts workers on any change (log files, uploads,
mounted volumes), forces a single worker, and costs CPU: containers flap and requests fail.

## Example
\`command: uvicorn app.main:app --host 0.0.0.0 --port 8000 --reload\`

Use instead: \`command: uvicorn app.main:app --host 0.0.0.0 --port 8000\`

## Fix safety
Safe: the flag (and its value) is removed; nothing else in the command changes. A watcher used as
the program itself has no automatic fix.

## References
- Uvicorn documentation: Settings, Development (\`--reload\` is for development only)`,
  },
  check({ project, report }) {
    const seen = new Set<string>();
    for (const service of project.services) {
      if (!service.production) continue;
      const parts = service.command.filter((part) => !(part.origin === 'dockerfile' && project.fileRoles.isDevDockerfile(part.file)));
      checkService(project, service, parts, report, seen);
    }
  },
});

type Report = Parameters<Parameters<typeof defineRule>[0]['check']>[0]['report'];

/**
 * Reads the whole command (ENTRYPOINT + CMD, or compose's overrides) as one argv, so
 * `entrypoint: ["sh", "-c"]` with a `command:` script is understood, then locates each flagged
 * word in whichever part of the files wrote it.
 */
function checkService(project: Project, service: Service, parts: readonly CommandPart[], report: Report, seen: Set<string>): void {
  const locate = (word: string, after?: { part: CommandPart; span: Span }): { part: CommandPart; span: Span } | null => {
    for (const part of parts) {
      const file = project.files.get(part.file);
      if (!file) continue;
      const from = after && after.part === part ? after.span.end : part.span.start;
      const span = findToken(file, { start: from, end: part.span.end }, word);
      if (span) return { part, span };
    }
    return null;
  };
  const argv = parts.flatMap((part) => part.argv);
  for (const segment of commandSegments(argv)) {
    const words = stripWrappers(segment);
    const { program, args } = programOf(words);
    if (WATCHERS.has(program)) {
      const at = locate(words[0] ?? program);
      const part = at?.part ?? parts[0];
      if (!part || !claim(seen, part, at?.span ?? part.span)) continue;
      report({ file: part.file, span: at?.span ?? part.span, service: service.name, message: `service "${service.name}" runs the file watcher ${program} in production`, evidence: overrideEvidence(service, part) });
      continue;
    }
    if (!RELOAD_RUNNERS.has(program)) continue;
    args.forEach((word, index) => {
      if (!RELOAD_FLAG.test(word)) return;
      const at = locate(word);
      const part = at?.part ?? parts[0];
      if (!part || !claim(seen, part, at?.span ?? part.span)) return;
      const valueWord = RELOAD_WITH_VALUE.has(word) ? args[index + 1] : undefined;
      const value = valueWord !== undefined && at ? locate(valueWord, at) : null;
      const file = project.files.get(part.file);
      report({
        file: part.file,
        span: at?.span ?? part.span,
        service: service.name,
        message: `${program} runs with ${word.split('=')[0]} in production (service "${service.name}")`,
        evidence: overrideEvidence(service, part),
        fix: at && file ? removalFix(file, at.span, word, value?.part === at.part ? value.span : null, valueWord) : null,
      });
    });
  }
}

function claim(seen: Set<string>, part: CommandPart, span: Span): boolean {
  const key = `${part.file}:${span.start}`;
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}

/** The command, and the image CMD it replaces when compose overrides it. */
function overrideEvidence(service: Service, part: CommandPart): { file: string; line: number; message: string }[] {
  const out = [commandEvidence(service, part)];
  if (part.origin === 'compose' && part.instruction === 'command') {
    const cmd = service.final?.stage.instructions.find((i) => i.kind === 'cmd');
    if (cmd && service.dockerfilePath) out.push({ file: service.dockerfilePath, line: cmd.line, message: 'overrides the image CMD' });
  }
  return out;
}

function removalFix(file: SourceFile, span: Span, word: string, valueSpan: Span | null, valueWord: string | undefined) {
  const edits = [removeArgument(file, span)];
  if (valueSpan) edits.push(removeArgument(file, valueSpan));
  return { title: `Remove ${word}${valueSpan && valueWord ? ` ${valueWord}` : ''}`, applicability: 'safe' as const, edits };
}
