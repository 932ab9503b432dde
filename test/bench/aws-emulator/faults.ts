// Fault injection: the next N matching requests are throttled, fail with a 5xx, lose their
// connection or are delayed. Callable in-process (tests) and over the admin route (the demo).

import type { Service } from './errors';

export type FaultKind = 'throttle' | 'error' | 'drop' | 'delay';

export interface FaultFilter {
  service?: Service;
  method?: string;
  /** Matches when the request path starts with this (e.g. "/jobs"). */
  pathPrefix?: string;
}

interface Rule extends FaultFilter {
  kind: FaultKind;
  remaining: number;
  delayMs?: number;
}

export interface FaultHit {
  kind: FaultKind;
  delayMs?: number;
}

export class Faults {
  private rules: Rule[] = [];
  /** How many requests each kind of fault has hit so far. */
  readonly counts: Record<FaultKind, number> = { throttle: 0, error: 0, drop: 0, delay: 0 };

  throttleNext(n: number, filter: FaultFilter = {}): void {
    this.add({ ...filter, kind: 'throttle', remaining: n });
  }
  failNext(n: number, filter: FaultFilter = {}): void {
    this.add({ ...filter, kind: 'error', remaining: n });
  }
  dropNext(n: number, filter: FaultFilter = {}): void {
    this.add({ ...filter, kind: 'drop', remaining: n });
  }
  delayNext(n: number, delayMs: number, filter: FaultFilter = {}): void {
    this.add({ ...filter, kind: 'delay', remaining: n, delayMs });
  }
  clear(): void {
    this.rules = [];
  }
  pending(): { kind: FaultKind; remaining: number; service?: Service; pathPrefix?: string }[] {
    return this.rules.map(({ kind, remaining, service, pathPrefix }) => ({ kind, remaining, service, pathPrefix }));
  }

  private add(rule: Rule): void {
    if (!Number.isInteger(rule.remaining) || rule.remaining < 1 || rule.remaining > 10_000) throw new RangeError('fault count must be 1–10000');
    this.rules.push(rule);
  }

  /** Consumes one matching fault for this request, if any. */
  take(service: Service, method: string, path: string): FaultHit | undefined {
    const i = this.rules.findIndex(
      (r) => (!r.service || r.service === service) && (!r.method || r.method === method) && (!r.pathPrefix || path.startsWith(r.pathPrefix)),
    );
    if (i < 0) return undefined;
    const r = this.rules[i];
    if (--r.remaining === 0) this.rules.splice(i, 1);
    this.counts[r.kind]++;
    return { kind: r.kind, delayMs: r.delayMs };
  }
}
