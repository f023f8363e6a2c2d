import type { Span } from '../../findings/types.js';
import { commandSegments, programOf, stripWrappers } from '../../model/command.js';
import { commandEvidence } from '../../model/queries.js';
import type { CommandPart, Project, Service } from '../../model/types.js';
import type { SourceFile } from '../../source.js';
import { defineRule } from '../define-rule.js';
import { findToken, removeArgument } from '../edits.js';
import { dockerShell, splitShellWords, type ShellToken } from '../../parsers/shell.js';
import { imageResolve } from '../../util/paths.js';

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
    needs: ['runFiles'], // the entry script's uvicorn.run(..., reload=True)
    summary: 'Auto-reload (--reload, watchfiles, nodemon, uvicorn.run(reload=True)) in what a production service runs, its entrypoint script included',
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
      for (const script of service.scripts) checkScript(project, service, script, report, seen);
      checkEntryScript(project, service, report, seen);
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

/** Shell keywords that open and close a compound command: what runs inside is conditional. */
const OPENERS = new Set(['if', 'case', 'while', 'until', 'for', 'select', '{']);
const CLOSERS = new Set(['fi', 'esac', 'done', '}']);
const CONTINUATIONS = new Set(['then', 'else', 'do', '!']);

/**
 * A shell script the command runs (`ENTRYPOINT ["/entrypoint.sh"]`): a server started with
 * `--reload` by a line that always runs (not inside if/case/loops/functions, not after `&&`/`||`).
 * A conditional line proves nothing (the branch may be the development one) and is not reported.
 */
function checkScript(project: Project, service: Service, path: string, report: Report, seen: Set<string>): void {
  const file = project.files.get(path);
  if (!file) return;
  let depth = 0;
  let words: ShellToken[] = [];
  let conditional = false;
  const flush = (): void => {
    let i = 0;
    while (i < words.length && CONTINUATIONS.has(words[i]?.value ?? '')) i++;
    const command = words.slice(i);
    words = [];
    const head = command[0]?.value ?? '';
    if (OPENERS.has(head) || head === 'elif') {
      if (head !== 'elif') depth++;
      return;
    }
    if (CLOSERS.has(head)) {
      depth = Math.max(0, depth - 1);
      return;
    }
    if (depth > 0 || conditional || command.length === 0) return;
    const unwrapped = stripWrappers(command.map((t) => t.value));
    const { program, args } = programOf(unwrapped);
    if (!RELOAD_RUNNERS.has(program)) return;
    const flag = args.find((word) => RELOAD_FLAG.test(word));
    const token = flag === undefined ? undefined : command.find((t) => t.value === flag);
    if (!flag || !token || seen.has(`${path}:${token.span.start}`)) return;
    seen.add(`${path}:${token.span.start}`);
    const runner = service.command[0];
    report({
      file: path,
      span: token.span,
      service: service.name,
      message: `${program} runs with ${flag.split('=')[0]} in production (script ${path}, run by service "${service.name}")`,
      evidence: runner ? [{ ...commandEvidence(service, runner), message: `${commandEvidence(service, runner).message}, which runs ${path}` }] : [],
      fix: RELOAD_WITH_VALUE.has(flag) ? null : removalFix(file, token.span, flag, null, undefined),
    });
  };
  for (const token of splitShellWords(file.text, dockerShell(true))) {
    if (token.op === null) {
      // `main() {` lexes as `main`, `(`, `)`, `{`: a function body is conditional too (`{` opens).
      words.push(token);
      continue;
    }
    if (token.op === '(' || token.op === ')') {
      // `main()` before a `{` body, a case pattern's `)`: no command of their own.
      words = [];
      continue;
    }
    flush();
    // What follows `&&` or `||` runs only when the test before it says so.
    conditional = token.op === '&&' || token.op === '||' || token.op === '|';
  }
  flush();
}

/**
 * `python main.py` with `uvicorn.run("main:app", reload=True)` at the top level of main.py or in
 * its `if __name__ == "__main__":` block: the server the service runs reloads. Only literal
 * `reload=True` with an import string as the app (uvicorn ignores reload for an app object).
 */
function checkEntryScript(project: Project, service: Service, report: Report, seen: Set<string>): void {
  const entry = service.entry;
  if (!entry?.script || entry.runner !== 'python') return;
  const imagePath = imageResolve(service.cwd, entry.script);
  const run = service.runFiles.find((f) => f.imagePath === imagePath);
  const file = run ? project.files.get(run.repoPath) : undefined;
  if (!run || !file) return;
  const text = file.text;
  const lines = text.split('\n');
  for (const match of text.matchAll(/\buvicorn\.run\s*\(/g)) {
    const open = (match.index ?? 0) + match[0].length;
    const close = closingParen(text, open);
    if (close < 0) continue;
    const args = text.slice(open, close);
    const reload = /(?:^|[,(\s])reload\s*=\s*True\b/.exec(args);
    if (!reload || !/^\s*(?:f?["'])/.test(args)) continue;
    const lineIndex = text.slice(0, match.index).split('\n').length - 1;
    if (!runsAtStartup(lines, lineIndex)) continue;
    const start = open + reload.index + reload[0].indexOf('reload');
    const span = { start, end: start + reload[0].length - reload[0].indexOf('reload') };
    const key = `${run.repoPath}:${start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const runner = service.command[0];
    report({
      file: run.repoPath,
      span,
      service: service.name,
      message: `uvicorn.run(..., reload=True) in ${run.repoPath}, which service "${service.name}" runs as its entry script: the server reloads in production`,
      evidence: runner ? [commandEvidence(service, runner)] : [],
    });
  }
}

/** Index of the `)` closing a call whose arguments start at `i` (strings skipped), or -1. */
function closingParen(text: string, i: number): number {
  let depth = 1;
  let quote: string | null = null;
  for (let k = i; k < text.length; k++) {
    const c = text[k];
    if (quote) {
      if (c === '\\') k++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#') while (k < text.length && text[k] !== '\n') k++;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return k;
    }
  }
  return -1;
}

/** A line at the top level, or whose enclosing blocks are all `if __name__ == "__main__":`. */
function runsAtStartup(lines: readonly string[], index: number): boolean {
  let indent = indentOf(lines[index] ?? '');
  for (let k = index - 1; k >= 0 && indent > 0; k--) {
    const line = lines[k] ?? '';
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const own = indentOf(line);
    if (own >= indent) continue;
    if (!/^\s*if\s+__name__\s*==\s*["']__main__["']\s*:/.test(line)) return false;
    indent = own;
  }
  return indent === 0;
}

function indentOf(line: string): number {
  return /^[ \t]*/.exec(line)?.[0].length ?? 0;
}
