// Property-based fuzzing of every parser and the import scanner (issue #9): random bytes (decoded
// as UTF-8, as discovery does), random UTF-16 code units (lone surrogates included), sequences of
// syntax fragments, and random edits of the real fixture files. Properties: never throws, returns
// within 1 s per input, every span lies inside the text, line/column agree with offsets.
//
// CI: FUZZ_RUNS inputs per parser (default 10,000, seeded, so a failure reproduces), split over the
// four generators. `npm run fuzz` sets FUZZ_RUNS=1000000; FUZZ_SEED picks another seed.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { arbitraries, assertWellBehaved, EXTRA_GENERATORS, fixtureCorpus, mutatedFixture, PARSERS, type ParserName } from './fuzz-support.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20_261_126);
const corpus = fixtureCorpus();
const timeout = Math.max(60_000, RUNS * 2);

describe.each(Object.keys(PARSERS) as ParserName[])('fuzz %s', (name) => {
  const generators: [string, fc.Arbitrary<string>][] = [
    ['random bytes', arbitraries.bytes],
    ['random UTF-16', arbitraries.unicode],
    ['syntax fragments', arbitraries.syntax],
    ['mutated fixtures', mutatedFixture(corpus[name])],
    ...(EXTRA_GENERATORS[name] ?? []),
  ];
  it.each(generators)('%s', (_label, arb) => {
    fc.assert(fc.property(arb, (text) => assertWellBehaved(name, text)), { numRuns: Math.ceil(RUNS / generators.length), seed: SEED, endOnFailure: true });
  }, timeout);
});
