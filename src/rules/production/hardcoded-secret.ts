import type { Span } from '../../findings/types.js';
import { envSettings, productionDockerfile } from '../../model/production.js';
import type { Project, Service } from '../../model/types.js';
import { defineRule } from '../define-rule.js';
import { claimer, maskedLength, type Report } from './common.js';

// The last word of a secret's name (`DB_PASSWORD`, `STRIPE_SECRET`, `GITHUB_TOKEN`), or `KEY` after
// one of KEY_QUALIFIERS (`API_KEY`, `SECRET_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`).
const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'SECRET', 'TOKEN', 'APIKEY', 'SECRETKEY', 'PRIVATEKEY', 'ACCESSKEY', 'CREDENTIALS']);
const KEY_QUALIFIERS = new Set(['API', 'SECRET', 'PRIVATE', 'ACCESS', 'ENCRYPTION', 'SIGNING', 'MASTER', 'AUTH', 'APP', 'LICENSE', 'CLIENT']);
// Values that say "nothing here" rather than being a secret.
const NOT_A_VALUE = /^(none|null|nil|false|true|no|disabled?|unset|undefined|-)$/i;

/** Does a variable name say it holds a secret? */
export function secretName(key: string): boolean {
  const words = key.toUpperCase().split(/[_.-]+/).filter((w) => w !== '');
  const last = words[words.length - 1] ?? '';
  if (SECRET_WORDS.has(last)) return true;
  return last === 'KEY' && KEY_QUALIFIERS.has(words[words.length - 2] ?? '');
}

// Shapes of real credentials, whatever the variable is called.
const TOKEN_SHAPES: readonly { name: string; pattern: RegExp }[] = [
  { name: 'an AWS access key id', pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: 'a GitHub token', pattern: /\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{22,}\b/ },
  { name: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { name: 'a Stripe live key', pattern: /\b[sr]k_live_[A-Za-z0-9]{16,}\b/ },
  { name: 'an OpenAI API key', pattern: /\bsk-(proj-)?[A-Za-z0-9_-]{32,}\b/ },
  { name: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
];

export function tokenShape(value: string): string | null {
  return TOKEN_SHAPES.find((t) => t.pattern.test(value))?.name ?? null;
}

/**
 * Why a literal value is a committed secret, or null. Never includes the value itself. A value
 * shaped like a real credential is an error; a literal under a secret's name (often a local
 * default such as `postgres`) is a warning.
 */
function secretReason(key: string, raw: string | null): { text: string; severity: 'error' | 'warning' } | null {
  if (raw === null) return null;
  const value = raw.trim();
  if (value === '' || value.includes('$')) return null; // empty or interpolated: set at deploy time
  const shape = tokenShape(value);
  if (shape) return { text: `${key} holds ${shape}`, severity: 'error' };
  if (!secretName(key) || NOT_A_VALUE.test(value) || /^\/(run|var\/run)\/secrets\//.test(value)) return null;
  return { text: `${key} is set to a literal value (${maskedLength(value)})`, severity: 'warning' };
}

export default defineRule({
  meta: {
    id: 'PROD011',
    name: 'hardcoded-secret',
    severity: 'error',
    category: 'security',
    // High (7.5): anyone who can read the repository, or pull the image (ENV/ARG stay in its
    // history), holds the credential. Below CodeQL's 9.8 for hard-coded credentials, which assumes
    // the code is public: here reading it already takes repository or registry access.
    security: { severity: 7.5, cwe: [798] },
    fix: 'none',
    summary: 'A literal password, token or key in compose environment: or Dockerfile ENV/ARG',
    docs: `## What it does
Flags literal secrets in production compose \`environment:\` (list and map form) and in \`ENV\` and
\`ARG\` defaults of Dockerfiles production services build:
- a variable whose name ends in \`PASSWORD\`/\`PASSWD\`/\`PASS\`/\`SECRET\`/\`TOKEN\`/\`CREDENTIALS\`, or in
  \`KEY\` after \`API\`/\`SECRET\`/\`PRIVATE\`/\`ACCESS\`/\`ENCRYPTION\`/\`SIGNING\`/... (\`DB_PASSWORD\`,
  \`SECRET_KEY\`, \`OPENAI_API_KEY\`), with a non-empty literal value;
- any variable whose value has the shape of a real credential (AWS \`AKIA...\`, GitHub \`ghp_...\`,
  Slack \`xox...\`, Stripe \`sk_live_...\`, OpenAI \`sk-...\`, a PEM private key).

A value shaped like a real credential is an error; a literal under a secret's name is a warning
(it is often a local default such as \`postgres\`, but the same file is what production runs).
Placeholders such as \`changeme\` or \`<password>\` are flagged too: they are still a password
committed to the repository and used in production whenever nobody changes it. Not flagged:
empty values, \`\${VAR}\` interpolations (with or without a default: the deployment sets the real
value), names like \`PASSWORD_FILE\`, \`TOKEN_URL\` or \`MAX_TOKENS\` (the secret word is not last),
\`/run/secrets/...\` paths, and development compose files / \`Dockerfile.dev\`. Messages never print
the value, only its length.

## Why is this bad?
A secret in the repository is readable by everyone who can clone it, stays in the git history
after it is removed, and ends up in image layers (\`docker history\` shows ENV and ARG values).

## Example
\`\`\`yaml
environment:
  POSTGRES_PASSWORD: supersecret
\`\`\`
Use instead: \`POSTGRES_PASSWORD: \${POSTGRES_PASSWORD:?set it in the environment}\` or compose
\`secrets:\`.

## References
- Docker documentation: Compose, "Manage secrets securely"
- hadolint / Docker build check SecretsUsedInArgOrEnv`,
  },
  check({ project, report }) {
    const claim = claimer();
    for (const service of project.services) {
      if (!service.production) continue;
      for (const setting of envSettings(service)) {
        if (setting.origin !== 'compose') continue;
        const reason = secretReason(setting.key, setting.raw);
        if (!reason || !claim(setting.file, setting.span)) continue;
        report({ file: setting.file, span: setting.span, service: service.name, severity: reason.severity, message: `${reason.text} in compose environment: (service "${service.name}")` });
      }
      if (service.dockerfilePath && productionDockerfile(service)) checkDockerfile(project, service, report, claim);
    }
  },
});

function checkDockerfile(project: Project, service: Service, report: Report, claim: ReturnType<typeof claimer>): void {
  const path = service.dockerfilePath ?? '';
  const file = project.files.get(path);
  const model = service.dockerfile;
  if (!file || !model) return;
  for (const stage of model.stages) {
    for (const instruction of stage.instructions) {
      if (instruction.kind !== 'env') continue;
      for (const pair of instruction.pairs) {
        const written = file.text.slice(pair.span.start, pair.span.end);
        const raw = written.includes('=') ? written.slice(written.indexOf('=') + 1) : written.replace(/^\S+\s+/, '');
        const reason = secretReason(pair.key, unquote(raw));
        if (!reason || !claim(path, pair.span)) continue;
        report({ file: path, span: pair.span, service: service.name, severity: reason.severity, message: `${reason.text} in ENV (stored in the image)` });
      }
    }
  }
  // ARG defaults, before and after FROM: read from the text, where every default is written.
  const pattern = /^[ \t]*ARG[ \t]+([^\n]*)$/gim;
  for (const match of file.text.matchAll(pattern)) {
    const lineStart = match.index ?? 0;
    const argsStart = lineStart + match[0].length - (match[1]?.length ?? 0);
    for (const word of (match[1] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)/g)) {
      const span: Span = { start: argsStart + (word.index ?? 0), end: argsStart + (word.index ?? 0) + word[0].length };
      const reason = secretReason(word[1] ?? '', unquote(word[2] ?? ''));
      if (!reason || !claim(path, span)) continue;
      report({ file: path, span, service: service.name, severity: reason.severity, message: `${reason.text} as an ARG default (visible in the image history)` });
    }
  }
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) return v.slice(1, -1);
  return v;
}
