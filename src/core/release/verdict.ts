// PASSED only when the cloud says the bench device's execution succeeded AND the board showed the
// expected version on serial after the job started (its banner, or its reply to the version query)
// AND it did not crash or boot-loop after the update; anything else is FAILED with the cloud's
// reason and the serial lines that tell the story. Warnings/errors the board printed are notes only;
// a board that already ran the version is said to prove nothing. Exports decideVerdict & helpers.

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
  /** The board's reply to the version query (asked when the banner was missed). */
  query?: { line: SerialLine; version: string };
  /** The version query was sent (whether or not it was answered). */
  queryAsked?: boolean;
  /** Crashes and boot loops after the update (evidence.ts crashEvidence). */
  crashes?: NonNullable<Verdict['crashes']>;
  before?: Verdict['before'];
  notes?: string[];
}

const quote = (s: string) => `"${s.length > 120 ? s.slice(0, 117) + '…' : s}"`;

export function decideVerdict(v: VerdictInput): Verdict {
  const exec = benchExecution(v.rollout, v.target);
  const reasons: string[] = [];
  const cloudOk = exec?.status === 'succeeded';
  if (!v.rollout) reasons.push('No rollout of the verify job was seen.');
  else if (!exec) {
    reasons.push(`The verify job ended (${v.rollout.rawJobStatus}) without an execution for ${v.target ?? 'the bench device'}.`);
  } else if (!cloudOk && v.rollout.jobStatus === 'canceled' && exec.status !== 'failed' && exec.status !== 'timed-out' && exec.status !== 'rejected') {
    // Cancelled on the cloud (from the tree, the console or another tool) before the device finished.
    reasons.push(`The verify job was cancelled on the cloud (${v.rollout.rawJobStatus}) while ${exec.target} was ${exec.rawStatus}.`);
  } else if (!cloudOk) {
    const why = cloudReason(exec);
    reasons.push(`The cloud reports the verify job ${exec.status} on ${exec.target} (${exec.rawStatus})${why ? `: ${why}` : ''}.`);
  }
  const queried = v.query?.version === v.version ? v.query : undefined;
  const evidence: Verdict['evidence'] = v.bannerLine ? { kind: 'banner', line: v.bannerLine } : queried ? { kind: 'query', line: queried.line } : undefined;
  if (!evidence) {
    if (!v.serialConnected) reasons.push(`No serial port is connected, so the board's version ${v.version} could not be confirmed. Select the board's port and re-run.`);
    else if (v.query) reasons.push(`The board answered the version query with ${v.query.version}, not ${v.version}: ${quote(v.query.line.text)}.`);
    else if (cloudOk) reasons.push(`The cloud reports success, but the board never printed version ${v.version} on serial (waited ${Math.round(v.bannerGraceMs / 1000)} s after the job finished)${v.queryAsked ? ' and did not answer the version query' : '; set otaBench.release.versionQuery so the board can be asked'}.`);
    else reasons.push(`The board did not print version ${v.version} on serial.`);
  }
  const crashes = v.crashes ?? [];
  for (const c of crashes) {
    const first = c.lines.find((l) => l.text.trim())?.text ?? '';
    reasons.push(c.kind === 'boot-loop' ? `The board is in a ${c.name} after the update.` : `The board crashed after the update (${c.name}): ${quote(first)}${c.decoded?.length ? ` at ${c.decoded[0].replace(/^0x[0-9a-f]+: /, '')}` : ''}.`);
  }
  const passed = cloudOk && !!evidence && crashes.length === 0;
  const how = evidence?.kind === 'query' ? `answered the version query with ${v.version}` : `reported ${v.version} on serial`;
  const caveat = v.before?.same ? [`The board already ran ${v.version} before the job (${v.before.how === 'query' ? 'its answer to the version query' : 'its last banner'}), so this verify proves nothing about the update.`] : [];
  const crashLines = crashes.flatMap((c) => c.lines);
  return {
    result: passed ? 'passed' : 'failed',
    reasons: passed ? [`${exec!.target} succeeded and the board ${how}.`, ...caveat] : [...reasons, ...caveat],
    ...(v.bannerLine ? { bannerLine: v.bannerLine } : {}),
    serialLines: passed ? [] : crashLines.length ? crashLines.slice(0, 24) : relevantLines(v.lines),
    ...(exec ? { execution: exec } : {}),
    ...(evidence ? { evidence } : {}),
    ...(crashes.length ? { crashes } : {}),
    ...(v.before ? { before: v.before } : {}),
    ...(v.notes?.length ? { notes: v.notes } : {}),
  };
}
