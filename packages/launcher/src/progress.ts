// One line per step with ✓/✗ and elapsed time. On a TTY the steps under way show as
// "… name" and are replaced when they end; elsewhere (CI, pipes) only the final lines are
// printed, so logs stay clean.

export interface ProgressEvent {
  step: string;
  state: 'start' | 'done' | 'failed';
  elapsedMs?: number;
  detail?: string;
}

export type ProgressListener = (event: ProgressEvent) => void;

/** Runs `work` as a named step, reporting start and end to `listener`. */
export async function step<T>(listener: ProgressListener | undefined, name: string, work: () => Promise<T>): Promise<T> {
  const startedAt = performance.now();
  listener?.({ step: name, state: 'start' });
  try {
    const result = await work();
    listener?.({ step: name, state: 'done', elapsedMs: Math.round(performance.now() - startedAt) });
    return result;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    listener?.({ step: name, state: 'failed', elapsedMs: Math.round(performance.now() - startedAt), detail });
    throw error;
  }
}

/**
 * A listener that draws the steps on a stream. On a TTY the steps under way share one
 * status line ("… postgres, s3") kept below the finished ones.
 */
export function progressPrinter(out: NodeJS.WriteStream = process.stderr): ProgressListener {
  const interactive = out.isTTY === true;
  const underway: string[] = [];
  return (event) => {
    if (interactive) out.write('\r\x1b[2K');
    if (event.state === 'start') {
      underway.push(event.step);
    } else {
      underway.splice(underway.indexOf(event.step), 1);
      const mark = event.state === 'done' ? '✓' : '✗';
      // A failure's detail is left to the caller, which reports the whole error.
      out.write(`  ${mark} ${event.step} (${event.elapsedMs} ms)\n`);
    }
    if (interactive && underway.length > 0) out.write(`  … ${underway.join(', ')}`);
  };
}
