// How a finished run is told: PASSED / FAILED / cancelled / stopped as a notification whose buttons
// are the next sensible action (Resume, Show Problems, Open Settings, Open AWS config, Save Verify
// Bundle…). Never awaited by the command: a notification waits for the user, the command does not.
import * as vscode from 'vscode';
import { resumePoint, STEP_TITLES, type ReleaseRecord, type StepId } from '../../core/release';
import { redact } from '../log';
import { can, descriptorOf } from '../../core/clouds/registry';

type Button = { title: string; run: () => unknown };

const cmd = (title: string, command: string, ...args: unknown[]): Button => ({ title, run: () => vscode.commands.executeCommand(command, ...args) });

/** The buttons for a failure at `step`, the first being the fix most likely needed. */
export function failureButtons(r: ReleaseRecord, step: StepId | undefined, reason: string): Button[] {
  const out: Button[] = [];
  if (step === 'build') out.push(cmd('Show Problems', 'workbench.actions.view.problems'));
  if (step === 'locate' || step === 'version') out.push(cmd('Open Settings', 'workbench.action.openSettings', 'otaBench.release'));
  if (step === 'sign') out.push(cmd('Open Profile Settings', 'otaBench.openProfileSettings'));
  if (/credential|expired|sso|security token|signature does not match/i.test(reason)) {
    const help = descriptorOf(r.config.cloud).credentialsHelp;
    out.push(cmd(help.title, help.command));
  }
  if (step === 'verdict' || step === 'watch') out.push(cmd('Open Monitor', 'otaBench.openMonitor'), cmd('Save Verify Bundle…', 'otaBench.saveVerifyBundle'));
  if (resumePoint(r)) out.push(cmd('Resume', 'otaBench.resumeRelease'));
  out.push(cmd('Show Log', 'otaBench.showLog'));
  return out.slice(0, 4);
}

export function outcomeMessage(r: ReleaseRecord): { level: 'info' | 'warn' | 'error'; text: string; buttons: Button[] } {
  const what = `${r.config.packageName}${r.version ? ` ${r.version.value}` : ''}`;
  const failed = r.steps.find((s) => s.status === 'failed' || s.status === 'canceled');
  switch (r.status) {
    case 'passed':
      return {
        level: 'info',
        text: `PASSED: ${what} on "${r.config.profile}". ${r.verdict?.reasons.join(' ') ?? ''}`.trim(),
        buttons: [cmd('Open Monitor', 'otaBench.openMonitor'), ...(can(r.config.cloud, 'fleet-rollout') ? [cmd('Release to Fleet…', 'otaBench.releaseToFleet')] : [])],
      };
    case 'failed': {
      const reason = failed?.reason ?? r.note ?? 'unknown reason';
      const head = r.verdict?.result === 'failed' ? `FAILED: ${what}: ${r.verdict.reasons.join(' ')}` : `Release of ${what} failed at "${failed ? STEP_TITLES[failed.id] : '?'}": ${reason}`;
      return { level: 'error', text: `${head}${failed?.action ? ` ${failed.action}` : ''}`, buttons: failureButtons(r, failed?.id, reason) };
    }
    case 'canceled':
      return { level: 'warn', text: `Release of ${what} cancelled. ${r.note ?? ''}`.trim(), buttons: resumePoint(r) ? [cmd('Resume', 'otaBench.resumeRelease')] : [] };
    case 'stopped':
      return { level: 'info', text: r.steps.filter((s) => s.status === 'done').map((s) => `${STEP_TITLES[s.id]}: ${s.summary ?? 'done'}`).slice(-2).join(' · ') || (r.note ?? ''), buttons: [] };
    default:
      return { level: 'info', text: `Release of ${what} is running.`, buttons: [] };
  }
}

export function showOutcome(r: ReleaseRecord, extra: Button[] = []): void {
  const m = outcomeMessage(r);
  const buttons = [...extra, ...m.buttons].slice(0, 4);
  const show = m.level === 'error' ? vscode.window.showErrorMessage : m.level === 'warn' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void Promise.resolve(show(`OTA Bench: ${redact(m.text)}`, ...buttons.map((b) => b.title))).then((t) => buttons.find((b) => b.title === t)?.run());
}
