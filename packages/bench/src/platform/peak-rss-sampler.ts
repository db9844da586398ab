// Peak resident memory of a set of processes that changes while it is watched (a process tree
// whose members come and go), for what runs outside our own child processes (dlt's Python, the
// worker's replication child). Every tick sums the members' RSS; the peak is the highest sum, or
// the highest single member's VmHWM when that is larger (the kernel's own high-water mark catches
// a spike between ticks, which the sum cannot).
import { processChildren, processTree, residentBytes } from './proc-stats';

const SAMPLE_MS = 100;
/** Walking /proc for the members costs more than reading their status, so it is done less often. */
const MEMBERS_MS = 500;

export class PeakRssSampler {
  private members: number[] = [];
  private peakSum = 0;
  private peakHwm = 0;
  private readonly sampleTimer: NodeJS.Timeout;
  private readonly membersTimer: NodeJS.Timeout;

  /** `members` lists the pids to watch now; it is asked again every MEMBERS_MS. */
  constructor(private readonly listMembers: () => number[]) {
    this.refreshMembers();
    this.sample();
    this.sampleTimer = setInterval(() => this.sample(), SAMPLE_MS);
    this.membersTimer = setInterval(() => this.refreshMembers(), MEMBERS_MS);
  }

  /** Stops sampling and returns the peak in bytes. */
  stop(): number {
    clearInterval(this.sampleTimer);
    clearInterval(this.membersTimer);
    this.refreshMembers();
    this.sample();
    return Math.max(this.peakSum, this.peakHwm);
  }

  private refreshMembers(): void {
    this.members = this.listMembers();
  }

  private sample(): void {
    let sum = 0;
    for (const pid of this.members) {
      const { rss, hwm } = residentBytes(pid);
      sum += rss;
      this.peakHwm = Math.max(this.peakHwm, hwm);
    }
    this.peakSum = Math.max(this.peakSum, sum);
  }
}

/** `root` and its descendants, less the pids in `exclude` (processes that were there before). */
export function descendantsOf(root: number, exclude: ReadonlySet<number> = new Set()): () => number[] {
  return () => processTree(root, processChildren()).filter((pid) => !exclude.has(pid));
}
