// Fault injection for emulators: the next N matching requests (or a seeded random share of them)
// are throttled, fail with a 5xx, lose their connection before the action, lose their reply after
// the action ran, hang, or are delayed. Which error a throttle or a 5xx becomes is the emulator's
// business (its cloud's shape); this module only decides WHICH request gets WHAT.

export const FAULT_KINDS = ['throttle', 'error', 'drop', 'lose-reply', 'hang', 'delay'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What a request is, for matching: every field a rule names must match. */
export interface FaultTarget {
  /** The emulator's own service name (e.g. 'iot', 's3'), when it serves several. */
  service?: string;
  /** The API action (e.g. 'CreateJob', 'ListOTAFirmware'). */
  action?: string;
  method: string;
  path: string;
}

export interface FaultFilter {
  service?: string;
  action?: string;
  method?: string;
  /** Matches when the request path starts with this (e.g. "/jobs"). */
  pathPrefix?: string;
}

export interface FaultHit {
  kind: FaultKind;
  delayMs?: number;
}

interface Rule extends FaultFilter {
  kind: FaultKind;
  remaining: number;
  delayMs?: number;
}

/** A seeded random schedule: each matching request draws one number; the rates are its chances. */
export interface FaultSchedule extends FaultFilter {
  seed: number;
  rates: Partial<Record<FaultKind, number>>;
  delayMs?: number;
  /** Stop after this many faults (default: never). */
  limit?: number;
}

/** mulberry32: a small seeded generator, so a failing fault schedule replays exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const matches = (f: FaultFilter, t: FaultTarget) =>
  (!f.service || f.service === t.service) && (!f.action || f.action === t.action) && (!f.method || f.method === t.method) && (!f.pathPrefix || t.path.startsWith(f.pathPrefix));

const zero = (): Record<FaultKind, number> => ({ throttle: 0, error: 0, drop: 0, 'lose-reply': 0, hang: 0, delay: 0 });

export class Faults {
  private rules: Rule[] = [];
  private schedules: { s: FaultSchedule; random: () => number; used: number }[] = [];
  /** How many requests each kind of fault has hit so far. */
  readonly counts: Record<FaultKind, number> = zero();
  /** Faults by action (or path when the emulator names no action), e.g. { CreateJob: { 'lose-reply': 1 } }. */
  readonly byAction: Record<string, Partial<Record<FaultKind, number>>> = {};

  /** The next `n` matching requests get `kind`. */
  next(kind: FaultKind, n: number, filter: FaultFilter = {}, delayMs?: number): void {
    if (!FAULT_KINDS.includes(kind)) throw new RangeError(`fault kind must be one of ${FAULT_KINDS.join(', ')}`);
    if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new RangeError('fault count must be 1–10000');
    this.rules.push({ ...filter, kind, remaining: n, delayMs });
  }
  throttleNext(n: number, filter: FaultFilter = {}): void {
    this.next('throttle', n, filter);
  }
  failNext(n: number, filter: FaultFilter = {}): void {
    this.next('error', n, filter);
  }
  dropNext(n: number, filter: FaultFilter = {}): void {
    this.next('drop', n, filter);
  }
  /** The action runs, then the connection closes without a reply. */
  loseReplyNext(n: number, filter: FaultFilter = {}): void {
    this.next('lose-reply', n, filter);
  }
  /** The connection is accepted and never answered (until the client gives up). */
  hangNext(n: number, filter: FaultFilter = {}): void {
    this.next('hang', n, filter);
  }
  delayNext(n: number, delayMs: number, filter: FaultFilter = {}): void {
    this.next('delay', n, filter, delayMs);
  }

  /** Adds a seeded random schedule (rates in 0–1, summing to at most 1). */
  schedule(s: FaultSchedule): void {
    const total = Object.values(s.rates).reduce((a, b) => a + (b ?? 0), 0);
    for (const [k, r] of Object.entries(s.rates)) {
      if (!FAULT_KINDS.includes(k as FaultKind) || typeof r !== 'number' || r < 0) throw new RangeError(`fault rate ${k}=${r} is not valid`);
    }
    if (total > 1) throw new RangeError(`fault rates add up to ${total}; at most 1`);
    if (!Number.isInteger(s.seed)) throw new RangeError('fault schedule seed must be an integer');
    this.schedules.push({ s, random: seededRandom(s.seed), used: 0 });
  }

  clear(): void {
    this.rules = [];
    this.schedules = [];
  }

  pending(): { kind: FaultKind; remaining: number; service?: string; action?: string; method?: string; pathPrefix?: string }[] {
    return this.rules.map(({ kind, remaining, service, action, method, pathPrefix }) => ({ kind, remaining, service, action, method, pathPrefix }));
  }

  /** Consumes the fault for this request, if any: counted rules first, then schedules. */
  take(t: FaultTarget): FaultHit | undefined {
    const i = this.rules.findIndex((r) => matches(r, t));
    if (i >= 0) {
      const r = this.rules[i];
      if (--r.remaining === 0) this.rules.splice(i, 1);
      return this.hit(t, { kind: r.kind, delayMs: r.delayMs });
    }
    for (const sch of this.schedules) {
      if (!matches(sch.s, t) || (sch.s.limit !== undefined && sch.used >= sch.s.limit)) continue;
      let x = sch.random();
      for (const kind of FAULT_KINDS) {
        const rate = sch.s.rates[kind] ?? 0;
        if (x < rate) {
          sch.used++;
          return this.hit(t, { kind, delayMs: sch.s.delayMs ?? 1000 });
        }
        x -= rate;
      }
    }
    return undefined;
  }

  private hit(t: FaultTarget, h: FaultHit): FaultHit {
    this.counts[h.kind]++;
    const key = t.action ?? `${t.method} ${t.path}`;
    const per = (this.byAction[key] ??= {});
    per[h.kind] = (per[h.kind] ?? 0) + 1;
    return h;
  }
}
