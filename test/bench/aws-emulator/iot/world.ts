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

  now(): Date {
    return new Date();
  }
}
