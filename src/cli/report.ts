// What the CLI tells the person (stderr, one line per thing that happened) and the machine (--json:
// one event per line on stdout). Everything passes through redact() first.
import type { Rollout } from '../core/model';
import { STEP_TITLES, type ReleaseEvent } from '../core/release/types';
import { redact } from '../core/redact';

export interface Output {
  json: boolean;
  /** A line for the person (stderr). */
  say(text: string): void;
  /** A JSON event (stdout, with --json). */
  event(e: Record<string, unknown>): void;
}

const clock = (t: number) => new Date(t).toISOString().slice(11, 19);

export function consoleOutput(json: boolean, err: NodeJS.WritableStream = process.stderr, out: NodeJS.WritableStream = process.stdout): Output {
  return {
    json,
    say: (text) => void err.write(`${redact(text)}\n`),
    event: (e) => {
      if (json) out.write(`${redact(JSON.stringify(e))}\n`);
    },
  };
}

const countsText = (counts: Record<string, number | undefined>) =>
  Object.entries(counts)
    .filter(([, n]) => n)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || 'no executions yet';

/** One line for a rollout snapshot: the job's status, its counts, the executions' progress. */
export function rolloutLine(r: Rollout): string {
  const execs = r.executions.map((e) => `${e.target} ${e.rawStatus}${e.progress !== undefined ? ` ${e.progress}%` : ''}`).join('; ');
  return `job ${r.job.id} ${r.job.rawStatus}: ${countsText(r.counts)}${execs ? ` (${execs})` : ''}`;
}

/** Turns release events into progress lines, printing upload percentages in 10 % steps and rollouts only when they change. */
export function releaseReporter(out: Output): (e: ReleaseEvent) => void {
  let lastPct = -1;
  let lastRollout = '';
  return (e) => {
    const t = clock(e.at);
    switch (e.type) {
      case 'step':
        if (e.status === 'started') {
          lastPct = -1;
          out.say(`[${t}] ${e.title}…`);
        } else if (e.status === 'failed') out.say(`[${t}] ${e.title} FAILED: ${e.reason ?? ''}${e.action ? `\n           → ${e.action}` : ''}`);
        else if (e.status === 'canceled') out.say(`[${t}] ${e.title} cancelled`);
        else out.say(`[${t}] ${e.title} ${e.status}${e.durationMs !== undefined ? ` in ${(e.durationMs / 1000).toFixed(1)} s` : ''}${e.summary ? `: ${e.summary}` : ''}`);
        out.event({ type: 'step', at: e.at, step: e.step, title: e.title, status: e.status, summary: e.summary, reason: e.reason, action: e.action, reused: e.reused, durationMs: e.durationMs });
        break;
      case 'progress':
        if (e.step === 'upload' && e.percent !== undefined) {
          const step = Math.floor(e.percent / 10) * 10;
          if (step > lastPct) {
            lastPct = step;
            out.say(`[${t}] ${STEP_TITLES.upload} ${e.percent}%${e.message ? ` — ${e.message}` : ''}`);
          }
        }
        out.event({ type: 'progress', at: e.at, step: e.step, percent: e.percent, message: e.message, done: e.done, total: e.total });
        break;
      case 'log':
        out.event({ type: 'log', at: e.at, step: e.step, text: e.text });
        break;
      case 'rollout': {
        const line = rolloutLine(e.rollout);
        if (line !== lastRollout) out.say(`[${t}] ${line}`);
        lastRollout = line;
        out.event({ type: 'rollout', at: e.at, job: e.rollout.job.id, status: e.rollout.job.rawStatus, done: e.rollout.done, counts: e.rollout.counts, executions: e.rollout.executions.map((x) => ({ target: x.target, status: x.status, rawStatus: x.rawStatus, progress: x.progress, statusDetails: x.statusDetails })) });
        break;
      }
      case 'serial-match':
        out.say(`[${t}] the board printed the expected version: ${e.line.text}`);
        out.event({ type: 'serial-match', at: e.at, line: e.line });
        break;
      case 'release':
        out.event({ type: 'release', at: e.at, status: e.status, message: e.message, record: e.record });
        break;
    }
  };
}
