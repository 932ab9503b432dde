// AWS's Release to Fleet form (core/clouds/fleet.ts): thing groups, rollout rate (constant or
// exponential), abort rule, in-progress timeout and the job id, each answer checked as it is typed
// by validateRollout (the documented AWS ranges), and the answers turned into the CreateJob input.
// Pure: no SDK code, so the wizard's checks and the provider's pre-call check are one rule.

import type { FleetAnswers, FleetForm, FleetQuestion, FleetSource } from '../fleet';
import { FAILURE_TYPES, NAME } from './limits';
import { validateRollout, type FailureType, type RolloutConfig } from './rollout';

/** arn:aws:iot:<region>:<account>: from any IoT ARN we know (the version's or the verify job's). */
export function iotArnPrefix(...arns: (string | undefined)[]): string | undefined {
  for (const a of arns) {
    const m = a && /^(arn:aws[a-z-]*:iot:[a-z0-9-]+:\d{12}:)/.exec(a);
    if (m) return m[1];
  }
  return undefined;
}

/** Thing-group names or ARNs, comma separated, as ARNs; or the first problem. */
export function parseTargets(input: string, prefix: string | undefined): { arns?: string[]; error?: string } {
  const parts = input.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
  if (!parts.length) return { error: 'Enter at least one thing group (its name or ARN).' };
  const arns: string[] = [];
  for (const p of parts) {
    if (p.startsWith('arn:')) {
      if (!/^arn:aws[a-z-]*:iot:[a-z0-9-]+:\d{12}:(thing|thinggroup)\/[a-zA-Z0-9:_-]+$/.test(p)) return { error: `${p} is not a thing-group ARN (arn:aws:iot:<region>:<account>:thinggroup/<name>).` };
      arns.push(p);
    } else {
      const r = NAME.thingGroupName;
      if (p.length > r.max || !r.pattern.test(p)) return { error: `"${p}" is not a thing-group name (1–128 letters, digits, ":", "_" or "-").` };
      if (!prefix) return { error: `Give the full ARN of "${p}": the account is not known yet.` };
      arns.push(`${prefix}thinggroup/${p}`);
    }
  }
  return { arns };
}

/** The errors validateRollout finds for one field (and the fields under it). */
export function fieldError(config: RolloutConfig, field: string): string | undefined {
  return validateRollout(config).find((e) => e.field === field || e.field.startsWith(`${field}.`))?.message;
}

const n = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** The rollout the answers describe (partial answers give a partial rollout, for per-field checks). */
export function rolloutConfigOf(a: FleetAnswers): RolloutConfig {
  const r: RolloutConfig = {};
  if (a.rate === 'constant' || a.rate === 'exponential') r.maximumPerMinute = n(a.maximumPerMinute);
  if (a.rate === 'exponential') {
    r.exponentialRate = { baseRatePerMinute: n(a.baseRatePerMinute)!, incrementFactor: n(a.incrementFactor)!, rateIncreaseCriteria: { numberOfSucceededThings: n(a.succeededToRaise) } };
  }
  if (typeof a.abort === 'string' && (FAILURE_TYPES as readonly string[]).includes(a.abort)) {
    r.abortCriteria = [{ failureType: a.abort as FailureType, thresholdPercentage: n(a.thresholdPercentage)!, minNumberOfExecutedThings: n(a.minNumberOfExecutedThings)! }];
  }
  if (n(a.inProgressTimeoutInMinutes) !== undefined) r.inProgressTimeoutInMinutes = n(a.inProgressTimeoutInMinutes);
  return r;
}

/** A per-question check: this value in place, the rule of its rollout field. */
const ruleOf = (key: string, field: string) => (v: string | number, a: FleetAnswers) => fieldError(rolloutConfigOf({ ...a, [key]: v }), field);

const rateOn = (a: FleetAnswers) => a.rate === 'constant' || a.rate === 'exponential';
const exponential = (a: FleetAnswers) => a.rate === 'exponential';
const aborts = (a: FleetAnswers) => typeof a.abort === 'string' && a.abort !== 'none';

/** The default fleet job id: the version and a UTC stamp, within the job-id rule. */
export function defaultFleetJobId(version: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `otabench-fleet-${version.replace(/[^a-zA-Z0-9_-]/g, '_')}-${stamp}`.slice(0, NAME.jobId.max);
}

export const fleetTargetsOf = (source: FleetSource, a: FleetAnswers): string[] => parseTargets(String(a.targets ?? ''), iotArnPrefix(source.versionRef, source.verifyJobRef)).arns ?? [];

/**
 * The form. `missing`: the targets that do not exist (DescribeThingGroup), asked right after the
 * groups are typed so a typo is caught before any other question.
 */
export function awsFleetForm(source: FleetSource, region: string, missing: (arns: string[]) => Promise<string[]>, now = new Date()): FleetForm {
  const prefix = iotArnPrefix(source.versionRef, source.verifyJobRef);
  const questions: FleetQuestion[] = [
    {
      key: 'targets',
      kind: 'text',
      prompt: 'Thing groups to roll out to: names or ARNs, separated by commas',
      placeholder: 'fleet-eu, arn:aws:iot:us-east-1:123456789012:thinggroup/fleet-us',
      initial: '',
      check: (v) => parseTargets(String(v), prefix).error,
    },
    {
      key: 'rate',
      kind: 'pick',
      placeholder: 'How fast the job reaches the fleet',
      options: [
        { label: 'Constant rate', description: 'at most N devices notified per minute', value: 'constant' },
        { label: 'Exponential rate', description: 'start slow, multiply the rate as devices succeed', value: 'exponential' },
        { label: 'No rate limit', description: 'AWS notifies all devices as fast as it can', value: 'none' },
      ],
    },
    { key: 'maximumPerMinute', kind: 'number', when: rateOn, prompt: 'Maximum devices notified per minute (1–1000)', initial: '50', check: ruleOf('maximumPerMinute', 'maximumPerMinute') },
    {
      key: 'baseRatePerMinute',
      kind: 'number',
      when: exponential,
      prompt: 'Starting rate per minute (1 up to the maximum)',
      initial: '5',
      check: ruleOf('baseRatePerMinute', 'exponentialRate.baseRatePerMinute'),
    },
    { key: 'incrementFactor', kind: 'number', when: exponential, prompt: 'Rate increase factor (1.1–5, one decimal)', initial: '2', check: ruleOf('incrementFactor', 'exponentialRate.incrementFactor') },
    {
      key: 'succeededToRaise',
      kind: 'number',
      when: exponential,
      prompt: 'Raise the rate after this many devices succeeded',
      initial: '10',
      check: ruleOf('succeededToRaise', 'exponentialRate.rateIncreaseCriteria'),
    },
    {
      key: 'abort',
      kind: 'pick',
      placeholder: 'Stop the rollout when too many devices fail?',
      options: [
        ...FAILURE_TYPES.map((t) => ({ label: `Cancel the job when ${t === 'ALL' ? 'any failure' : t.toLowerCase().replace('_', ' ')} passes a threshold`, description: t, value: t })),
        { label: 'No abort rule', description: 'the job keeps going whatever fails', value: 'none' },
      ],
    },
    {
      key: 'thresholdPercentage',
      kind: 'number',
      when: aborts,
      prompt: 'Threshold: cancel when this percentage of devices failed (0–100, up to two decimals)',
      initial: '10',
      check: ruleOf('thresholdPercentage', 'abortCriteria[0].thresholdPercentage'),
    },
    {
      key: 'minNumberOfExecutedThings',
      kind: 'number',
      when: aborts,
      prompt: 'Only after at least this many devices ran the job',
      initial: '10',
      check: ruleOf('minNumberOfExecutedThings', 'abortCriteria[0].minNumberOfExecutedThings'),
    },
    {
      key: 'inProgressTimeoutInMinutes',
      kind: 'number',
      optional: true,
      prompt: 'In-progress timeout per device in minutes (1–10080; empty for none)',
      initial: '60',
      check: ruleOf('inProgressTimeoutInMinutes', 'inProgressTimeoutInMinutes'),
    },
    {
      key: 'jobId',
      kind: 'text',
      remember: false,
      prompt: 'Job id',
      initial: defaultFleetJobId(source.version, now),
      check: (v) => (String(v).length <= NAME.jobId.max && NAME.jobId.pattern.test(String(v)) ? undefined : `Use 1–${NAME.jobId.max} letters, digits, "_" or "-".`),
    },
  ];
  return {
    job: 'fleet job',
    questions,
    confirmAnswer: async (key, a) => {
      if (key !== 'targets') return undefined;
      const gone = await missing(fleetTargetsOf(source, a));
      return gone.length ? `${gone.join(', ')} ${gone.length > 1 ? 'do' : 'does'} not exist in ${region}.` : undefined;
    },
    summary: (a) => {
      const targets = fleetTargetsOf(source, a);
      const r = rolloutConfigOf(a);
      const rate = r.exponentialRate
        ? `exponential from ${r.exponentialRate.baseRatePerMinute}/min ×${r.exponentialRate.incrementFactor} every ${r.exponentialRate.rateIncreaseCriteria.numberOfSucceededThings} successes, at most ${r.maximumPerMinute}/min`
        : r.maximumPerMinute
          ? `${r.maximumPerMinute} devices/min`
          : 'no rate limit';
      const abort = r.abortCriteria?.length ? `cancel at ${r.abortCriteria[0].thresholdPercentage}% ${r.abortCriteria[0].failureType} after ${r.abortCriteria[0].minNumberOfExecutedThings} devices` : 'no abort rule';
      return {
        title: `Roll out ${source.packageName} ${source.version} to ${targets.length} thing group${targets.length > 1 ? 's' : ''}?`,
        lines: [
          `Job ${a.jobId}`,
          `Targets: ${targets.join(', ')}`,
          `Rate: ${rate}`,
          `Abort: ${abort}`,
          `Timeout: ${r.inProgressTimeoutInMinutes ? `${r.inProgressTimeoutInMinutes} min per device` : 'none'}`,
          `Document: the one verified on the bench by ${source.verifyJobId}`,
        ],
      };
    },
  };
}
