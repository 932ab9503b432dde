// Which actions a finished release's notification offers: at most MAX_ACTIONS (a toast shows no
// more without truncating them), the fix most likely needed first, and none that is already done
// (no "Open Monitor" while the monitor is in view). Pure: unit-tested without the editor.
import { can } from '../../core/clouds/registry';
import { resumePoint } from '../../core/release/record';
import type { ReleaseRecord, StepId } from '../../core/release/types';

export type OutcomeAction = 'showProblems' | 'openSettings' | 'openProfileSettings' | 'credentialsHelp' | 'openMonitor' | 'saveBundle' | 'resume' | 'showLog' | 'releaseToFleet';

export const MAX_ACTIONS = 3;

export function failureActions(r: ReleaseRecord, step: StepId | undefined, reason: string, monitorInView: boolean): OutcomeAction[] {
  const out: OutcomeAction[] = [];
  if (step === 'build') out.push('showProblems');
  if (step === 'locate' || step === 'version') out.push('openSettings');
  if (step === 'sign') out.push('openProfileSettings');
  if (/credential|expired|sso|security token|signature does not match/i.test(reason)) out.push('credentialsHelp');
  if (step === 'verdict' || step === 'watch') {
    if (!monitorInView) out.push('openMonitor');
    out.push('saveBundle');
  }
  if (resumePoint(r)) out.push('resume');
  out.push('showLog');
  return out.slice(0, MAX_ACTIONS);
}

export function passedActions(r: ReleaseRecord, monitorInView: boolean): OutcomeAction[] {
  return [...(monitorInView ? [] : ['openMonitor' as const]), ...(can(r.config.cloud, 'fleet-rollout') ? ['releaseToFleet' as const] : [])];
}
