// Module resolution hook (see forbid-ink.mjs).
const FORBIDDEN = /^(ink|ink-[\w-]+|react|react\/.*|react-reconciler)$|\/tui\//;

export async function resolve(specifier, context, next) {
  if (FORBIDDEN.test(specifier)) throw new Error(`forbid-ink: "${specifier}" was imported (from ${context.parentURL ?? 'the command line'})`);
  return next(specifier, context);
}
