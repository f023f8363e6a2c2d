/** A mistake in how driftcheck was called: one line to stderr, exit code 2. */
export class UsageError extends Error {}
