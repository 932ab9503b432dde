// "Release to Fleet…": after a version passed on the bench, the cloud's fleet form
// (core/clouds/fleet.ts, from the provider: AWS thing groups and rollout rate, Alibaba static
// upgrade job, Huawei upgrade batch task), each answer checked as it is typed, then one
// confirmation and the job. The questions, ranges and job are the cloud's; this file only asks.
import * as vscode from 'vscode';
import { askedQuestions, optionsOf, readAnswer, type FleetAnswers, type FleetForm, type FleetQuestion, type FleetSource, type InputQuestion, type PickQuestion } from '../../core/clouds/fleet';
import { descriptorOf } from '../../core/clouds/registry';
import type { Job } from '../../core/model';
import type { CloudProfile } from '../../core/profiles';
import { showCloudError } from '../clouds/errors';
import { log } from '../log';
import { pickProfile, type ReleaseServices } from './prepare';
import { WATCH_ROLLOUT, WATCH_ROLLOUT_LABEL } from './watchRollout';
import type { PassedRelease } from './workspaceStore';

const TITLE = 'OTA Bench: Release to Fleet';

interface Item<T> extends vscode.QuickPickItem {
  value: T;
}

/** What the user did with one question. */
type Asked = { value: string | number | null } | 'back-out';

async function askPick(q: PickQuestion, a: FleetAnswers, last: unknown): Promise<Asked> {
  const items: Item<string>[] = optionsOf(q, a).map((o) => ({ label: o.label, description: o.description, value: o.value }));
  const i = items.findIndex((x) => x.value === last);
  const ordered = i < 0 ? items : [{ ...items[i], detail: 'last used' }, ...items.filter((_, n) => n !== i)];
  const pick = await vscode.window.showQuickPick(ordered, { title: TITLE, placeHolder: q.placeholder, ignoreFocusOut: true });
  return pick ? { value: pick.value } : 'back-out';
}

async function askInput(q: InputQuestion, a: FleetAnswers, value: string, note: string): Promise<Asked> {
  const typed = await vscode.window.showInputBox({
    title: TITLE,
    prompt: `${note ? `${note} ` : ''}${q.prompt}`,
    placeHolder: q.placeholder,
    value,
    ignoreFocusOut: true,
    validateInput: (s) => {
      const r = readAnswer(q, s, a);
      return 'error' in r ? r.error : undefined;
    },
  });
  if (typed === undefined) return 'back-out';
  const r = readAnswer(q, typed, a);
  return 'error' in r ? 'back-out' : r;
}

/** The remembered answer as the input box's starting text (null: left empty last time). */
function startText(q: InputQuestion, a: FleetAnswers, last: FleetAnswers): string {
  if (q.remember !== false && q.key in last) return last[q.key] === null ? '' : String(last[q.key]);
  return typeof q.initial === 'function' ? q.initial(a) : q.initial;
}

/**
 * Every question in order, each checked as typed; the form's cloud-side check (e.g. the groups
 * exist) re-asks its question with the typed value kept. Undefined when the user backs out.
 */
async function ask(form: FleetForm, last: FleetAnswers, kind: CloudProfile['kind']): Promise<FleetAnswers | undefined> {
  const a: FleetAnswers = {};
  const next = (): FleetQuestion | undefined => askedQuestions(form, a).find((q) => !(q.key in a));
  for (let q = next(); q; q = next()) {
    if (q.kind === 'pick') {
      const r = await askPick(q, a, last[q.key]);
      if (r === 'back-out') return undefined;
      a[q.key] = r.value;
      continue;
    }
    let text = startText(q, a, last);
    let note = '';
    for (;;) {
      const r = await askInput(q, a, text, note);
      if (r === 'back-out') return undefined;
      a[q.key] = r.value;
      try {
        note = (await form.confirmAnswer?.(q.key, a)) ?? '';
      } catch (e) {
        void showCloudError(`Could not check "${r.value}"`, e, { kind });
        return undefined;
      }
      if (!note) break;
      text = r.value === null ? '' : String(r.value);
      delete a[q.key];
    }
  }
  return a;
}

const sourceOf = (p: PassedRelease): FleetSource => ({
  packageName: p.packageName,
  version: p.version,
  versionId: p.versionId,
  versionRef: p.versionArn,
  verifyJobId: p.jobId,
  verifyJobRef: p.jobArn,
});

const capitalised = (s: string) => s.replace(/\b\w/g, (c) => c.toUpperCase());

export async function releaseToFleet(s: ReleaseServices): Promise<Job | undefined> {
  const profile = await pickProfile(s, TITLE, { capability: 'fleet-rollout', what: 'fleet rollouts' });
  if (!profile) return undefined;
  const passed = s.store.passed().filter((p) => p.profile === profile.name);
  if (!passed.length) {
    const b = await vscode.window.showInformationMessage(`OTA Bench: no version has passed on the bench for "${profile.name}" yet. Release to the fleet what passed: run Quick Release first.`, 'Quick Release');
    if (b) await vscode.commands.executeCommand('otaBench.quickRelease');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    passed.map((p): Item<PassedRelease> => ({ label: `$(pass-filled) ${p.packageName} ${p.version}`, description: `verified ${new Date(p.at).toLocaleString()}`, detail: `bench job ${p.jobId}`, value: p })),
    { title: TITLE, placeHolder: 'Verified version to roll out', ignoreFocusOut: true },
  );
  if (!picked) return undefined;
  const source = sourceOf(picked.value);
  const provider = await s.providerFor(profile);
  if (!provider.fleetForm || !provider.startFleetRollout) throw new Error(`The ${descriptorOf(profile).label} provider cannot start fleet rollouts.`);
  let form: FleetForm;
  try {
    form = await provider.fleetForm(source);
  } catch (e) {
    void showCloudError(`Could not prepare the fleet rollout of ${source.packageName} ${source.version}`, e, { kind: profile.kind });
    return undefined;
  }

  const answers = await ask(form, s.store.fleetAnswers(profile.kind), profile.kind);
  if (!answers) return undefined;
  // Kept before the confirmation: a re-run after a refusal or a failure starts from these answers.
  const remembered = Object.fromEntries(Object.entries(answers).filter(([k]) => form.questions.find((q) => q.key === k)?.remember !== false));
  await s.store.rememberFleetAnswers(profile.kind, remembered);

  const { title, lines } = form.summary(answers);
  const GO = `Start ${capitalised(form.job)}`;
  const ok = await vscode.window.showWarningMessage(title, { modal: true, detail: lines.join('\n') }, GO);
  if (ok !== GO) return undefined;
  try {
    const job = await provider.startFleetRollout(source, answers);
    s.cloudChanged?.(profile.name);
    log().info(`${capitalised(form.job)} ${job.id} created for ${source.packageName} ${source.version}: ${lines.join('; ')}`);
    void vscode.window.showInformationMessage(`OTA Bench: ${form.job} ${job.id} started for ${source.packageName} ${source.version}.`, WATCH_ROLLOUT_LABEL).then((b) => {
      if (b === WATCH_ROLLOUT_LABEL) void vscode.commands.executeCommand(WATCH_ROLLOUT, { profile: profile.name, jobId: job.id });
    });
    return job;
  } catch (e) {
    void showCloudError(`Could not start the ${form.job} for ${source.packageName} ${source.version}`, e, { kind: profile.kind });
    return undefined;
  }
}
