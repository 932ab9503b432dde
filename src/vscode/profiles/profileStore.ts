import * as vscode from 'vscode';
import { descriptorOf } from '../../core/clouds/registry';
import { CloudProfile, ParsedProfiles, parseProfiles, secretKey } from '../../core/profiles';
import { rememberSecret } from '../../core/redact';

const SECTION = 'otaBench';
const KEY = 'profiles';

/**
 * Profiles: non-secret fields in the `otaBench.profiles` setting, secrets in SecretStorage.
 * Writes go to the global (user) settings unless the workspace already defines the list.
 */
export class ProfileStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subs.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.${KEY}`)) this.changed.fire();
      }),
      this.changed,
    );
  }

  read(): ParsedProfiles {
    return parseProfiles(vscode.workspace.getConfiguration(SECTION).get<unknown>(KEY));
  }

  get(name: string): CloudProfile | undefined {
    return this.read().profiles.find((p) => p.name === name);
  }

  /** Adds or replaces (by `replacing` name, or its own name) a profile and stores its secrets. */
  async save(profile: CloudProfile, secrets: Record<string, string>, replacing?: string): Promise<void> {
    const raw = this.rawList();
    const oldName = replacing ?? profile.name;
    const at = raw.findIndex((p) => (p as { name?: unknown })?.name === oldName);
    const next = [...raw];
    if (at >= 0) next[at] = profile;
    else next.push(profile);
    // Secrets first: a profile in settings without its secrets would fail on first use.
    for (const [field, value] of Object.entries(secrets)) {
      rememberSecret(value);
      await this.secrets.store(secretKey(profile.name, field), value);
    }
    // A rename: the wizard passed the kept secrets in `secrets`, now stored under the new name.
    if (replacing && replacing !== profile.name) await this.deleteSecrets(profile.kind, replacing);
    await this.writeList(next);
  }

  async remove(profile: Pick<CloudProfile, 'name' | 'kind'>): Promise<void> {
    const next = this.rawList().filter((p) => (p as { name?: unknown })?.name !== profile.name);
    await this.writeList(next);
    await this.deleteSecrets(profile.kind, profile.name);
  }

  async getSecret(profileName: string, field: string): Promise<string | undefined> {
    const v = await this.secrets.get(secretKey(profileName, field));
    rememberSecret(v);
    return v;
  }

  private async deleteSecrets(kind: CloudProfile['kind'], name: string): Promise<void> {
    for (const f of descriptorOf(kind).secretFields) await this.secrets.delete(secretKey(name, f.key));
  }

  private rawList(): unknown[] {
    const v = vscode.workspace.getConfiguration(SECTION).get<unknown>(KEY);
    return Array.isArray(v) ? v : [];
  }

  private async writeList(list: unknown[]): Promise<void> {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const inspect = cfg.inspect(KEY);
    const target =
      inspect?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await cfg.update(KEY, list, target);
  }

  dispose(): void {
    this.subs.forEach((d) => d.dispose());
  }
}
