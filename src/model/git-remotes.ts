// The repository's own remotes, read from `.git/config` (`[remote "origin"]` / `url = …`), and
// one spelling of a git URL for comparing them (#16 idiom 10: a `git clone` of this very
// repository inside its image). Pure: the Repository loads the file.

export interface GitRemote {
  readonly name: string;
  readonly url: string;
  readonly line: number;
}

/** `[remote "origin"]` sections and their `url` lines (git-config(1) syntax, simplified). */
export function parseGitRemotes(text: string): GitRemote[] {
  const out: GitRemote[] = [];
  let remote: string | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const section = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
    if (section) {
      remote = section[1]!.toLowerCase() === 'remote' && section[2] !== undefined ? section[2] : null;
      return;
    }
    const url = /^url\s*=\s*(.+?)\s*$/i.exec(line);
    if (remote !== null && url) out.push({ name: remote, url: url[1]!.replace(/^"(.*)"$/, '$1'), line: i + 1 });
  });
  return out;
}

/**
 * One spelling of a git URL: host and path, lower case, without scheme, user, `.git` or trailing
 * slash. `git@github.com:acme/api.git`, `https://github.com/acme/api` and
 * `ssh://git@github.com/acme/api.git` are all `github.com/acme/api`.
 */
export function canonicalGitUrl(url: string): string {
  let rest = url.trim().replace(/^git\+/, '');
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  else {
    const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.*)$/.exec(rest); // scp-like: user@host:path
    if (scp) rest = `${scp[1]}/${scp[2]}`;
  }
  rest = rest.replace(/^[^@/]+@/, '').replace(/^www\./i, '');
  const slash = rest.indexOf('/');
  const host = (slash < 0 ? rest : rest.slice(0, slash)).replace(/:\d+$/, '');
  const path = slash < 0 ? '' : rest.slice(slash);
  return `${host}${path}`.toLowerCase().replace(/\/+$/, '').replace(/\.git$/, '');
}
