// PASSED only when the cloud says the bench device's execution succeeded AND the board printed the
// expected version on serial after the job started; anything else is FAILED with the cloud's
// reason and the serial lines that tell the story.

import type { Execution, Rollout } from '../model';
import { relevantLines } from './serialWatch';
import type { ExecutionSummary, RolloutSummary, SerialLine, Verdict } from './types';

export function summarizeRollout(r: Rollout): RolloutSummary {
  return {
    at: r.at.getTime(),
    jobStatus: r.job.status,
    rawJobStatus: r.job.rawStatus,
    done: r.done,
    counts: Object.fromEntries(Object.entries(r.counts).filter(([, n]) => n !== undefined)) as Record<string, number>,
    executions: r.executions.map(summarizeExecution),
  };
}

function summarizeExecution(e: Execution): ExecutionSummary {
  return {
    target: e.target,
    status: e.status,
    rawStatus: e.rawStatus,
    ...(e.progress !== undefined ? { progress: e.progress } : {}),
    ...(e.statusDetails && Object.keys(e.statusDetails).length ? { statusDetails: { ...e.statusDetails } } : {}),
  };
}

/** The bench device's execution: by target name, else the only one. */
export function benchExecution(r: RolloutSummary | undefined, target: string | undefined): ExecutionSummary | undefined {
  if (!r) return undefined;
  return r.executions.find((e) => e.target === target) ?? (r.executions.length === 1 ? r.executions[0] : undefined);
}

/** The device's own words for a failure (AWS statusDetails.reason, Huawei error_msg, Alibaba TaskDesc …). */
export function cloudReason(e: ExecutionSummary): string {
  const d = e.statusDetails ?? {};
  const pick = ['reason', 'error_msg', 'errorMessage', 'TaskDesc', 'desc', 'description', 'message'].map((k) => d[k]).find((v) => v && v.trim());
  const rest = Object.entries(d)
    .filter(([, v]) => v !== pick)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return [pick, rest].filter(Boolean).join('; ');
}

export interface VerdictInput {
  rollout?: RolloutSummary;
  target?: string;
  version: string;
  bannerLine?: SerialLine;
  /** Board lines since the job was requested. */
  lines: SerialLine[];
  serialConnected: boolean;
  /** How long we waited for the banner after the job finished. */
  bannerGraceMs: number;
}

export function decideVerdict(v: VerdictInput): Verdict {
  const exec = benchExecution(v.rollout, v.target);
  const reasons: string[] = [];
  const cloudOk = exec?.status === 'succeeded';
  if (!v.rollout) reasons.push('No rollout of the verify job was seen.');
  else if (!exec) {
    reasons.push(`The verify job ended (${v.rollout.rawJobStatus}) without an execution for ${v.target ?? 'the bench device'}.`);
  } else if (!cloudOk) {
    const why = cloudReason(exec);
    reasons.push(`The cloud reports the verify job ${exec.status} on ${exec.target} (${exec.rawStatus})${why ? `: ${why}` : ''}.`);
  }
  if (!v.bannerLine) {
    if (!v.serialConnected) reasons.push(`No serial port is connected, so the board's version ${v.version} could not be confirmed. Select the board's port and re-run.`);
    else if (cloudOk) reasons.push(`The cloud reports success, but the board never printed version ${v.version} on serial (waited ${Math.round(v.bannerGraceMs / 1000)} s after the job finished).`);
    else reasons.push(`The board did not print version ${v.version} on serial.`);
  }
  const passed = cloudOk && !!v.bannerLine;
  return {
    result: passed ? 'passed' : 'failed',
    reasons: passed ? [`${exec!.target} succeeded and the board reported ${v.version} on serial.`] : reasons,
    ...(v.bannerLine ? { bannerLine: v.bannerLine } : {}),
    serialLines: passed ? [] : relevantLines(v.lines),
    ...(exec ? { execution: exec } : {}),
  };
}
