// PEP 503 name normalisation, shared by every layer (config, parsers, model).

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
