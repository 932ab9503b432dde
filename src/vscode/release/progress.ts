// The release as a progress notification: one bar across the whole release, in which the upload
// and the watch advance by their own percentages; the message names the step and what it is doing.
// Pure arithmetic here (ProgressMeter), the notification itself in the controller.
import { STEP_IDS, STEP_TITLES, type ReleaseEvent, type StepId } from '../../core/release/types';

/** How much of the bar each step takes (the upload and the watch are the long ones). */
const WEIGHT: Record<StepId, number> = {
  build: 10, locate: 1, version: 1, sign: 4, upload: 35, register: 3, publish: 2, 'start-verify': 3, watch: 39, verdict: 2,
};

export interface ProgressReport {
  /** Increment of the whole bar since the last report (0–100 overall). */
  increment: number;
  message: string;
}

export class ProgressMeter {
  private reported = 0;
  private readonly total: number;
  private readonly before: Record<StepId, number>;

  constructor(private readonly steps: readonly StepId[] = STEP_IDS) {
    this.total = steps.reduce((a, s) => a + WEIGHT[s], 0);
    let acc = 0;
    this.before = {} as Record<StepId, number>;
    for (const s of steps) {
      this.before[s] = acc;
      acc += WEIGHT[s];
    }
  }

  /** The report for an event, or undefined when it changes nothing shown. */
  next(e: ReleaseEvent): ProgressReport | undefined {
    if (e.type === 'step') {
      if (!this.steps.includes(e.step)) return undefined;
      const after = e.status === 'started' ? this.before[e.step] : this.before[e.step] + WEIGHT[e.step];
      const message = e.status === 'started' ? `${STEP_TITLES[e.step]}\u2026` : e.status === 'failed' ? `${STEP_TITLES[e.step]} failed` : `${STEP_TITLES[e.step]}: ${e.summary ?? e.status}`;
      return this.to(after, message);
    }
    if (e.type === 'progress' && this.steps.includes(e.step)) {
      const pct = e.percent;
      const at = pct !== undefined ? this.before[e.step] + (WEIGHT[e.step] * pct) / 100 : this.reportedAt();
      const what = e.message ?? (e.done !== undefined && e.total ? `${mb(e.done)} of ${mb(e.total)}` : '');
      return this.to(at, `${STEP_TITLES[e.step]}${pct !== undefined ? ` ${pct}%` : ''}${what ? ` — ${what}` : ''}`);
    }
    return undefined;
  }

  private reportedAt(): number {
    return (this.reported / 100) * this.total;
  }

  private to(atWeight: number, message: string): ProgressReport {
    const pct = Math.min(100, (atWeight / this.total) * 100);
    // The notification's bar only moves forward.
    const increment = Math.max(0, pct - this.reported);
    this.reported += increment;
    return { increment, message };
  }
}

const mb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.round(n / 1024)} KB`);
