// Moved to src/engine/baseline.ts; this re-export keeps existing imports working.
export { applyBaseline, baselineOf, BaselineError, readBaseline, writeBaseline, type Baseline } from './engine/baseline.js';
