import { describe, expect, it } from 'vitest';
import { compiledFileFacts, isTransitivePin } from '../../src/parsers/requirements-annotations.js';
import { parseRequirements } from '../../src/parsers/requirements.js';

function facts(text: string) {
  const model = parseRequirements(text);
  const f = compiledFileFacts(text, model.requirements);
  return { f, byName: (name: string) => model.requirements.find((r) => r.key === name)! };
}

describe('# via annotations (pip-compile, uv)', () => {
  it('reads the multi-line form with several parents and an input file', () => {
    const text = 'anyio==4.4.0\n    # via\n    #   httpx\n    #   starlette\nfastapi==0.110.0\n    # via -r requirements.in\nh11==0.14.0\n';
    const { f, byName } = facts(text);
    expect(f.compiled).toBe(true);
    expect(f.via.get(byName('anyio').line)).toEqual({ parents: ['httpx', 'starlette'], inputs: [] });
    expect(isTransitivePin(f, byName('anyio'))).toBe(true);
    expect(isTransitivePin(f, byName('fastapi'))).toBe(false);
    expect(isTransitivePin(f, byName('h11'))).toBe(false); // no annotation: not known to be transitive
  });

  it('reads the inline form, hashes continuation lines and mixed reasons', () => {
    const text = 'click==8.1.7  # via uvicorn\nrich==13.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via\n    #   -r requirements.in\n    #   typer\n';
    const { f, byName } = facts(text);
    expect(f.via.get(byName('click').line)).toEqual({ parents: ['uvicorn'], inputs: [] });
    expect(f.via.get(byName('rich').line)).toEqual({ parents: ['typer'], inputs: ['requirements.in'] });
    expect(isTransitivePin(f, byName('rich'))).toBe(false);
  });

  it('reads uv export and pyproject inputs; plain files are not compiled', () => {
    const uv = 'starlette==0.41.2 \\\n    --hash=sha256:cc\n    # via fastapi\nfastapi==0.115.0 \\\n    --hash=sha256:dd\n    # via my-app (pyproject.toml)\n';
    const { f, byName } = facts(uv);
    expect(isTransitivePin(f, byName('starlette'))).toBe(true);
    expect(isTransitivePin(f, byName('fastapi'))).toBe(false);
    expect(facts('fastapi==0.1\n# a comment\nuvicorn\n').f.compiled).toBe(false);
  });
});
