// Parser dispatch by file kind, for callers that only need diagnostics (the fix engine's guard).
import type { FileKind } from '../source.js';
import { parseCompose } from './compose.js';
import { parseDockerfile } from './dockerfile.js';
import { parsePyproject } from './pyproject.js';
import { scanPythonImports } from './python-imports.js';
import { parseRequirements } from './requirements.js';
import type { ParseDiagnostic } from './types.js';

export function diagnosticsFor(kind: FileKind, text: string): readonly ParseDiagnostic[] {
  switch (kind) {
    case 'python':
      return scanPythonImports(text).diagnostics;
    case 'requirements':
      return parseRequirements(text).diagnostics;
    case 'dockerfile':
      return parseDockerfile(text).diagnostics;
    case 'compose':
      return parseCompose(text).diagnostics;
    case 'pyproject':
      return parsePyproject(text).diagnostics;
    default:
      return [];
  }
}
