// Parsing core metadata (METADATA / PKG-INFO, RFC 822 style) and Requires-Dist lines.
import { normalizeDistribution } from '../model/pep440.js';
import type { RequiresDist } from '../model/metadata-types.js';

const REQUIREMENT = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*(.*)$/;

/**
 * `httpcore==1.*`, `idna (>=2.5,<4)`, `brotli; extra == "brotli"` -> RequiresDist; null for
 * direct references (`name @ url`) and lines that do not parse.
 */
export function parseRequiresDist(line: string): RequiresDist | null {
  const semi = line.indexOf(';');
  const head = semi === -1 ? line : line.slice(0, semi);
  const marker = semi === -1 ? null : line.slice(semi + 1).trim() || null;
  const match = REQUIREMENT.exec(head);
  if (!match) return null;
  let specifier = (match[3] ?? '').trim();
  if (specifier.startsWith('@')) return null;
  if (specifier.startsWith('(') && specifier.endsWith(')')) specifier = specifier.slice(1, -1).trim();
  specifier = specifier.replace(/\s+/g, '');
  if (specifier !== '' && !/^(~=|===|==|!=|<=|>=|<|>)/.test(specifier)) return null;
  const name = match[1] ?? '';
  const extras = (match[2] ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  return { name, key: normalizeDistribution(name), extras, specifier, marker };
}

export interface CoreMetadata {
  readonly name: string | null;
  readonly version: string | null;
  readonly requires: readonly RequiresDist[];
}

/** Reads the header fields of a METADATA file (the body after the first blank line is ignored). */
export function parseCoreMetadata(text: string): CoreMetadata {
  let name: string | null = null;
  let version: string | null = null;
  const requires: RequiresDist[] = [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? '';
    if (line === '') break;
    while (/^[ \t]/.test(lines[i + 1] ?? '')) line += ` ${(lines[++i] ?? '').trim()}`;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const field = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (field === 'name') name = value;
    else if (field === 'version') version = value;
    else if (field === 'requires-dist') {
      const parsed = parseRequiresDist(value);
      if (parsed) requires.push(parsed);
    }
  }
  return { name, version, requires };
}
