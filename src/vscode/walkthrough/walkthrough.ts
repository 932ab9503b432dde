// The "Get Started" walkthrough (package.json `walkthroughs`): profile → port → Quick Release.
//
// Why its steps did not tick: the workbench's walkthrough service is created lazily, typically when
// a walkthrough is first opened, after this extension has activated. An `onContext:` event whose
// key is already true when the service registers the step is recorded as "seen" without
// completing the step, and is then never fired again; `onCommand:` only counts commands the
// workbench itself runs while the service exists. So the steps are ticked explicitly, through the
// workbench's own `welcome.markStepComplete` command (it creates the service on first use), whenever
// what a step asks for is true: a profile exists, a port is chosen, a release passed. The context
// keys stay too (menus and a service that already exists use them).
import * as vscode from 'vscode';
import type { ProfileStore } from '../profiles/profileStore';

export const WALKTHROUGH_ID = 'ota-bench.ota-bench#otaBench.getStarted';
export type WalkthroughStep = 'profile' | 'port' | 'release';

/** The workbench's id of a step: `<publisher.name>#<walkthrough>#<step>`. */
export const stepId = (step: WalkthroughStep) => `${WALKTHROUGH_ID}#${step}`;

interface PortSource {
  readonly port: { path: string } | undefined;
  onStatus(listener: () => void): vscode.Disposable;
}

/** Retries while the workbench has not registered the walkthrough yet (it does so once extensions are scanned). */
const RETRY_MS = [500, 2000, 5000, 15000];

export function registerWalkthrough(profiles: ProfileStore, serial: PortSource | undefined, releasePassed: vscode.Event<unknown>): vscode.Disposable[] {
  let disposed = false;
  const ticked = new Set<WalkthroughStep>();
  const tick = (step: WalkthroughStep, attempt = 0): void => {
    if (ticked.has(step) || disposed) return;
    ticked.add(step);
    vscode.commands.executeCommand('welcome.markStepComplete', stepId(step)).then(undefined, () => {
      // Not registered yet (or a workbench without the command): try again a little later.
      ticked.delete(step);
      if (attempt < RETRY_MS.length) setTimeout(() => tick(step, attempt + 1), RETRY_MS[attempt]);
    });
  };
  const set = (key: string, value: boolean) => void vscode.commands.executeCommand('setContext', key, value);
  const sync = () => {
    const hasProfile = profiles.read().profiles.length > 0;
    const hasPort = !!serial?.port;
    set('otaBench.hasProfile', hasProfile);
    set('otaBench.hasPort', hasPort);
    if (hasProfile) tick('profile');
    if (hasPort) tick('port');
  };
  sync();
  return [
    { dispose: () => void (disposed = true) },
    profiles.onDidChange(sync),
    ...(serial ? [serial.onStatus(sync)] : []),
    releasePassed(() => {
      set('otaBench.releasePassed', true);
      tick('release');
    }),
    vscode.commands.registerCommand('otaBench.getStarted', () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false)),
  ];
}
