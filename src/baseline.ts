// Moved to src/engine/baseline.ts; this re-export keeps existing imports working.
export { applyBaseline, baselineOf, BaselineError, matchBaseline, newSince, readBaseline, writeBaseline, type Baseline, type BaselineEntry, type BaselineMatch } from './engine/baseline.js';
