// The identity of a finding across runs, the one function behind SARIF's partialFingerprints,
// GitLab's fingerprint, baselines and --changed-since: a finding is "the same" when its rule, its
// file, its service and its message (which names the subject: the module, the distribution, the
// setting, and the versions or values it is about) are the same. Never its line or column, so
// moving code up or down keeps the identity; replacing `import redis` by `import boto3` does not.
import { createHash } from 'node:crypto';
import type { Finding } from './types.js';

export type Fingerprinted = Pick<Finding, 'ruleId' | 'file' | 'service' | 'message' | 'identity'>;

/** sha256 of rule id, file, service and message, first 16 hex digits. */
export function fingerprint(finding: Fingerprinted): string {
  return hash(identityKey(finding));
}

/**
 * One fingerprint per finding, in order. Findings that share one get an occurrence number mixed
 * in, counted in report order (which line shifts preserve), so every fingerprint of one report is
 * unique (SARIF and GitLab want that); the first occurrence keeps the plain `fingerprint`.
 */
export function findingFingerprints(findings: readonly Fingerprinted[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const key = identityKey(f);
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return hash(occurrence === 0 ? key : `${key}#${occurrence}`);
  });
}

function identityKey(f: Fingerprinted): string {
  // A finding merged across services is identified by its shown service's own finding.
  const { service, message } = f.identity ?? f;
  return JSON.stringify([f.ruleId, f.file, service ?? '', message]);
}

function hash(input: string): string {
  return createHash('sha256').update(input).digest('hex').slice(0, 16);
}
