// How a finished run is told: PASSED / FAILED / cancelled / stopped as a notification that says the
// reason once, with at most three buttons for the next sensible action (outcomeActions). Never
// awaited by the command: a notification waits for the user, the command does not.
import * as vscode from 'vscode';
import { resumePoint } from '../../core/release/record';
import { STEP_TITLES, type ReleaseRecord, type StepId } from '../../core/release/types';
import { redact } from '../../core/redact';
import { MonitorPanel } from '../monitor/monitorPanel';
import { failureActions, MAX_ACTIONS, passedActions, type OutcomeAction } from './outcomeActions';
import { descriptorOf } from '../../core/clouds/registry';

type Button = { title: string; run: () => unknown };

const cmd = (title: string, command: string, ...args: unknown[]): Button => ({ title, run: () => vscode.commands.executeCommand(command, ...args) });

const BUTTONS: Record<Exclude<OutcomeAction, 'credentialsHelp'>, Button> = {
  showProblems: cmd('Show Problems', 'workbench.actions.view.problems'),
  openSettings: cmd('Open Settings', 'workbench.action.openSettings', 'otaBench.release'),
  openProfileSettings: cmd('Open Profile Settings', 'otaBench.openProfileSettings'),
  openMonitor: cmd('Open Monitor', 'otaBench.openMonitor'),
  saveBundle: cmd('Save Verify Bundle…', 'otaBench.saveVerifyBundle'),
  resume: cmd('Resume', 'otaBench.resumeRelease'),
  showLog: cmd('Show Log', 'otaBench.showLog'),
  releaseToFleet: cmd('Release to Fleet…', 'otaBench.releaseToFleet'),
};

const monitorInView = () => !!MonitorPanel.active?.panel.visible;

function button(r: ReleaseRecord, a: OutcomeAction): Button {
  if (a !== 'credentialsHelp') return BUTTONS[a];
  const help = descriptorOf(r.config.cloud).credentialsHelp; // each cloud says where its credentials are fixed
  return cmd(help.title, help.command);
}

/** The buttons for a failure at `step` (outcomeActions decides which). */
export function failureButtons(r: ReleaseRecord, step: StepId | undefined, reason: string): Button[] {
  return failureActions(r, step, reason, monitorInView()).map((a) => button(r, a));
}

export function outcomeMessage(r: ReleaseRecord): { level: 'info' | 'warn' | 'error'; text: string; buttons: Button[] } {
  const what = `${r.config.packageName}${r.version ? ` ${r.version.value}` : ''}`;
  const failed = r.steps.find((s) => s.status === 'failed' || s.status === 'canceled');
  switch (r.status) {
    case 'passed':
      return {
        level: 'info',
        text: `PASSED: ${what} on "${r.config.profile}". ${r.verdict?.reasons.join(' ') ?? ''}`.trim(),
        buttons: passedActions(r, monitorInView()).map((a) => button(r, a)),
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
  const buttons = [...extra, ...m.buttons].slice(0, MAX_ACTIONS);
  const show = m.level === 'error' ? vscode.window.showErrorMessage : m.level === 'warn' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void Promise.resolve(show(`OTA Bench: ${redact(m.text)}`, ...buttons.map((b) => b.title))).then((t) => buttons.find((b) => b.title === t)?.run());
}
