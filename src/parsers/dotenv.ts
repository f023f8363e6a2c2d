// The `.env` file docker compose reads beside a compose file: KEY=VALUE lines, `export ` prefix,
// `#` comments, single quotes literal, double quotes with \n escapes. Never throws.

export function parseDotenv(text: string): Map<string, { value: string; line: number }> {
  const out = new Map<string, { value: string; line: number }>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) return;
    const key = match[1] ?? '';
    let value = match[2] ?? '';
    if (value.startsWith("'")) {
      const close = value.indexOf("'", 1);
      value = close === -1 ? value.slice(1) : value.slice(1, close);
    } else if (value.startsWith('"')) {
      const close = value.indexOf('"', 1);
      value = (close === -1 ? value.slice(1) : value.slice(1, close)).replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    out.set(key, { value, line: index + 1 });
  });
  return out;
}
