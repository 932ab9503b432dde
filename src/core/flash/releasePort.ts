// PlatformIO's "auto-close": the monitor lets go of the port while a tool flashes through it, and
// takes it back afterwards (the board resets and may re-enumerate, so that is a reconnect).
import type { SerialSession } from '../serial/session';
import type { FlashCommand } from './presets';
import { runFlash, type FlashResult, type FlashRunOptions } from './runner';

export interface ReleasedFlashResult extends FlashResult {
  /** Whether the monitor had the port and gave it up for the flash. */
  released: boolean;
  /** Whether it has the port again (within reopenWaitMs). */
  reopened: boolean;
}

export async function flashReleasingPort(
  session: SerialSession | undefined,
  cmd: FlashCommand,
  opts: FlashRunOptions & { reopenWaitMs?: number } = {},
): Promise<ReleasedFlashResult> {
  const st = session?.status.state;
  // Only a tool on the serial port needs it; a probe-based tool (OpenOCD…) leaves the monitor on.
  const release = !!session && cmd.preset.usesSerialPort && (st === 'open' || st === 'reconnecting' || st === 'opening');
  if (release) await session.pause(`flashing with ${cmd.preset.label}`);
  let result: FlashResult;
  try {
    result = await runFlash(cmd, opts);
  } catch (e) {
    // Reopen even when the tool could not run: the user still wants the log.
    if (release) await session.resume(0);
    throw e;
  }
  const reopened = release ? await session.resume(opts.reopenWaitMs ?? 3000) : session?.isOpen ?? false;
  return { ...result, released: release, reopened };
}
