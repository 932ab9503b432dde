// Everything a release command asks or checks before the pipeline runs: the workspace folder and
// its release settings, the cloud profile (one QuickPick, last choice first), the version (one
// QuickPick: the workspace's, or another typed one), the bench device when the profile names none,
// the serial port for the verdict, and the pipeline's editor-side deps (provider, build task,
// prompts, serial watcher).
import * as vscode from 'vscode';
import type { CloudProvider } from '../../core/clouds/provider';
import { benchTargets, descriptorOf, missingCapability } from '../../core/clouds/registry';
import type { Capability } from '../../core/clouds/descriptor';
import type { CloudProfile } from '../../core/profiles';
import { releaseConfig, type ReleaseSettings } from '../../core/release/settings';
import { describeSigning, signingOf } from '../../core/release/signingSettings';
import type { SerialWatcher } from '../../core/release/serialWatch';
import type { ReleaseConfig } from '../../core/release/types';
import type { SerialLine } from '../../core/serial/line';
import { readVersion, type VersionSource } from '../../core/version/read';
import { versionValidator } from '../../core/version/rules';
import type { BenchWatcher } from '../../core/release/benchVerdict';
import type { ProfileStore } from '../profiles/profileStore';
import { buildRunnerFor } from './buildRunner';
import type { RunDeps } from './controller';
import { serialWatcher } from '../../core/release/serialWatcher';
import { readReleaseSettings, releaseFolder } from './settings';
import type { WorkspaceReleaseStore } from './workspaceStore';

/** The serial side the release uses (the SerialManager, structurally). */
export interface ReleaseSerial {
  readonly port: { path: string } | undefined;
  readonly existing: { isOpen: boolean } | undefined;
  connect(): Promise<boolean>;
  onLines(listener: (lines: SerialLine[]) => void): { dispose(): void };
  lines(): SerialLine[];
  /** With otaBench.bench.boards: one watcher per board that has a device for the profile (a verdict per board). */
  benchWatchers?(profile: { name: string; kind: string }): BenchWatcher[];
}

export interface ReleaseServices {
  profiles: ProfileStore;
  providerFor(profile: CloudProfile): Promise<CloudProvider>;
  store: WorkspaceReleaseStore;
  serial?: ReleaseSerial;
  /** A command created or changed cloud objects of this profile (the Clouds view reloads it). */
  cloudChanged?(profile: string): void;
}

export interface Prepared {
  folder: vscode.WorkspaceFolder;
  settings: ReleaseSettings;
  profile: CloudProfile;
  config: ReleaseConfig;
}

const OPEN_SETTINGS = 'Open Settings';

export async function openReleaseSettings(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openSettings', 'otaBench.release');
}

/** The folder and its release settings; a settings problem is shown with "Open Settings". */
export function folderAndSettings(): { folder: vscode.WorkspaceFolder; settings: ReleaseSettings } | undefined {
  const folder = releaseFolder();
  if (!folder) {
    void vscode.window.showErrorMessage('OTA Bench: open the firmware project folder first; a release builds and reads the version from a workspace folder.', 'Open Folder').then((b) => {
      if (b) void vscode.commands.executeCommand('workbench.action.files.openFolder');
    });
    return undefined;
  }
  const settings = checkedSettings(folder);
  return settings && { folder, settings };
}

/**
 * For a verify of a version already on the cloud, which builds nothing: the folder's settings, or
 * without a folder the user's (root '', so the workspace version is simply not offered).
 */
export function verifySettings(): { root: string; settings: ReleaseSettings } | undefined {
  const folder = releaseFolder();
  const settings = checkedSettings(folder);
  return settings && { root: folder?.uri.fsPath ?? '', settings };
}

function checkedSettings(folder: vscode.WorkspaceFolder | undefined): ReleaseSettings | undefined {
  const { settings, errors } = readReleaseSettings(folder);
  if (!errors.length) return settings;
  void vscode.window.showErrorMessage(`OTA Bench: fix the release settings first: ${errors.join(' ')}`, OPEN_SETTINGS).then((b) => b && openReleaseSettings());
  return undefined;
}

interface ProfileItem extends vscode.QuickPickItem {
  profile: CloudProfile;
}

/**
 * One QuickPick of the profiles that can do `need`, the last one used first; the others are listed
 * last with the one sentence that says why not, and picking one only explains. Undefined: none or dismissed.
 */
export async function pickProfile(s: ReleaseServices, title: string, need: { capability: Capability; what: string }, filter?: (p: CloudProfile) => string | undefined): Promise<CloudProfile | undefined> {
  const { profiles, errors } = s.profiles.read();
  if (!profiles.length) {
    const why = errors.length ? ` (${errors.length} profile entr${errors.length > 1 ? 'ies are' : 'y is'} invalid: ${errors[0].message})` : '';
    const b = await vscode.window.showErrorMessage(`OTA Bench: no cloud profile to release to${why}.`, 'Add Cloud Profile');
    if (b) await vscode.commands.executeCommand('otaBench.addProfile');
    return undefined;
  }
  const why = (p: CloudProfile) => missingCapability(p, need.capability, need.what) ?? filter?.(p);
  const last = s.store.choice().profile;
  const rank = (p: CloudProfile) => (why(p) ? 2 : p.name === last ? 0 : 1);
  const ordered = [...profiles].sort((a, b) => rank(a) - rank(b));
  const items: ProfileItem[] = ordered.map((p) => {
    const signing = signingOf(p);
    const problem = why(p);
    const devices = benchTargets(p);
    const noun = descriptorOf(p).nouns;
    return {
      label: `${problem ? '$(circle-slash) ' : ''}${p.name}`,
      description: `${descriptorOf(p).label} · ${p.region}${p.name === last ? ' · last used' : ''}`,
      detail: problem ? problem : `${devices.length ? `bench ${devices.length > 1 ? noun.devices : noun.device} ${devices.join(', ')}` : 'no bench device set'} · ${signing.ok ? describeSigning(signing.value) : `$(warning) ${signing.error}`}`,
      profile: p,
    };
  });
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder: 'Cloud profile to release to', ignoreFocusOut: true, matchOnDescription: true });
  if (!pick) return undefined;
  const problem = why(pick.profile);
  if (problem) {
    void vscode.window.showErrorMessage(`OTA Bench: ${problem}`);
    return undefined;
  }
  return pick.profile;
}

/** The bench device(s) a verify job targets: the profile's, else asked (checked as the cloud names devices). */
export async function benchDeviceFor(profile: CloudProfile): Promise<string | undefined> {
  const named = benchTargets(profile);
  if (named.length) return named.join(', ');
  const d = descriptorOf(profile);
  const field = d.profileFields.find((f) => f.key === d.bench.field)!;
  const what = `${d.nouns.device} (${d.bench.field})`;
  const check = field.validate;
  const value = await vscode.window.showInputBox({
    title: 'Bench device for the verify job',
    prompt: `Profile "${profile.name}" names no bench device. Enter its ${what} (add it to the profile to skip this question).`,
    validateInput: (v) => (v.trim() === '' ? `Enter the bench device's ${what}.` : check(v.trim())),
    ignoreFocusOut: true,
  });
  return value?.trim() || undefined;
}

/** Builds the release config for `profile`; a signing-settings problem is shown. */
export function configFor(settings: ReleaseSettings, profile: CloudProfile, root: string): ReleaseConfig | undefined {
  const { config, error } = releaseConfig(settings, profile, root);
  if (!config) {
    void vscode.window.showErrorMessage(`OTA Bench: ${error}`, 'Open Profile Settings').then((b) => b && vscode.commands.executeCommand('otaBench.openProfileSettings'));
    return undefined;
  }
  return config;
}

interface VersionItem extends vscode.QuickPickItem {
  source?: VersionSource;
  typed?: boolean;
}

/**
 * One QuickPick to confirm the version: the workspace's (read now from the version setting), or
 * another one typed (checked against the cloud's version rules). Resolves the source the release
 * reads, or undefined when dismissed.
 */
export async function confirmVersion(s: ReleaseServices, config: ReleaseConfig, title: string): Promise<VersionSource | undefined> {
  const validate = versionValidator([config.cloud, ...(config.validateFor ?? [])]);
  const items: VersionItem[] = [];
  let readError: string | undefined;
  if (config.version.kind !== 'ask' && config.version.kind !== 'fixed') {
    try {
      const v = await readVersion(config.version, { root: config.root });
      const problem = validate(v.version);
      const previous = s.store.passed().find((p) => p.profile === config.profile && p.packageName === config.packageName && p.version === v.version);
      items.push({
        label: `$(tag) ${v.version}`,
        description: `from ${v.origin}`,
        detail: problem
          ? `$(warning) ${problem}`
          : previous
            ? `$(info) ${v.version} already passed on "${config.profile}": the image is reused if unchanged. Bump the version for a new build.`
            : `${config.packageName} → "${config.profile}"`,
        source: config.version,
      });
    } catch (e) {
      readError = e instanceof Error ? e.message : String(e);
    }
  }
  items.push({ label: '$(edit) Enter a version…', description: readError ? `(could not read the workspace version: ${readError})` : 'release as another version', typed: true });
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder: `Version of ${config.packageName} to release`, ignoreFocusOut: true });
  if (!pick) return undefined;
  if (!pick.typed) return pick.source;
  const typed = await vscode.window.showInputBox({
    title,
    prompt: `Version of ${config.packageName} (the built image must carry the same version)`,
    value: s.store.choice().version,
    validateInput: (v) => (v.trim() ? validate(v.trim()) : 'Enter a version such as 1.4.2.'),
    ignoreFocusOut: true,
  });
  return typed?.trim() ? { kind: 'fixed', version: typed.trim() } : undefined;
}

/**
 * The serial watcher for the verdict. No port: the user chooses to select one or to go on without
 * (the verdict then says the board's version could not be confirmed). Undefined + false = stop.
 */
export async function serialFor(s: ReleaseServices, needed: boolean): Promise<{ go: boolean; watcher?: SerialWatcher }> {
  const serial = s.serial;
  if (!needed) return { go: true, watcher: serial?.existing?.isOpen ? serialWatcher(serial) : undefined };
  if (serial?.port && !serial.existing?.isOpen) await serial.connect().catch(() => false);
  if (serial?.port && serial.existing?.isOpen) return { go: true, watcher: serialWatcher(serial) };
  const SELECT = 'Select Port';
  const WITHOUT = 'Release Without Serial';
  const why = serial?.port ? `The board's port ${serial.port.path} is not open` : 'No serial port is selected';
  const b = await vscode.window.showWarningMessage(
    `OTA Bench: ${why}. The verdict needs the board's boot banner on serial to confirm the new version.`,
    { modal: true, detail: 'Without serial the verify job still runs, but the verdict cannot pass.' },
    SELECT,
    WITHOUT,
  );
  if (b === WITHOUT) return { go: true };
  if (b !== SELECT) return { go: false };
  await vscode.commands.executeCommand('otaBench.serial.selectPort');
  if (serial?.port && !serial.existing?.isOpen) await serial.connect().catch(() => false);
  return serial?.existing?.isOpen ? { go: true, watcher: serialWatcher(serial) } : { go: false };
}

/** The pipeline's editor-side deps for a config. */
export async function runDeps(s: ReleaseServices, profile: CloudProfile, settings: ReleaseSettings, root: string, watcher?: SerialWatcher): Promise<RunDeps> {
  const provider = await s.providerFor(profile);
  return {
    provider,
    build: buildRunnerFor(settings.build, root),
    serial: watcher,
    ...(s.serial?.benchWatchers?.(profile).length ? { boards: s.serial.benchWatchers(profile) } : {}),
    askVersion: async ({ prompt, validate }) =>
      (await vscode.window.showInputBox({ title: 'OTA Bench: release version', prompt, validateInput: (v) => validate(v.trim()), ignoreFocusOut: true }))?.trim(),
    onPendingWork: async (jobs, targets) => {
      const CANCEL = 'Cancel Them and Verify';
      const WAIT = 'Let It Wait';
      const names = jobs.map((j) => `${j.id} (${j.rawStatus})`).join(', ');
      const b = await vscode.window.showWarningMessage(
        `OTA Bench: ${targets.join(', ')} already ${jobs.length > 1 ? 'have' : 'has'} ${jobs.length} pending job${jobs.length > 1 ? 's' : ''}: ${names}.`,
        { modal: true, detail: 'A board takes one job at a time: the verify job would wait at QUEUED behind them until it times out.' },
        CANCEL,
        WAIT,
      );
      return b === CANCEL ? 'cancel' : b === WAIT ? 'wait' : 'stop';
    },
    keyPassphrase: () =>
      Promise.resolve(vscode.window.showInputBox({ title: 'OTA Bench: signing key', prompt: 'The signing key file is encrypted. Enter its passphrase (used once, never stored).', password: true, ignoreFocusOut: true })),
  };
}
