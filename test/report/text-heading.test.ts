// The text report's service headings say where a service comes from: its compose file, its
// Dockerfile and, when compose builds one stage of it, the target (#16 idiom 12).
import { describe, expect, it } from 'vitest';
import { textReport } from '../../src/report/text.js';
import { auditResult, finding } from './synthetic.js';

const service = (target: string | null) => ({ name: 'api', kind: 'compose' as const, composeFile: 'compose.yml', dockerfile: 'Dockerfile', target, entry: null });

describe('service headings', () => {
  it('name the build target compose builds', () => {
    const out = textReport(auditResult([finding()], [service('prod')]), { color: false, displayRoot: '.', quiet: false });
    expect(out).toContain('Service api (compose.yml -> Dockerfile, target prod)\n');
  });

  it('say nothing of a target when the whole Dockerfile is built', () => {
    const out = textReport(auditResult([finding()], [service(null)]), { color: false, displayRoot: '.', quiet: false });
    expect(out).toContain('Service api (compose.yml -> Dockerfile)\n');
  });
});
