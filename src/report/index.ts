// The reporter registry: one entry per --format, all with the same signature. The CLI (render() in
// src/cli/main.ts) picks one by name; each maps the shared options onto its own.
import type { AuditReport } from '../audit.js';
import { checkstyleReport } from './checkstyle.js';
import { conciseReport } from './concise.js';
import { githubReport } from './github.js';
import { gitlabReport } from './gitlab.js';
import { jsonReport } from './json.js';
import { junitReport } from './junit.js';
import { markdownReport } from './markdown.js';
import { prometheusReport } from './prometheus.js';
import { sarifReport } from './sarif.js';
import { textReport } from './text.js';

export type Format = 'text' | 'concise' | 'json' | 'sarif' | 'github' | 'markdown' | 'gitlab' | 'junit' | 'checkstyle' | 'prometheus';
export const FORMATS: readonly Format[] = ['text', 'concise', 'json', 'sarif', 'github', 'markdown', 'gitlab', 'junit', 'checkstyle', 'prometheus'];

export interface ReportOptions {
  /** The audited path as the user wrote it (text, json). */
  readonly displayRoot: string;
  /** Prepended to every repo-relative path by the CI formats (POSIX, ending in "/", or ""). */
  readonly pathPrefix: string;
  readonly color: boolean;
  /** -q: the text format prints the concise lines only (no grouping, no summary). */
  readonly quiet: boolean;
  /** The unified diff of the fixes (markdown; computed by the caller, empty: no fix section). */
  readonly patch: string;
  readonly unsafeFixes: boolean;
  /** When the report is made (ms since the epoch; prometheus). Default: the current time. */
  readonly now?: number;
}

export type Reporter = (result: AuditReport, options: ReportOptions) => string;

export const REPORTERS: Readonly<Record<Format, Reporter>> = {
  text: (result, o) => (o.quiet ? conciseReport(result, { color: o.color, displayRoot: o.displayRoot, summary: false }) : textReport(result, { color: o.color, displayRoot: o.displayRoot })),
  concise: (result, o) => conciseReport(result, { color: o.color, displayRoot: o.displayRoot, summary: !o.quiet }),
  json: (result, o) => jsonReport(result, o.displayRoot),
  sarif: (result, o) => sarifReport(result, { pathPrefix: o.pathPrefix }),
  github: (result, o) => githubReport(result, { pathPrefix: o.pathPrefix }),
  gitlab: (result, o) => gitlabReport(result, { pathPrefix: o.pathPrefix }),
  junit: (result, o) => junitReport(result, { pathPrefix: o.pathPrefix }),
  checkstyle: (result, o) => checkstyleReport(result, { pathPrefix: o.pathPrefix }),
  prometheus: (result, o) => prometheusReport(result, { displayRoot: o.displayRoot, now: o.now ?? Date.now() }),
  markdown: (result, o) => markdownReport(result, { patch: o.patch, unsafeFixes: o.unsafeFixes, pathPrefix: o.pathPrefix }),
};
