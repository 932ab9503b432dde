// The bench as a list of boards (`otaBench.bench.boards`): each has a name, a serial port, an
// optional baud rate and the device id it has on each cloud or profile. Exports BenchBoard,
// parseBenchBoards (errors name the entry), boardTarget (a board's device id for a profile) and
// BenchSessions (one SerialSession per board, each reconnecting on its own, with a connected count).
import type { SerialDriver } from './transport';
import type { SerialOptions } from './options';
import { SerialSession, type SessionStatus } from './session';

export interface BenchBoard {
  name: string;
  port: string;
  baudRate?: number;
  /** Device id per profile name or cloud kind ("aws", "huawei", "aliyun"); the profile's name wins. */
  devices: Record<string, string>;
}

export function parseBenchBoards(raw: unknown): { boards: BenchBoard[]; errors: string[] } {
  const boards: BenchBoard[] = [];
  const errors: string[] = [];
  if (raw === undefined || raw === null) return { boards, errors };
  if (!Array.isArray(raw)) return { boards, errors: ['otaBench.bench.boards must be a list of {"name", "port", "devices": {"<profile or cloud>": "<device id>"}}.'] };
  raw.forEach((b: Record<string, unknown>, i) => {
    const label = `otaBench.bench.boards[${i}]`;
    if (!b || typeof b !== 'object') return errors.push(`${label} must be an object with "name", "port" and "devices".`);
    const name = typeof b.name === 'string' ? b.name.trim() : '';
    const port = typeof b.port === 'string' ? b.port.trim() : '';
    if (!name) return errors.push(`${label} needs a "name".`);
    if (!port) return errors.push(`${label} ("${name}") needs a "port" (e.g. /dev/ttyUSB0).`);
    if (boards.some((x) => x.name === name)) return errors.push(`${label}: the name "${name}" is used twice.`);
    if (boards.some((x) => x.port === port)) return errors.push(`${label} ("${name}"): the port ${port} is already "${boards.find((x) => x.port === port)!.name}"'s.`);
    const baud = b.baudRate ?? b.baud;
    if (baud !== undefined && !(typeof baud === 'number' && Number.isInteger(baud) && baud >= 50)) return errors.push(`${label} ("${name}"): baudRate must be a whole number such as 115200.`);
    const devices: Record<string, string> = {};
    if (b.devices !== undefined) {
      if (!b.devices || typeof b.devices !== 'object' || Array.isArray(b.devices)) return errors.push(`${label} ("${name}"): devices must map a profile or cloud to a device id, e.g. {"aws": "bench-board-01"}.`);
      for (const [k, v] of Object.entries(b.devices as Record<string, unknown>)) {
        if (typeof v === 'string' && v.trim()) devices[k] = v.trim();
        else errors.push(`${label} ("${name}"): devices.${k} must be a device id (a string).`);
      }
    }
    boards.push({ name, port, ...(baud !== undefined ? { baudRate: baud as number } : {}), devices });
  });
  return { boards, errors };
}

/** The board's device id for a profile: by the profile's name, else by its cloud kind. */
export function boardTarget(board: BenchBoard, profile: { name: string; kind: string }): string | undefined {
  return board.devices[profile.name] ?? board.devices[profile.kind];
}

/** One session per bench board. */
export class BenchSessions {
  readonly sessions = new Map<string, SerialSession>();
  private readonly listeners = new Set<(board: string, s: SessionStatus) => void>();

  constructor(
    private readonly driver: SerialDriver,
    private options: Partial<SerialOptions> = {},
  ) {}

  /** Opens a session per board (closing those no longer listed). Resolves with how many opened at once. */
  async apply(boards: readonly BenchBoard[]): Promise<number> {
    for (const [name, s] of this.sessions) {
      if (!boards.some((b) => b.name === name)) {
        await s.close();
        this.sessions.delete(name);
      }
    }
    const opened = await Promise.all(
      boards.map(async (b) => {
        let s = this.sessions.get(b.name);
        if (!s) {
          s = new SerialSession(this.driver, { ...this.options, ...(b.baudRate ? { baudRate: b.baudRate } : {}) });
          s.onStatus((st) => this.listeners.forEach((l) => l(b.name, st)));
          this.sessions.set(b.name, s);
        } else if (s.status.path === b.port && s.isOpen) return true;
        return s.open(b.port);
      }),
    );
    return opened.filter(Boolean).length;
  }

  get connected(): number {
    return [...this.sessions.values()].filter((s) => s.isOpen).length;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** "2/3 boards connected". */
  get summary(): string {
    return `${this.connected}/${this.size} board${this.size === 1 ? '' : 's'} connected`;
  }

  onStatus(l: (board: string, s: SessionStatus) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.close()));
    this.sessions.clear();
  }
}
