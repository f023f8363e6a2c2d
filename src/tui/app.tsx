// The interactive report: audits (drawing a spinner and the audit's progress first; the audit
// yields to the event loop between its steps, so the spinner turns), then shows the findings and
// runs the effects the reducer asks for (write a patch, apply fixes in place, quit), each showing
// what it is doing until it is done.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Box, useApp, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useReducer, useState } from 'react';
import type { AuditOptions, AuditProgress, AuditResult, ProgressListener } from '../audit.js';
import type { Finding } from '../findings/types.js';
import { computeChosenFixes, previewFix } from '../fix/apply.js';
import { unifiedDiff, unifiedDiffBytes } from '../fix/patch.js';
import { writeFixes } from '../fix/write.js';
import { progressSummary, visible } from '../report/summary.js';
import { workTreePrefix } from '../util/work-tree.js';
import { Lines } from './components/line.js';
import { truncate, type Line } from './format.js';
import { chosen, initialState, reducer } from './reducer.js';
import { screenLines } from './screen.js';

export interface AppProps {
  /** Runs the audit (again after fixes are applied in place), telling `onProgress` how far it got. */
  readonly load: (onProgress: ProgressListener) => AuditResult | Promise<AuditResult>;
  readonly auditOptions: AuditOptions;
  /** The root as the user wrote it, for the header. */
  readonly root: string;
  /** Where a patch file name is resolved. */
  readonly cwd: string;
  /** Called with every new audit result (the caller's exit code follows the last one). */
  readonly onResult?: (result: AuditResult) => void;
  /** Fixed screen size (tests); default: the terminal's, following resizes. */
  readonly size?: { readonly columns: number; readonly rows: number };
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/**
 * ink draws at most one frame per 1000/30 ms and defers the rest; an effect that blocks (computing
 * fixes) waits this long first, so the frame saying what it does is on the screen meanwhile.
 */
const FRAME_SETTLE_MS = 50;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function useSpinner(active: boolean): string {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    if (!active) return undefined;
    const spin = setInterval(() => setFrame((f) => (f + 1) % SPINNER.length), 80);
    return () => clearInterval(spin);
  }, [active]);
  return SPINNER[frame] ?? '';
}

function useScreenSize(fixed: AppProps['size']): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = (): { columns: number; rows: number } => fixed ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixed) return undefined;
    const onResize = (): void => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]); // `read` only reads these
  return fixed ?? size;
}

export function App({ load, auditOptions, root, cwd, onResult, size: fixedSize }: AppProps) {
  const { exit } = useApp();
  const size = useScreenSize(fixedSize);
  const [result, setResult] = useState<AuditResult | null>(null);
  const [state, dispatch] = useReducer(reducer, undefined, () => initialState());
  const [progress, setProgress] = useState<AuditProgress | null>(null);
  /** What the effect under way is doing, for the footer (null: the default for its kind). */
  const [activity, setActivity] = useState<string | null>(null);
  const [failure, setFailure] = useState<Error | null>(null);
  const busy = result === null || (state.effect !== null && state.effect.kind !== 'quit');
  const spinner = useSpinner(busy);

  // The first frame (spinner) is drawn before the audit starts; the audit reports its progress.
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      Promise.resolve()
        .then(() => load((p) => live && setProgress(p)))
        .then((r) => {
          if (!live) return;
          setResult(r);
          setProgress(null);
          onResult?.(r);
          dispatch({ type: 'load', findings: visible(r) });
        })
        .catch((error: unknown) => live && setFailure(error instanceof Error ? error : new Error(String(error))));
    }, 10);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, []); // once: the first audit
  useEffect(() => {
    if (failure !== null) exit(failure);
  }, [failure, exit]);

  useInput((input, key) => dispatch({ type: 'key', input, key }), { isActive: result !== null });

  // Fix previews are cheap (one pass, no re-audit) but computed once per finding and result.
  const patchFor = useMemo(() => {
    const cache = new Map<Finding, string>();
    return (finding: Finding): string => {
      if (!result) return '';
      let patch = cache.get(finding);
      if (patch === undefined) {
        patch = unifiedDiff(previewFix(result, finding));
        cache.set(finding, patch);
      }
      return patch;
    };
  }, [result]);

  useEffect(() => {
    const effect = state.effect;
    if (effect === null || result === null) return;
    if (effect.kind === 'quit') {
      exit();
      return;
    }
    const picked = chosen(state);
    const run = async (): Promise<void> => {
      try {
        setActivity(effect.kind === 'write' ? `Writing ${effect.path}: ${picked.length} selected fix${picked.length === 1 ? '' : 'es'}…` : `Applying ${picked.length} selected fix${picked.length === 1 ? '' : 'es'}…`);
        await pause(FRAME_SETTLE_MS);
        const outcome = computeChosenFixes(auditOptions, result, picked);
        const fixes = `${outcome.applied.length} fix${outcome.applied.length === 1 ? '' : 'es'} in ${outcome.changes.length} file${outcome.changes.length === 1 ? '' : 's'}`;
        const warnings = outcome.warnings.length > 0 ? ` (warning: ${outcome.warnings.join('; ')})` : '';
        if (effect.kind === 'write') {
          // Paths from the top of the git work tree, so the patch applies from the repository root.
          writeFileSync(resolve(cwd, effect.path), unifiedDiffBytes(outcome.changes, { pathPrefix: workTreePrefix(auditOptions.root) }));
          dispatch({ type: 'effect-done', status: `Wrote ${effect.path}: ${fixes}${warnings}`, wrote: true });
        } else {
          const notes: string[] = [];
          writeFixes(auditOptions.root, outcome.changes, (line) => notes.push(line));
          const applied = `Applied ${fixes}`;
          setActivity(`${applied}; auditing again…`);
          const after = await load((p) => setActivity(`${applied}; auditing again: ${progressSummary(p)}`));
          setResult(after);
          onResult?.(after);
          const noted = notes.length > 0 ? ` (note: ${notes.join('; ')})` : '';
          dispatch({ type: 'load', findings: visible(after), status: `${applied}; audited again${warnings}${noted}` });
        }
      } catch (error) {
        dispatch({ type: 'effect-done', status: `Error: ${error instanceof Error ? error.message : String(error)}` });
      } finally {
        setActivity(null);
      }
    };
    void run();
  }, [state.effect]); // each requested effect runs once, with the state that requested it

  if (result === null) {
    return (
      <Box flexDirection="column">
        <Lines
          lines={([
            [{ text: 'driftcheck ', bold: true }, { text: root, color: 'cyan' }],
            [{ text: spinner, color: 'cyan' }, { text: ` auditing${progress === null ? '…' : `: ${progressSummary(progress)}`}` }],
          ] satisfies Line[]).map((line) => truncate(line, size.columns))}
        />
      </Box>
    );
  }
  const shownActivity = activity === null ? null : busy ? `${spinner} ${activity}` : activity;
  return (
    <Box flexDirection="column">
      <Lines lines={screenLines({ state, result, root, width: size.columns, height: size.rows, patchFor, activity: shownActivity })} />
    </Box>
  );
}
