// The release record of this workspace: in the workspace's .vscode/ota-bench/release.json, shared
// with the `ota-bench` CLI (a release stopped in one resumes in the other); a window without a
// folder keeps it in workspaceState instead. No secrets in it: paths, hashes
// and ids only. Plus the Quick Release choices remembered between runs and the releases that passed
// (for the fleet wizard), and the lock that keeps the editor and the CLI from running at once.
import type * as vscode from 'vscode';
import { acquireReleaseLock, FileReleaseStore, workspaceRecordPath, type ReleaseStore } from '../../core/release/store';
import type { ReleaseRecord } from '../../core/release/types';
import type { FleetAnswers } from '../../core/clouds/fleet';
import { isCloudKind } from '../../core/clouds/registry';
import type { CloudKind } from '../../core/profiles';

const RECORD_KEY = 'otaBench.release.last';
const CHOICE_KEY = 'otaBench.release.choice';
const PASSED_KEY = 'otaBench.release.passed';
const KEEP_PASSED = 20;

export interface ReleaseChoice {
  profile?: string;
  /** The last version confirmed (a different workspace version is pre-selected anyway). */
  version?: string;
  /**
   * Release to Fleet's last answers per cloud kind (offered again as the defaults). Before the
   * form was per cloud this held AWS's answers flat; fleetAnswers('aws') still reads those.
   */
  fleet?: Partial<Record<CloudKind, FleetAnswers>> | FleetAnswers;
}

/** A verified version: what Release to Fleet offers. */
export interface PassedRelease {
  profile: string;
  packageName: string;
  version: string;
  versionArn?: string;
  /** The cloud's id of the version (Alibaba FirmwareId, Huawei package_id, AWS versionName). */
  versionId?: string;
  jobId: string;
  jobArn?: string;
  at: number;
}

export class WorkspaceReleaseStore implements ReleaseStore {
  private readonly file?: FileReleaseStore;

  /** `root`: the workspace folder whose record file is shared with the CLI. */
  constructor(
    private readonly state: vscode.Memento,
    private readonly root?: string,
  ) {
    if (root) this.file = new FileReleaseStore(workspaceRecordPath(root));
  }

  async load(): Promise<ReleaseRecord | undefined> {
    // The file wins: the CLI may have run (or stopped) a release since this window saved one.
    const fromFile = await this.file?.load().catch(() => undefined);
    if (fromFile) return fromFile;
    const r = this.state.get<ReleaseRecord>(RECORD_KEY);
    return r?.schema === 1 ? (JSON.parse(JSON.stringify(r)) as ReleaseRecord) : undefined;
  }

  /** Takes the workspace's release lock (throws ReleaseLockedError naming the CLI run that holds it). */
  lock(): () => void {
    return this.root ? acquireReleaseLock(this.root, 'VS Code') : () => undefined;
  }

  async save(record: ReleaseRecord): Promise<void> {
    if (this.file) {
      await this.file.save(record);
      // The file is the one copy: a second one in workspaceState would only go stale.
      if (this.state.get(RECORD_KEY) !== undefined) await this.state.update(RECORD_KEY, undefined);
    } else {
      // Through JSON, so what is stored is exactly what a reload reads back.
      await this.state.update(RECORD_KEY, JSON.parse(JSON.stringify(record)));
    }
    if (record.status === 'passed' && record.job && record.version) await this.rememberPassed(record);
  }

  choice(): ReleaseChoice {
    return this.state.get<ReleaseChoice>(CHOICE_KEY) ?? {};
  }

  async remember(choice: ReleaseChoice): Promise<void> {
    await this.state.update(CHOICE_KEY, { ...this.choice(), ...choice });
  }

  fleetAnswers(kind: CloudKind): FleetAnswers {
    const fleet = this.choice().fleet ?? {};
    const mine = (fleet as Record<string, unknown>)[kind];
    if (mine && typeof mine === 'object') return mine as FleetAnswers;
    // The flat form of earlier versions: AWS's answers (they had thing-group targets).
    return kind === 'aws' && typeof (fleet as FleetAnswers).targets === 'string' ? (fleet as FleetAnswers) : {};
  }

  async rememberFleetAnswers(kind: CloudKind, answers: FleetAnswers): Promise<void> {
    const fleet = this.choice().fleet ?? {};
    const perKind = Object.fromEntries(Object.entries(fleet).filter(([k, v]) => isCloudKind(k) && v && typeof v === 'object'));
    await this.remember({ fleet: { aws: this.fleetAnswers('aws'), ...perKind, [kind]: answers } });
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
      ...(r.publish?.versionId ? { versionId: r.publish.versionId } : {}),
      jobId: r.job!.id,
      ...(r.job!.arn ? { jobArn: r.job!.arn } : {}),
      at: r.updatedAt,
    };
    const rest = this.passed().filter((p) => !(p.profile === entry.profile && p.packageName === entry.packageName && p.version === entry.version));
    await this.state.update(PASSED_KEY, [entry, ...rest].slice(0, KEEP_PASSED));
  }
}
