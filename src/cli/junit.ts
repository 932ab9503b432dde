// JUnit XML for CI: one testcase per bench board of the verify job. A failed verdict is the
// testcase's <failure> (message: the verdict's reason), an interrupted or unreachable run an
// <error>; system-out holds the board's serial lines (the evidence), stamped and without ANSI.
import { benchExecution, cloudReason } from '../core/release/verdict';
import { stripAnsi } from '../core/serial/line';
import type { ReleaseRecord, SerialLine } from '../core/release/types';
import { splitList } from '../core/validators';

const esc = (s: string) =>
  s
    // XML 1.0 has no place for most control characters (a board can print anything).
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

export interface JunitInput {
  record: ReleaseRecord;
  /** The board's serial lines of this run (rx), oldest first. */
  serial: SerialLine[];
  /** With several bench boards: each board's lines, by its device id (the testcase of that device gets them). */
  boards?: Record<string, SerialLine[]>;
  /** How the run ended when it did not reach a verdict: 'interrupted', 'infrastructure'. */
  error?: string;
}

export function junitXml({ record: r, serial, boards, error }: JunitInput): string {
  const version = r.version?.value ?? '(unknown version)';
  const benches = r.config.target ? splitList(r.config.target) : [];
  const bench = benches[0];
  const targets = r.rollout?.executions.map((e) => e.target) ?? [];
  if (!targets.length) targets.push(...(benches.length ? benches : ['bench device']));
  const since = r.job?.requestedAt ?? r.createdAt;
  const evidenceOf = (lines: SerialLine[]) =>
    lines
      .filter((l) => (l.dir === undefined || l.dir === 'rx') && l.t >= since)
      .slice(-2000)
      .map((l) => `${new Date(l.t).toISOString()} ${stripAnsi(l.text)}`)
      .join('\n');
  const secs = (((r.steps.at(-1)?.endedAt ?? r.updatedAt) - r.createdAt) / 1000).toFixed(3);
  const benchExec = benchExecution(r.rollout, bench);
  const cases = targets.map((target) => {
    const isBench = target === (benchExec?.target ?? bench) || targets.length === 1;
    const exec = r.rollout?.executions.find((e) => e.target === target);
    const own = r.verdict?.boards?.find((b) => b.target === target);
    let verdict = '';
    if (error) {
      verdict = `<error message="${esc(error === 'interrupted' ? `Interrupted: ${r.note ?? ''}` : r.note ?? error)}" type="${esc(error)}"/>`;
    } else if (own) {
      if (own.result !== 'passed') verdict = `<failure message="${esc(own.reasons.join(' '))}" type="verdict">${esc(own.reasons.join('\n'))}</failure>`;
    } else if (isBench) {
      if (r.verdict?.result !== 'passed') {
        const reason = r.verdict ? r.verdict.reasons.join(' ') : (r.note ?? `The release ended ${r.status}.`);
        verdict = `<failure message="${esc(reason)}" type="${r.verdict ? 'verdict' : 'release'}">${esc([reason, ...(r.verdict?.serialLines ?? []).map((l) => stripAnsi(l.text))].join('\n'))}</failure>`;
      }
    } else if (exec && exec.status !== 'succeeded') {
      verdict = `<failure message="${esc(`${target}: ${exec.rawStatus}${cloudReason(exec) ? ` (${cloudReason(exec)})` : ''}`)}" type="execution"/>`;
    }
    const lines = boards ? boards[target] : isBench ? serial : undefined;
    const evidence = lines ? evidenceOf(lines) : '';
    const out = evidence ? `<system-out>${esc(evidence)}\n</system-out>` : '';
    return `    <testcase classname="ota-bench.${esc(r.config.profile)}" name="${esc(`${r.config.packageName} ${version} on ${target}`)}" time="${secs}">${verdict}${out}</testcase>`;
  });
  const failures = cases.filter((c) => c.includes('<failure')).length;
  const errors = cases.filter((c) => c.includes('<error')).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ota-bench" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${secs}">`,
    `  <testsuite name="${esc(`ota-bench release ${r.config.packageName} ${version} (${r.config.profile})`)}" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${secs}" timestamp="${new Date(r.createdAt).toISOString().slice(0, 19)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
