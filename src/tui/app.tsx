// The interactive report: audits (showing a spinner first), then shows the findings and runs the
// effects the reducer asks for (write a patch, apply fixes in place, quit).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useReducer, useState } from 'react';
import type { AuditOptions, AuditResult } from '../audit.js';
import type { Finding } from '../findings/types.js';
import { computeChosenFixes, previewFix } from '../fix/apply.js';
import { unifiedDiff, unifiedDiffBytes } from '../fix/patch.js';
import { writeFixes } from '../fix/write.js';
import { visible } from '../report/summary.js';
import { workTreePrefix } from '../util/work-tree.js';
import { Lines } from './components/line.js';
import { chosen, initialState, reducer } from './reducer.js';
import { screenLines } from './screen.js';

export interface AppProps {
  /** Runs the audit (again after fixes are applied in place). */
  readonly load: () => AuditResult;
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
  const [frame, setFrame] = useState(0);
  const [failure, setFailure] = useState<Error | null>(null);

  // Render the spinner first, then audit (synchronous) once the frame is out.
  useEffect(() => {
    const spin = setInterval(() => setFrame((f) => (f + 1) % SPINNER.length), 80);
    const timer = setTimeout(() => {
      try {
        const r = load();
        setResult(r);
        onResult?.(r);
        dispatch({ type: 'load', findings: visible(r) });
      } catch (error) {
        setFailure(error instanceof Error ? error : new Error(String(error)));
      } finally {
        clearInterval(spin);
      }
    }, 10);
    return () => {
      clearTimeout(timer);
      clearInterval(spin);
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
    try {
      const outcome = computeChosenFixes(auditOptions, result, picked);
      const fixes = `${outcome.applied.length} fix${outcome.applied.length === 1 ? '' : 'es'} in ${outcome.changes.length} file${outcome.changes.length === 1 ? '' : 's'}`;
      const warnings = outcome.warnings.length > 0 ? ` (warning: ${outcome.warnings.join('; ')})` : '';
      if (effect.kind === 'write') {
        // Paths from the top of the git work tree, so the patch applies from the repository root.
        writeFileSync(resolve(cwd, effect.path), unifiedDiffBytes(outcome.changes, { pathPrefix: workTreePrefix(auditOptions.root) }));
        dispatch({ type: 'effect-done', status: `Wrote ${effect.path}: ${fixes}${warnings}` });
      } else {
        const notes: string[] = [];
        writeFixes(auditOptions.root, outcome.changes, (line) => notes.push(line));
        const after = load();
        setResult(after);
        onResult?.(after);
        const noted = notes.length > 0 ? ` (note: ${notes.join('; ')})` : '';
        dispatch({ type: 'load', findings: visible(after), status: `Applied ${fixes}; audited again${warnings}${noted}` });
      }
    } catch (error) {
      dispatch({ type: 'effect-done', status: `Error: ${error instanceof Error ? error.message : String(error)}` });
    }
  }, [state.effect]); // each requested effect runs once, with the state that requested it

  if (result === null) {
    return (
      <Box flexDirection="column">
        <Text>
          <Text color="cyan">{SPINNER[frame]}</Text> Auditing {root} …
        </Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Lines lines={screenLines({ state, result, root, width: size.columns, height: size.rows, patchFor })} />
    </Box>
  );
}
