import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CloudModule, CloudProvider, SecretSource } from '../../core/clouds/provider';
import type { CloudKind, CloudProfile } from '../../core/profiles';
import { log } from '../log';
import { ProfileStore } from '../profiles/profileStore';

/** Reads a profile's secrets from SecretStorage (through the store, which masks them in logs). */
export function secretSourceFor(store: ProfileStore, profileName: string): SecretSource {
  return (field) => store.getSecret(profileName, field);
}

interface Entry {
  fingerprint: string;
  provider: Promise<CloudProvider>;
}

/**
 * One provider per profile, created on first use from the cloud's lazily loaded bundle
 * (`dist/clouds/<kind>.js`: the SDKs never load at activation). A changed or removed profile drops
 * its provider, so the next use sees the new settings.
 */
export class CloudProviders implements vscode.Disposable {
  private readonly modules = new Map<CloudKind, CloudModule>();
  private readonly entries = new Map<string, Entry>();
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly extensionPath: string,
    private readonly store: ProfileStore,
  ) {
    this.sub = store.onDidChange(() => this.prune());
  }

  /** The provider for this profile, creating it (and loading the cloud's bundle) on first use. */
  get(profile: CloudProfile): Promise<CloudProvider> {
    const fingerprint = JSON.stringify(profile);
    const have = this.entries.get(profile.name);
    if (have?.fingerprint === fingerprint) return have.provider;
    if (have) this.drop(profile.name);
    const provider = this.create(profile);
    this.entries.set(profile.name, { fingerprint, provider });
    // A failed creation is not cached: Retry must try again (credentials may have been fixed).
    provider.catch(() => {
      if (this.entries.get(profile.name)?.provider === provider) this.entries.delete(profile.name);
    });
    return provider;
  }

  /** The provider for a profile by name, as currently configured. */
  async byName(name: string): Promise<CloudProvider> {
    const profile = this.store.get(name);
    if (!profile) throw new Error(`No cloud profile named "${name}".`);
    return this.get(profile);
  }

  /** True once a cloud's bundle has been required (tests assert it stays false until first use). */
  isLoaded(kind: CloudKind): boolean {
    return this.modules.has(kind);
  }

  /** Forgets a profile's provider (or all of them): the next use creates a fresh one. */
  invalidate(name?: string): void {
    for (const key of name ? [name] : [...this.entries.keys()]) this.drop(key);
  }

  private async create(profile: CloudProfile): Promise<CloudProvider> {
    const mod = this.load(profile.kind);
    const started = performance.now();
    const provider = await mod.createProvider(profile, secretSourceFor(this.store, profile.name));
    log().info(`${profile.kind} provider for "${profile.name}" ready in ${(performance.now() - started).toFixed(0)} ms`);
    return provider;
  }

  private load(kind: CloudKind): CloudModule {
    let mod = this.modules.get(kind);
    if (!mod) {
      const file = join(this.extensionPath, 'dist', 'clouds', `${kind}.js`);
      const started = performance.now();
      // A path computed at run time: esbuild leaves this require alone, so the SDK stays out of extension.js.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(file) as CloudModule;
      if (typeof mod?.createProvider !== 'function') throw new Error(`${file} does not export createProvider().`);
      log().info(`Loaded ${kind} cloud module in ${(performance.now() - started).toFixed(0)} ms`);
      this.modules.set(kind, mod);
    }
    return mod;
  }

  private prune(): void {
    const current = new Map(this.store.read().profiles.map((p) => [p.name, JSON.stringify(p)]));
    for (const [name, e] of this.entries) if (current.get(name) !== e.fingerprint) this.drop(name);
  }

  private drop(name: string): void {
    const e = this.entries.get(name);
    this.entries.delete(name);
    e?.provider.then((p) => p.dispose?.(), () => undefined);
  }

  dispose(): void {
    this.sub.dispose();
    this.invalidate();
  }
}
