// The progress line of a long audit on a terminal: one line on stderr, rewritten in place as the
// audit reads files and builds services, and erased when the audit ends. It appears only once the
// run has taken a while (1 s by default; DRIFTCHECK_PROGRESS_DELAY_MS), and never when stderr is
// not a terminal, so pipes, files and CI logs never see it; stdout never does.
import type { AuditProgress, ProgressListener } from '../engine/pipeline.js';
import { progressSummary } from '../report/summary.js';

export const DEFAULT_PROGRESS_DELAY_MS = 1000;
/** Rewrites closer together than this are skipped (a new step is always shown). */
const MIN_INTERVAL_MS = 100;
const ERASE = '\r\u001B[K';

export interface ProgressLine {
  /** Undefined when no line is to be drawn (not a terminal). */
  readonly listener: ProgressListener | undefined;
  /** Erases the line if one is shown (before other output, and at the end). */
  readonly clear: () => void;
}

/** `delay`: from DRIFTCHECK_PROGRESS_DELAY_MS (milliseconds), else 1 s. */
export function progressDelay(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env['DRIFTCHECK_PROGRESS_DELAY_MS'];
  const value = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : DEFAULT_PROGRESS_DELAY_MS;
}

export function progressLine(write: (text: string) => void, isTTY: boolean, delayMs: number, now: () => number = Date.now): ProgressLine {
  if (!isTTY) return { listener: undefined, clear: () => undefined };
  const start = now();
  let shown = false;
  let lastAt = Number.NEGATIVE_INFINITY;
  let lastStep: AuditProgress['step'] | null = null;
  const listener = (progress: AuditProgress): void => {
    const at = now();
    if (at - start < delayMs) return;
    if (progress.step === lastStep && at - lastAt < MIN_INTERVAL_MS) return;
    write(`${ERASE}driftcheck: ${progressSummary(progress)}`);
    shown = true;
    lastAt = at;
    lastStep = progress.step;
  };
  const clear = (): void => {
    if (!shown) return;
    write(ERASE);
    shown = false;
    lastStep = null;
  };
  return { listener, clear };
}
