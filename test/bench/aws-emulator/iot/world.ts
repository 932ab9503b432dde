// What every part of the emulated account shares: region, account id, ARNs, the clock (minutes can
// be shortened for tests) and an event bus the MQTT side listens to.

import { EventEmitter } from 'events';

export const ACCOUNT = '123456789012';

export class World extends EventEmitter {
  constructor(
    readonly region: string,
    /** How long an emulated "minute" lasts (job timeouts, rollout rates). */
    readonly minuteMs: number,
  ) {
    super();
  }

  arn(resource: string): string {
    return `arn:aws:iot:${this.region}:${ACCOUNT}:${resource}`;
  }

  private pinned?: Date;

  now(): Date {
    return new Date(this.pinned ?? Date.now());
  }

  /** Runs `fn` with the clock at `at` (seeding history in the past goes through the normal paths). */
  async atTime<T>(at: Date, fn: () => T | Promise<T>): Promise<T> {
    this.pinned = at;
    try {
      return await fn();
    } finally {
      this.pinned = undefined;
    }
  }
}
