// The release record of this workspace in workspaceState (a release belongs to the workspace and
// the desk, not to settings; no secrets in it: the record holds paths, hashes and ids only), plus
// the Quick Release choices remembered between runs and the releases that passed (for the fleet
// wizard).
import type * as vscode from 'vscode';
import type { ReleaseRecord, ReleaseStore } from '../../core/release';

const RECORD_KEY = 'otaBench.release.last';
const CHOICE_KEY = 'otaBench.release.choice';
const PASSED_KEY = 'otaBench.release.passed';
const KEEP_PASSED = 20;

export interface ReleaseChoice {
  profile?: string;
  /** The last version confirmed (a different workspace version is pre-selected anyway). */
  version?: string;
}

/** A verified version: what Release to Fleet offers. */
export interface PassedRelease {
  profile: string;
  packageName: string;
  version: string;
  versionArn?: string;
  jobId: string;
  jobArn?: string;
  at: number;
}

export class WorkspaceReleaseStore implements ReleaseStore {
  constructor(private readonly state: vscode.Memento) {}

  async load(): Promise<ReleaseRecord | undefined> {
    const r = this.state.get<ReleaseRecord>(RECORD_KEY);
    return r?.schema === 1 ? (JSON.parse(JSON.stringify(r)) as ReleaseRecord) : undefined;
  }

  async save(record: ReleaseRecord): Promise<void> {
    // Through JSON, so what is stored is exactly what a reload reads back.
    await this.state.update(RECORD_KEY, JSON.parse(JSON.stringify(record)));
    if (record.status === 'passed' && record.job && record.version) await this.rememberPassed(record);
  }

  choice(): ReleaseChoice {
    return this.state.get<ReleaseChoice>(CHOICE_KEY) ?? {};
  }

  async remember(choice: ReleaseChoice): Promise<void> {
    await this.state.update(CHOICE_KEY, { ...this.choice(), ...choice });
  }

  passed(): PassedRelease[] {
    return this.state.get<PassedRelease[]>(PASSED_KEY) ?? [];
  }

  private async rememberPassed(r: ReleaseRecord): Promise<void> {
    const entry: PassedRelease = {
      profile: r.config.profile,
      packageName: r.config.packageName,
      version: r.version!.value,
      ...(r.publish?.arn ? { versionArn: r.publish.arn } : {}),
      jobId: r.job!.id,
      ...(r.job!.arn ? { jobArn: r.job!.arn } : {}),
      at: r.updatedAt,
    };
    const rest = this.passed().filter((p) => !(p.profile === entry.profile && p.packageName === entry.packageName && p.version === entry.version));
    await this.state.update(PASSED_KEY, [entry, ...rest].slice(0, KEEP_PASSED));
  }
}
