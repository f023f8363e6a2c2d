import { readFileSync } from 'node:fs';

function readVersion(): string {
  // dist/version.js (tsc output) or dist/bin/<chunk>.js (the bundle): package.json is one or two up
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const pkg: unknown = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8'));
      if (pkg && typeof pkg === 'object' && 'name' in pkg && pkg.name === 'driftcheck' && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not there: try the next place; a copy without package.json still runs
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();

/**
 * The package's page (its README): SARIF's informationUri, and with a rule's anchor its helpUri.
 * The npm registry page, because the package name is the one stable address this project has.
 */
export const HOMEPAGE = 'https://www.npmjs.com/package/driftcheck';
