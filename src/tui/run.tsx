// Entry point of the interactive report, imported lazily by the CLI (only with -i on a TTY), so
// ink and React are never loaded by the other commands.
import { render } from 'ink';
import { audit, type AuditOptions, type AuditResult } from '../audit.js';
import { App } from './app.js';

export interface InteractiveOptions {
  readonly auditOptions: AuditOptions;
  /** The root as the user wrote it, for the header. */
  readonly root: string;
  /** Where relative paths the user types (a patch file) are resolved (default: the process's). */
  readonly cwd?: string;
  /** Applied to every audit result before it is shown (e.g. --changed-since). */
  readonly postprocess?: (result: AuditResult) => AuditResult;
}

/** Runs the report until the user quits; resolves with the last audit result shown. */
export async function runInteractive(options: InteractiveOptions): Promise<AuditResult> {
  const load = (): AuditResult => {
    const result = audit(options.auditOptions);
    return options.postprocess ? options.postprocess(result) : result;
  };
  let last: AuditResult | null = null;
  const instance = render(<App load={load} auditOptions={options.auditOptions} root={options.root} cwd={options.cwd ?? process.cwd()} onResult={(r) => (last = r)} />, {
    exitOnCtrlC: true,
    patchConsole: false,
  });
  await instance.waitUntilExit();
  // Ctrl-C during the audit: nothing was shown; audit now so the exit code still means something.
  return last ?? load();
}
