// The board(s) a release verifies on, as the editor has them: `otaBench.bench.boards` (a session
// per board; one verdict per board that has a device for the profile) or the single port
// (`otaBench.serial.port`, `--port`, which also overrides the bench). Unreachable ports are exit 3.
import { boardTarget, BenchSessions, parseBenchBoards } from '../core/serial/bench';
import { nodeSerialDriver } from '../core/serial/nodeSerial';
import { SerialSession } from '../core/serial/session';
import { serialWatcher } from '../core/release/serialWatcher';
import type { BenchWatcher } from '../core/release/benchVerdict';
import type { SerialWatcher } from '../core/release/serialWatch';
import type { SerialLine } from '../core/release/types';
import type { CloudProfile } from '../core/profiles';
import type { Flags } from './args';
import { InfrastructureError, UsageError } from './exit';
import { readSerial, type Workspace } from './settings';

export interface Ports {
  serial: SerialWatcher;
  /** With otaBench.bench.boards: one watcher per board that has a device for the profile. */
  boards?: BenchWatcher[];
  /** Each board's lines so far (oldest first); `target` is its device id (single port: none). */
  lines(): { board?: string; target?: string; lines: SerialLine[] }[];
  close(): Promise<void>;
}

const watcherOf = (s: SerialSession) => serialWatcher({ onLines: (l) => s.onLines(l), lines: () => s.buffer.toArray(), send: (t) => s.send(t), onStatus: (l) => s.onStatus(l) });
const linesOf = (s: SerialSession): SerialLine[] => s.buffer.toArray().map((l) => ({ t: l.t, text: l.text, dir: l.dir }));

/** Opens the single board's port; exit 3 when it cannot be opened. */
export async function openSerial(ws: Workspace, flags: Flags): Promise<SerialSession> {
  const { port, options } = readSerial(ws, flags);
  if (!port) throw new UsageError(`No serial port: the verdict needs the board's boot banner. Set otaBench.serial.port (or otaBench.bench.boards) in ${ws.file} or pass --port PATH.`);
  const session = new SerialSession(nodeSerialDriver, { ...options, autoReconnect: true });
  if (!(await session.open(port))) {
    const why = session.status.message ?? 'it could not be opened';
    await session.close();
    throw new InfrastructureError(`The board's serial port ${port} (${flags.port ? '--port' : 'otaBench.serial.port'}) is unreachable: ${why}`);
  }
  return session;
}

export async function openPorts(ws: Workspace, flags: Flags, profile: CloudProfile): Promise<Ports> {
  const { boards, errors } = parseBenchBoards(ws.raw['otaBench.bench.boards']);
  if (errors.length) throw new UsageError(`${errors[0]} (in ${ws.file})`);
  if (flags.port || !boards.length) {
    const s = await openSerial(ws, flags);
    return { serial: watcherOf(s), lines: () => [{ lines: linesOf(s) }], close: () => s.close() };
  }
  const mine = boards.filter((b) => boardTarget(b, profile));
  if (!mine.length) throw new UsageError(`otaBench.bench.boards: no board has a device for profile "${profile.name}" (set "devices": {"${profile.name}": "<device id>"} or {"${profile.kind}": …}).`);
  const bench = new BenchSessions(nodeSerialDriver, readSerial(ws, flags).options);
  await bench.apply(mine);
  const down = mine.filter((b) => !bench.sessions.get(b.name)?.isOpen);
  if (down.length) {
    const why = down.map((b) => `"${b.name}" ${b.port}: ${bench.sessions.get(b.name)?.status.message ?? 'cannot be opened'}`).join('; ');
    await bench.close();
    throw new InfrastructureError(`otaBench.bench.boards: ${down.length} of ${mine.length} bench boards unreachable (${why}).`);
  }
  const watchers: BenchWatcher[] = mine.map((b) => ({ name: b.name, target: boardTarget(b, profile)!, serial: watcherOf(bench.sessions.get(b.name)!) }));
  return {
    serial: watchers[0].serial,
    boards: watchers,
    lines: () => mine.map((b) => ({ board: b.name, target: boardTarget(b, profile), lines: linesOf(bench.sessions.get(b.name)!) })),
    close: () => bench.close(),
  };
}
