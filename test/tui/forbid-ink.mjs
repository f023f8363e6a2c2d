// Loaded with `node --import` by lazy-load.test.ts: any attempt to resolve ink, React or the
// interactive report's modules fails loudly, so a non-interactive run that loads them crashes.
import { register } from 'node:module';

register('./forbid-ink-hooks.mjs', import.meta.url);
