// The status bar item of the release: the running step (with its percentage) while a release runs,
// then the outcome until the next one. Click: the Bench Monitor, where the steps and the job are.
import * as vscode from 'vscode';
import { STEP_TITLES, type ReleaseRecord, type StepId } from '../../core/release/types';

export class ReleaseStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('otaBench.release', vscode.StatusBarAlignment.Left, 49);

  constructor() {
    this.item.name = 'OTA Bench Release';
    this.item.command = 'otaBench.openMonitor';
  }

  get text(): string {
    return this.item.text;
  }

  running(r: ReleaseRecord, step: StepId, percent?: number, message?: string): void {
    const version = r.version?.value ?? '';
    this.item.text = `$(sync~spin) ${version ? `${version}: ` : ''}${STEP_TITLES[step]}${percent !== undefined ? ` ${percent}%` : ''}`;
    this.item.tooltip = `OTA Bench release of ${r.config.packageName} ${version} to "${r.config.profile}": ${STEP_TITLES[step]}${message ? ` — ${message}` : ''}. Click to open the Bench Monitor.`;
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  finished(r: ReleaseRecord): void {
    const version = r.version?.value ?? r.config.packageName;
    const looks: Record<ReleaseRecord['status'], [string, string, string | undefined]> = {
      passed: ['$(pass-filled)', 'PASSED', undefined],
      failed: ['$(error)', 'FAILED', 'statusBarItem.errorBackground'],
      canceled: ['$(circle-slash)', 'cancelled', 'statusBarItem.warningBackground'],
      stopped: ['$(debug-pause)', 'stopped', undefined],
      running: ['$(sync~spin)', 'running', undefined],
    };
    const [icon, word, bg] = looks[r.status];
    this.item.text = `${icon} ${version} ${word}`;
    this.item.tooltip = `${r.config.packageName} ${version} on "${r.config.profile}": ${r.verdict?.reasons.join(' ') ?? r.note ?? word}`;
    this.item.backgroundColor = bg ? new vscode.ThemeColor(bg) : undefined;
    this.item.show();
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
