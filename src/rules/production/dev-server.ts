import { commandSegments, programOf, stripWrappers } from '../../model/command.js';
import { commandEvidence } from '../../model/queries.js';
import type { Project, Service } from '../../model/types.js';
import { imageResolve } from '../../util/paths.js';
import { defineRule } from '../define-rule.js';
import { claimer, locateWord } from './common.js';

const PACKAGE_RUNNERS = new Set(['npm', 'yarn', 'pnpm', 'bun']);
const NPX = new Set(['npx', 'bunx']);

const FLASK_VALUE_OPTIONS = new Set(['--app', '-A', '--env-file', '-e']);

/** `flask --app app run` -> 'run': the first word that is neither an option nor its value. */
function flaskCommand(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (FLASK_VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/** The development server a simple command starts, and the word to point at; null otherwise. */
export function devServerOf(words: readonly string[], isFlaskGroupScript: (script: string) => boolean = () => false): { what: string; word: string } | null {
  let { program, args } = programOf(stripWrappers(words));
  if (NPX.has(program) || (program === 'pnpm' && args[0] === 'exec') || (program === 'yarn' && args[0] === 'exec')) {
    const rest = (NPX.has(program) ? args : args.slice(1)).filter((a, i, all) => !(a.startsWith('-') && i === 0 && all.length > 1));
    ({ program, args } = programOf(rest));
  }
  const first = args.find((a) => !a.startsWith('-'));
  // CLIs whose subcommand comes first (`vite --host 0.0.0.0` is `vite dev`); absent when an option leads.
  const sub = args[0] !== undefined && !args[0].startsWith('-') ? args[0] : undefined;
  if (program === 'flask' && flaskCommand(args) === 'run') return { what: 'flask run (the Werkzeug development server)', word: 'run' };
  if (/(^|\/)manage\.py$/.test(program) || program === 'django-admin') {
    if (first === 'runserver' || first === 'runserver_plus') return { what: `manage.py ${first} (Django's development server)`, word: first };
  }
  if (/^python(\d(\.\d+)?)?$/.test(program)) {
    const script = args.find((a) => !a.startsWith('-'));
    const next = script ? args[args.indexOf(script) + 1] : undefined;
    if (script && /(^|\/)manage\.py$/.test(script) && (next === 'runserver' || next === 'runserver_plus')) return { what: `manage.py ${next} (Django's development server)`, word: next };
    // A Flask project's `manage.py` built on FlaskGroup: its `run` is `flask run`.
    if (script && next === 'run' && isFlaskGroupScript(script)) return { what: `${script} run (flask run through FlaskGroup: the Werkzeug development server)`, word: 'run' };
  }
  if (program === 'http.server' || program === 'SimpleHTTPServer') return { what: `python -m ${program} (a development file server)`, word: program };
  if (program === 'vite' && (sub === undefined || sub === 'dev' || sub === 'serve')) return { what: 'the Vite development server', word: sub ?? 'vite' };
  if ((program === 'next' || program === 'nuxt' || program === 'nuxi' || program === 'astro' || program === 'remix') && sub === 'dev') return { what: `${program} dev (a development server)`, word: 'dev' };
  if (program === 'ng' && sub === 'serve') return { what: 'ng serve (the Angular development server)', word: 'serve' };
  if (program === 'webpack' && sub === 'serve') return { what: 'webpack serve (webpack-dev-server)', word: 'serve' };
  if (program === 'webpack-dev-server') return { what: 'webpack-dev-server', word: program };
  if (program === 'fastapi' && sub === 'dev') return { what: 'fastapi dev (development mode with auto-reload)', word: 'dev' };
  if (PACKAGE_RUNNERS.has(program)) {
    const script = first === 'run' || first === 'run-script' ? args.filter((a) => !a.startsWith('-'))[1] : first;
    if (script === 'dev' || script === 'develop' || script === 'serve:dev' || script === 'start:dev') return { what: `${program} ${first === script ? '' : `${first} `}${script} (the project's development script)`, word: script };
  }
  return null;
}

/** Does the script (as the command names it, in the image) come from a repo file that builds a FlaskGroup CLI? */
function flaskGroupScript(project: Project, service: Service, script: string): boolean {
  const repoPath = service.final?.fs.file(imageResolve(service.cwd, script))?.repoPath;
  const text = repoPath ? project.files.get(repoPath)?.text : undefined;
  return text !== undefined && /\bFlaskGroup\s*\(/.test(text);
}

export default defineRule({
  meta: {
    id: 'PROD003',
    name: 'dev-server',
    severity: 'error',
    category: 'production',
    fix: 'none',
    needs: [], // no service's run files (ModelPart)
    summary: 'A development server (flask run, manage.py runserver, vite, npm run dev, next dev) serves a production service',
    docs: `## What it does
Flags development servers as the command of a production service: \`flask run\` (also
\`python manage.py run\` when manage.py builds a \`FlaskGroup\` CLI), \`manage.py runserver\`,
\`python -m http.server\`, \`vite\` / \`vite dev\`, \`next dev\`, \`nuxt dev\`,
\`ng serve\`, \`webpack serve\`, \`fastapi dev\`, and \`npm run dev\` / \`yarn dev\` / \`pnpm dev\` /
\`bun run dev\` (also through \`npx\`). The command is read from compose \`command:\`/\`entrypoint:\`
or the image's \`CMD\`/\`ENTRYPOINT\`, including inside \`sh -c "..."\` chains. Compose override and
\`*dev*\`/\`*local*\`/\`*test*\` files and \`Dockerfile.dev\`-style files are not flagged, nor are services only started under a development profile. Production is what the base compose file(s) describe on their own (with \`extends\` resolved and
values interpolated from the \`.env\` beside the file); an override file never hides a base finding.

## Why is this bad?
Development servers are single-process, unhardened and documented as unfit for production; most
of them also watch files and reload, and some serve unbuilt sources with source maps.

## Example
\`CMD ["flask", "run", "--host=0.0.0.0"]\`

Use instead: \`CMD ["gunicorn", "--bind", "0.0.0.0:5000", "app:app"]\` (or build the front end and
serve the output with a web server).

## References
- Flask documentation: Deploying to Production ("do not use the development server")
- Django documentation: django-admin runserver ("DO NOT USE THIS SERVER IN A PRODUCTION SETTING")
- Vite documentation: Deploying a Static Site`,
  },
  check({ project, report }) {
    const claim = claimer();
    for (const service of project.services) {
      if (!service.production) continue;
      const parts = service.command.filter((part) => !(part.origin === 'dockerfile' && project.fileRoles.isDevDockerfile(part.file)));
      for (const segment of commandSegments(parts.flatMap((part) => part.argv))) {
        const found = devServerOf(segment, (script) => flaskGroupScript(project, service, script));
        if (!found) continue;
        const at = locateWord(project, parts, found.word);
        const part = at?.part ?? parts[0];
        if (!part) continue;
        const span = at?.span ?? part.span;
        if (!claim(part.file, span)) continue;
        report({
          file: part.file,
          span,
          service: service.name,
          message: `service "${service.name}" is served by ${found.what} in production`,
          evidence: [commandEvidence(service, part)],
        });
      }
    }
  },
});
