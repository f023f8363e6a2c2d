// Golden files: compared byte for byte; UPDATE_GOLDENS=1 rewrites them (review with git diff).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

export function expectGolden(path: string, actual: string): void {
  if (process.env['UPDATE_GOLDENS'] === '1') {
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`missing golden ${path}; run UPDATE_GOLDENS=1 npx vitest run and review the result`);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
