// Decoded backtraces under a crash in the live log: when the session reports a crash and an ELF is
// configured, the crash's addresses are decoded once its dump has settled and each frame is added as
// a note ("decoded 0x0800012c: fault_handler at src/fault.c:17"). Exports annotateCrashes.
import type { CrashEvent } from './crash';
import { decodeCrash } from './backtrace';

export interface CrashSource {
  onCrash(listener: (e: CrashEvent) => void): () => void;
  annotate(text: string): void;
}

/**
 * Follows `session`'s crashes; `elf()` says which ELF to use now (undefined: none configured, nothing
 * is done). A crash without addresses adds nothing; a missing toolchain is said once per reason.
 * Returns the stop function.
 */
export function annotateCrashes(session: CrashSource, elf: () => string | undefined, settleMs = 300, path?: string): () => void {
  const said = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const off = session.onCrash((e) => {
    if (e.kind !== 'crash') return;
    const file = elf();
    if (!file) return;
    // The dump (registers, backtrace) arrives over the next lines of the same event.
    const t = setTimeout(async () => {
      timers.delete(t);
      const d = await decodeCrash(file, e.lines.map((l) => l.text), path).catch((x: Error) => ({ reason: x.message }));
      if ('lines' in d) for (const l of d.lines) session.annotate(`decoded ${l}`);
      else if (d.reason !== 'no code addresses in the crash lines' && !said.has(d.reason)) {
        said.add(d.reason);
        session.annotate(`backtrace not decoded: ${d.reason}`);
      }
    }, settleMs);
    t.unref?.();
    timers.add(t);
  });
  return () => {
    off();
    for (const t of timers) clearTimeout(t);
  };
}
