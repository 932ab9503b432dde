// The "Get Started" walkthrough (package.json `walkthroughs`): profile → port → Quick Release.
// Its steps complete on context keys kept here, so a user who already has a profile or a port
// sees those steps ticked.
import * as vscode from 'vscode';
import type { ProfileStore } from '../profiles/profileStore';

export const WALKTHROUGH_ID = 'ota-bench.ota-bench#otaBench.getStarted';

interface PortSource {
  readonly port: { path: string } | undefined;
  onStatus(listener: () => void): vscode.Disposable;
}

export function registerWalkthrough(profiles: ProfileStore, serial: PortSource | undefined, releasePassed: vscode.Event<unknown>): vscode.Disposable[] {
  const set = (key: string, value: boolean) => void vscode.commands.executeCommand('setContext', key, value);
  const sync = () => {
    set('otaBench.hasProfile', profiles.read().profiles.length > 0);
    set('otaBench.hasPort', !!serial?.port);
  };
  sync();
  return [
    profiles.onDidChange(sync),
    ...(serial ? [serial.onStatus(sync)] : []),
    releasePassed(() => set('otaBench.releasePassed', true)),
    vscode.commands.registerCommand('otaBench.getStarted', () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false)),
  ];
}
