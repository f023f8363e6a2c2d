// PEP 440 comparisons behind guards: @renovatebot/pep440 throws on invalid versions.
import { eq, valid } from '@renovatebot/pep440';

/** Two pinned versions mean the same release (`1.0` == `1.0.0`); falls back to text equality. */
export function sameVersion(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.includes('+') || b.includes('+')) return a.toLowerCase() === b.toLowerCase(); // local versions: exact only
  try {
    return valid(a) !== null && valid(b) !== null && eq(a, b);
  } catch {
    return false;
  }
}
