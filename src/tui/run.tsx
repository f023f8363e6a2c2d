// Entry point of the interactive report, imported lazily by the CLI (only with -i on a TTY), so
// ink and React are never loaded by the other commands.
import { render } from 'ink';
import { auditInParallel, type AuditOptions, type AuditResult, type ProgressListener } from '../audit.js';
import type { Threads } from '../parallel/discover-parallel.js';
import { App } from './app.js';

export interface InteractiveOptions {
  readonly auditOptions: AuditOptions;
  /** The root as the user wrote it, for the header. */
  readonly root: string;
  /** Where relative paths the user types (a patch file) are resolved (default: the process's). */
  readonly cwd?: string;
  /** Applied to every audit result before it is shown (e.g. --changed-since). */
  readonly postprocess?: (result: AuditResult) => AuditResult;
  /** --workers (default: auto). */
  readonly threads?: Threads;
}

/** Runs the report until the user quits; resolves with the last audit result shown. */
export async function runInteractive(options: InteractiveOptions): Promise<AuditResult> {
  // The audit yields to the event loop between its steps (onProgress), so the spinner turns.
  let running: Promise<AuditResult> | null = null;
  const load = (onProgress?: ProgressListener): Promise<AuditResult> => {
    running = auditInParallel(options.auditOptions, options.threads ?? 'auto', undefined, onProgress).then((result) => (options.postprocess ? options.postprocess(result) : result));
    return running;
  };
  let last: AuditResult | null = null;
  const instance = render(<App load={load} auditOptions={options.auditOptions} root={options.root} cwd={options.cwd ?? process.cwd()} onResult={(r) => (last = r)} />, {
    exitOnCtrlC: true,
    patchConsole: false,
  });
  await instance.waitUntilExit();
  // Ctrl-C during the audit: nothing was shown; finish it so the exit code still means something.
  return last ?? (await (running ?? load()));
}
