// Where a workspace's release record lives between runs: a file in the workspace
// (.vscode/ota-bench/release.json) that the editor and the `ota-bench` CLI share, so a run stopped
// in one resumes in the other; tests also use memory. Records are plain JSON and go through JSON
// on every save. The lock beside it keeps the two from running a release at the same time.

import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'fs';
import { mkdir, readFile, rename, writeFile } from 'fs/promises';
import { hostname } from 'os';
import { dirname, join } from 'path';
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

/** The workspace's OTA Bench state folder (ignored by git: it holds a .gitignore of `*`). */
export function workspaceStateDir(root: string): string {
  return join(root, '.vscode', 'ota-bench');
}

/** The release record both the editor and the CLI read and write for the workspace `root`. */
export function workspaceRecordPath(root: string): string {
  return join(workspaceStateDir(root), 'release.json');
}

function ensureStateDir(root: string): string {
  const dir = workspaceStateDir(root);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(join(dir, '.gitignore'), '# OTA Bench run state (release record, lock): not part of the project.\n*\n', { flag: 'wx' });
  } catch {
    /* already there */
  }
  return dir;
}

/** Who runs a release on a workspace: written into the lock file. */
export interface LockHolder {
  pid: number;
  host: string;
  /** "the ota-bench CLI", "VS Code". */
  tool: string;
  startedAt: number;
}

/** Thrown when another process holds the workspace's release lock; `holder` says who. */
export class ReleaseLockedError extends Error {
  constructor(
    message: string,
    readonly holder: LockHolder,
  ) {
    super(message);
    this.name = 'ReleaseLockedError';
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes the workspace's release lock for `tool`, or throws ReleaseLockedError naming its holder. A
 * lock left by a process that is gone (same host, pid not running) is stale and taken over.
 * Returns the release function (idempotent; also safe to call from an exit handler).
 */
export function acquireReleaseLock(root: string, tool: string): () => void {
  const file = join(ensureStateDir(root), 'release.lock');
  const me: LockHolder = { pid: process.pid, host: hostname(), tool, startedAt: Date.now() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        try {
          const now = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
          if (now.pid === me.pid && now.startedAt === me.startedAt) unlinkSync(file);
        } catch {
          /* gone already */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: LockHolder | undefined;
    try {
      holder = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    } catch {
      holder = undefined; // half-written or removed meanwhile: try again
    }
    if (holder && typeof holder.pid === 'number') {
      if (holder.host === me.host && !alive(holder.pid)) {
        unlinkSync(file); // stale: its process is gone
        continue;
      }
      const since = new Date(holder.startedAt).toISOString().replace('T', ' ').slice(0, 19);
      throw new ReleaseLockedError(
        `A release is already running on this workspace in ${holder.tool} (pid ${holder.pid}${holder.host === me.host ? '' : ` on ${holder.host}`}, since ${since} UTC). ` +
          `Wait for it or cancel it there; if that process is gone, delete ${file}.`,
        holder,
      );
    }
  }
  throw new Error(`Could not take the release lock ${file}; delete it if no release is running.`);
}
