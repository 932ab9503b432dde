// `ota-bench fleet`: Release to Fleet from a terminal or CI. The version is the workspace's last
// release that PASSED (the record shared with VS Code); the settings are the cloud's own form
// (core/clouds/fleet.ts), answered from --answers FILE and --set key=value instead of dialogs and
// checked by the same rules. Without --yes nothing is started.
import { readFileSync } from 'fs';
import { optionsOf, parseAnswers, type FleetForm, type FleetSource } from '../core/clouds/fleet';
import { missingCapability } from '../core/clouds/registry';
import { FileReleaseStore, workspaceRecordPath } from '../core/release/store';
import type { ReleaseRecord } from '../core/release/types';
import type { Flags } from './args';
import { providerFor } from './clouds';
import { EXIT, UsageError, type ExitCode } from './exit';
import type { Output } from './report';
import { chooseProfile, readWorkspace } from './settings';

/** The verified version of a release that passed, as Release to Fleet starts from it. */
export function fleetSourceOf(r: ReleaseRecord): FleetSource | undefined {
  if (r.status !== 'passed' || !r.job || !r.version) return undefined;
  return {
    packageName: r.config.packageName,
    version: r.version.value,
    ...(r.publish?.versionId ? { versionId: r.publish.versionId } : {}),
    ...(r.publish?.arn ? { versionRef: r.publish.arn } : {}),
    verifyJobId: r.job.id,
    ...(r.job.arn ? { verifyJobRef: r.job.arn } : {}),
  };
}

/** --answers FILE then --set key=value (the flags win). */
function givenAnswers(flags: Flags): Record<string, unknown> {
  let given: Record<string, unknown> = {};
  if (flags.answers) {
    let text: string;
    try {
      text = readFileSync(flags.answers, 'utf8');
    } catch (e) {
      throw new UsageError(`--answers ${flags.answers}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`);
    }
    try {
      given = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new UsageError(`--answers ${flags.answers} is not JSON: ${(e as Error).message}`);
    }
    if (!given || typeof given !== 'object' || Array.isArray(given)) throw new UsageError(`--answers ${flags.answers} must hold one JSON object of answers, e.g. {"rate": "constant"}.`);
  }
  for (const kv of flags.set) {
    const at = kv.indexOf('=');
    given[kv.slice(0, at)] = kv.slice(at + 1);
  }
  return given;
}

/** The questions as a reference: key, what it asks, its choices or default, and when it is asked. */
function describeQuestions(form: FleetForm): string {
  return form.questions
    .map((q) => {
      const what = q.kind === 'pick' ? `${q.placeholder}: ${optionsOf(q, {}).map((o) => `${o.value} (${o.label})`).join(' | ')}` : `${q.prompt}${q.optional ? ' [optional]' : ''}${typeof q.initial === 'string' && q.initial ? ` [default ${q.initial}]` : ''}`;
      return `  ${q.key.padEnd(28)} ${what}${q.when ? ' (asked only for some answers above)' : ''}`;
    })
    .join('\n');
}

export async function fleetCommand(flags: Flags, out: Output, stdout: NodeJS.WritableStream = process.stdout): Promise<ExitCode> {
  const ws = readWorkspace(flags);
  const profile = chooseProfile(ws, flags.profile);
  const cannot = missingCapability(profile, 'fleet-rollout', 'fleet rollouts');
  if (cannot) throw new UsageError(cannot);
  const record = await new FileReleaseStore(workspaceRecordPath(ws.root)).load().catch(() => undefined);
  const source = record && record.config.profile === profile.name ? fleetSourceOf(record) : undefined;
  if (!source) {
    const last = record ? `The workspace's last release (${record.config.packageName} ${record.version?.value ?? '?'} on "${record.config.profile}") ${record.status === 'passed' ? 'was on another profile' : `is ${record.status}`}.` : 'The workspace has no release record.';
    throw new UsageError(`No version has passed on the bench for "${profile.name}". ${last} Run \`ota-bench release\` first: the fleet gets what the bench verified.`);
  }
  if (flags.version && flags.version !== source.version) throw new UsageError(`--version ${flags.version}: the version that passed on the bench is ${source.version}.`);
  const provider = await providerFor(profile);
  if (!provider.fleetForm || !provider.startFleetRollout) throw new UsageError(`The ${profile.kind} provider cannot start fleet rollouts.`);
  const form = await provider.fleetForm(source);
  if (flags.questions) {
    stdout.write(`Release to Fleet on "${profile.name}" for ${source.packageName} ${source.version}: the answers (--set key=value or --answers FILE)\n${describeQuestions(form)}\n`);
    return EXIT.passed;
  }
  const { answers, problems } = parseAnswers(form, givenAnswers(flags), { defaults: true });
  if (problems.length) throw new UsageError(`The fleet rollout's answers have ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n  ${problems.join('\n  ')}\n\`ota-bench fleet --questions\` lists the keys, choices and ranges.`);
  for (const q of form.questions) {
    if (!(q.key in answers)) continue;
    const note = await form.confirmAnswer?.(q.key, answers);
    if (note) throw new UsageError(`${q.key}: ${note}`);
  }
  const { title, lines } = form.summary(answers);
  out.say([title, ...lines.map((l) => `  ${l}`)].join('\n'));
  if (!flags.yes) {
    out.say(`Dry run: the answers are valid and nothing was started. Add --yes to start the ${form.job}.`);
    out.event({ type: 'fleet', dryRun: true, answers, exitCode: EXIT.passed });
    return EXIT.passed;
  }
  const job = await provider.startFleetRollout(source, answers);
  out.say(`The ${form.job} ${job.id} started for ${source.packageName} ${source.version} (${job.rawStatus}). Follow it with: ota-bench watch ${job.id} --profile "${profile.name}"`);
  out.event({ type: 'fleet', dryRun: false, job: job.id, status: job.rawStatus, answers, exitCode: EXIT.passed });
  return EXIT.passed;
}
