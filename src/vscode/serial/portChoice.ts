// Which port a workspace uses, free of `vscode` (unit-tested on Node): the port picked in this
// workspace wins over `otaBench.serial.port` only until that setting is changed; a pick remembers
// the setting's value at the time. Exports ChosenPort, choosePort.
import type { BoardIdentity } from '../../core/serial/ports';

export interface ChosenPort {
  path: string;
  baudRate?: number;
  identity?: BoardIdentity;
  /** `otaBench.serial.port` when this port was picked: a different value now means the user changed it since. */
  setting?: string;
}

export function choosePort(picked: ChosenPort | undefined, configured: string | undefined): ChosenPort | undefined {
  const setting = configured?.trim() || undefined;
  if (picked?.path && (picked.setting ?? undefined) === setting) return picked;
  if (setting) return picked?.path === setting ? { ...picked, setting } : { path: setting, setting };
  return picked?.path ? picked : undefined;
}
