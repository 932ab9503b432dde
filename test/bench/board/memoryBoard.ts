// A board with no serial port, for cloud-agent tests that only need the version to change: it
// installs whatever the agent hands it and "boots" it at once.
import type { BoardFault, BoardHandle } from './agent';

export class MemoryBoard implements BoardHandle {
  readonly faults = new Set<BoardFault>();
  constructor(public version = '1.0.0') {}
  log(): void {}
  async installAndReboot(_image: Buffer, newVersion: string): Promise<boolean> {
    this.version = newVersion;
    return true;
  }
}
