// Where a workspace's release record lives between runs. The editor backs this with
// workspaceState; tests and the demo's smoke run use a file or memory. Records are plain JSON and
// go through JSON on every save, so nothing that would not survive workspaceState slips in.

import { mkdir, readFile, rename, writeFile } from 'fs/promises';
import { dirname } from 'path';
import type { ReleaseRecord } from './types';

export interface ReleaseStore {
  load(): Promise<ReleaseRecord | undefined>;
  save(record: ReleaseRecord): Promise<void>;
}

export class MemoryReleaseStore implements ReleaseStore {
  private json?: string;
  /** Saves so far (tests check that each step persisted). */
  saves = 0;

  async load(): Promise<ReleaseRecord | undefined> {
    return this.json ? (JSON.parse(this.json) as ReleaseRecord) : undefined;
  }

  async save(record: ReleaseRecord): Promise<void> {
    this.json = JSON.stringify(record);
    this.saves++;
  }
}

export class FileReleaseStore implements ReleaseStore {
  constructor(readonly path: string) {}

  async load(): Promise<ReleaseRecord | undefined> {
    try {
      const r = JSON.parse(await readFile(this.path, 'utf8')) as ReleaseRecord;
      return r?.schema === 1 ? r : undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Write-then-rename, so a crash mid-save leaves the previous record rather than half a file. */
  async save(record: ReleaseRecord): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(record, null, 1));
    await rename(tmp, this.path);
  }
}
