// Module resolution hook (see forbid-ink.mjs). The tui modules are matched as dist/tui/, so a
// checkout that happens to sit in a folder named tui is not forbidden as a whole.
const FORBIDDEN = /^(ink|ink-[\w-]+|react|react\/.*|react-reconciler)$|\/dist\/tui\//;

export async function resolve(specifier, context, next) {
  if (FORBIDDEN.test(specifier)) throw new Error(`forbid-ink: "${specifier}" was imported (from ${context.parentURL ?? 'the command line'})`);
  return next(specifier, context);
}
