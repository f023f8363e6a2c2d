// The parsers whose results may be remembered between runs (issue #18: incremental runs). Each
// model is a function of the file's text alone, so a store keyed by the text's digest can hand
// back a model parsed by an earlier run. The store itself (src/cache/parse-cache.ts) sits above
// the pipeline; the model and the Python scan see only this interface.
import { parseCompose } from './compose.js';
import { parseDockerfile } from './dockerfile.js';
import { scanPythonImports } from './python-imports.js';
import { parseRequirements } from './requirements.js';
import type { ComposeFileModel, DockerfileModel, PythonFileModel, RequirementsFileModel } from './types.js';

export interface ParsedModels {
  readonly python: PythonFileModel;
  readonly requirements: RequirementsFileModel;
  readonly dockerfile: DockerfileModel;
  readonly compose: ComposeFileModel;
}

export type MemoKind = keyof ParsedModels;

export const MEMO_KINDS: readonly MemoKind[] = ['python', 'requirements', 'dockerfile', 'compose'];

export const PARSERS: { readonly [K in MemoKind]: (text: string) => ParsedModels[K] } = {
  python: scanPythonImports,
  requirements: parseRequirements,
  dockerfile: parseDockerfile,
  compose: parseCompose,
};

/** Parses `text` as `kind`, or hands back the model an earlier run parsed from the same text. */
export interface ParseMemo {
  parse<K extends MemoKind>(kind: K, text: string): ParsedModels[K];
}

/** No memory: every file is parsed. */
export const DIRECT_PARSE: ParseMemo = {
  parse: (kind, text) => PARSERS[kind](text),
};
