// Services that start as root on purpose and drop privileges themselves (#16 idiom 9, PROD005):
// uWSGI with `uid =` (its ini file, `--uid`, UWSGI_UID) and supervisord whose every program runs
// with `user =` (its configuration, Debian's conf.d includes). Files are read where the image holds
// them; what cannot be read drops nothing.
import { imageResolve } from '../../util/paths.js';
import type { StageState } from '../image.js';
import type { Repository } from '../repository.js';
import type { Service } from '../types.js';

const ROOT = /^(?:root|0)(?::.*)?$/;
/** supervisord's default configuration paths (supervisord docs, "Configuration File") and Debian's include folder. */
const SUPERVISOR_DEFAULTS = ['/etc/supervisord.conf', '/etc/supervisor/supervisord.conf', '/etc/supervisor.d', '/etc/supervisor/conf.d'];

export function privilegeDropOf(repo: Repository, final: StageState, cwd: string, argv: readonly string[], env: ReadonlyMap<string, string>): Service['privilegeDrop'] {
  const at = argv.findIndex((w) => /(?:^|\/)(?:uwsgi|supervisord)$/.test(w));
  if (at < 0) return null;
  const program = argv[at]!.slice(argv[at]!.lastIndexOf('/') + 1);
  const args = argv.slice(at + 1);
  const text = (imagePath: string): { repoPath: string; text: string } | null => {
    const file = final.fs.file(imageResolve(cwd, imagePath));
    const read = file ? repo.peek(file.repoPath) : null;
    return file && read ? { repoPath: file.repoPath, text: read.text } : null;
  };
  const option = (names: readonly string[]): string | null => {
    for (let i = 0; i < args.length; i++) {
      for (const name of names) {
        if (args[i] === name) return args[i + 1] ?? null;
        if (args[i]!.startsWith(`${name}=`)) return args[i]!.slice(name.length + 1);
      }
    }
    return null;
  };
  if (program === 'uwsgi') {
    const uid = option(['--uid']) ?? env.get('UWSGI_UID') ?? null;
    if (uid !== null && !ROOT.test(uid)) return { file: '', line: 0, how: `uwsgi --uid ${uid}` };
    const ini = option(['--ini']) ?? args.find((a) => /\.ini$/.test(a)) ?? env.get('UWSGI_INI') ?? null;
    const found = ini === null ? null : text(ini);
    if (!found) return null;
    const line = found.text.split(/\r?\n/).findIndex((l) => /^\s*uid\s*[=:]\s*\S/.test(l) && !ROOT.test(l.replace(/^\s*uid\s*[=:]\s*/, '').trim()));
    return line < 0 ? null : { file: found.repoPath, line: line + 1, how: `uid in ${found.repoPath}` };
  }
  const configured = option(['-c', '--configuration']);
  const files = configured !== null ? [text(configured)] : SUPERVISOR_DEFAULTS.flatMap((path) => [text(path), ...final.fs.under(path).map((f) => text(f.imagePath))]);
  const programs: { file: string; line: number; user: string | null }[] = [];
  for (const found of files) {
    if (!found) continue;
    let current: { file: string; line: number; user: string | null } | null = null;
    found.text.split(/\r?\n/).forEach((raw, i) => {
      const section = /^\s*\[([^\]]+)\]/.exec(raw);
      if (section) {
        current = /^(?:program|fcgi-program|eventlistener):/.test(section[1]!.trim()) ? { file: found.repoPath, line: i + 1, user: null } : null;
        if (current) programs.push(current);
        return;
      }
      const user = /^\s*user\s*=\s*(\S+)/.exec(raw);
      if (user && current) (current as { user: string | null }).user = user[1]!;
    });
  }
  if (programs.length === 0 || programs.some((p) => p.user === null || ROOT.test(p.user))) return null;
  return { file: programs[0]!.file, line: programs[0]!.line, how: `user= in every supervisord program (${programs[0]!.file})` };
}
