// The release commands: Quick Release (profile and version, one QuickPick each), Build Firmware,
// Sign Artifact, Publish Version, Start Verify Job (the workspace's or a listed version), Release to
// Fleet…, Resume Last Release, Cancel Release, Save Verify Bundle…. Each runs the same pipeline
// (core/release), whole or in part, through the ReleaseController.
import * as vscode from 'vscode';
import type { Job, PackageVersion } from '../../core/model';
import type { CloudProfile } from '../../core/profiles';
import { locateArtifact } from '../../core/release/artifact';
import type { RunOptions } from '../../core/release/pipeline';
import { resumePoint } from '../../core/release/record';
import { STEP_TITLES, type ReleaseEvent, type ReleaseRecord, type StepId } from '../../core/release/types';
import { formatSize } from '../../core/release/artifact';
import { isNamedError } from '../../core/errors';
import type { StaleReleaseError } from '../../core/release/errors';
import { readVersion } from '../../core/version/read';
import { showCloudError } from '../clouds/errors';
import { errorMessage, log } from '../log';
import { buildRunnerFor } from '../release/buildRunner';
import type { ReleaseController } from '../release/controller';
import { releaseToFleet } from '../release/fleetWizard';
import { showOutcome } from '../release/outcome';
import { benchDeviceFor, configFor, confirmVersion, folderAndSettings, pickProfile, runDeps, serialFor, verifySettings, type ReleaseServices } from '../release/prepare';
import { verifyOnlyRecord } from '../../core/release/verifyOnly';
import { defaultSaveFolder, rememberSaveFolder, showSaved } from '../monitor/saveLocation';

/** A Clouds-view version node, as the tree hands it to a command (read structurally). */
interface VersionNodeLike {
  ctx: { profile: CloudProfile };
  item: PackageVersion;
}
const isVersionNode = (n: unknown): n is VersionNodeLike =>
  typeof n === 'object' && n !== null && typeof (n as VersionNodeLike).item?.version === 'string' && typeof (n as VersionNodeLike).ctx?.profile?.name === 'string';

/** What the Clouds view's Start Verify Job (and tests) pass along with a version node. */
export interface VerifyOptions {
  /** The bench device; without it the profile's, else asked. */
  target?: string;
  /** false: publish a DRAFT version first without asking. */
  confirm?: boolean;
  /** Told once, as soon as the cloud describes the new verify job (the watch goes on). */
  onJob?: (job: Job) => void | Promise<void>;
}

const RELEASE = { capability: 'release', what: 'release support' } as const;

export function registerReleaseCommands(s: ReleaseServices, controller: ReleaseController): vscode.Disposable[] {
  const busy = (): boolean => {
    if (!controller.isRunning) return false;
    void vscode.window.showWarningMessage('OTA Bench: a release is running. Wait for it or cancel it first.', 'Cancel Release', 'Open Monitor').then((b) => {
      if (b === 'Cancel Release') void vscode.commands.executeCommand('otaBench.cancelRelease');
      if (b === 'Open Monitor') void vscode.commands.executeCommand('otaBench.openMonitor');
    });
    return true;
  };

  const openMonitor = () => vscode.commands.executeCommand('otaBench.openMonitor').then(undefined, (e) => log().warn(`could not open the monitor: ${errorMessage(e)}`));

  /** Runs `title` as a release (new or resumed) and tells the outcome; resolves with the record. */
  const run = async (title: string, go: () => Promise<ReleaseRecord>): Promise<ReleaseRecord | undefined> => {
    try {
      const r = await go();
      showOutcome(r);
      return r;
    } catch (e) {
      if (isNamedError<StaleReleaseError>(e, 'StaleReleaseError')) {
        const b = await vscode.window.showWarningMessage(`OTA Bench: ${e.message}`, 'Quick Release');
        if (b) await vscode.commands.executeCommand('otaBench.quickRelease');
        return undefined;
      }
      void showCloudError(`${title} could not start`, e);
      return undefined;
    }
  };

  /** Profile → version → serial → run, stopping after `stopAfter` (a part of the release). */
  const releaseCommand = async (title: string, opts: RunOptions = {}): Promise<ReleaseRecord | undefined> => {
    if (busy()) return undefined;
    const fs = folderAndSettings();
    if (!fs) return undefined;
    const profile = await pickProfile(s, title, RELEASE);
    if (!profile) return undefined;
    const config = configFor(fs.settings, profile, fs.folder.uri.fsPath);
    if (!config) return undefined;
    const version = await confirmVersion(s, config, title);
    if (!version) return undefined;
    const verifies = !opts.stopAfter || ['watch', 'verdict', 'start-verify'].includes(opts.stopAfter);
    const serial = await serialFor(s, verifies);
    if (!serial.go) return undefined;
    config.version = version;
    await s.store.remember({ profile: profile.name, ...(version.kind === 'fixed' ? { version: version.version } : {}) });
    if (verifies) await openMonitor();
    return run(title, async () => controller.run({ title: `OTA Bench: ${title}`, config, deps: await runDeps(s, profile, fs.settings, config.root, serial.watcher), opts }));
  };

  const quickRelease = () => releaseCommand('Quick Release');
  const signArtifact = () => releaseCommand('Sign Artifact', { stopAfter: 'sign' });

  /** Publish Version: continues a release stopped before its upload, else a new one up to publishing. */
  const publishVersion = async (): Promise<ReleaseRecord | undefined> => {
    const last = controller.record;
    const at = last ? resumePoint(last) : undefined;
    if (last && last.status === 'stopped' && at && STEP_IDS_BEFORE_PUBLISH.includes(at)) {
      if (busy()) return undefined;
      const go = await vscode.window.showQuickPick(
        [
          { label: `$(debug-continue) Continue ${last.config.packageName} ${last.version?.value ?? ''}`, description: `signed, to "${last.config.profile}"`, id: 'continue' },
          { label: '$(refresh) Start over', description: 'build, sign and publish again', id: 'new' },
        ],
        { title: 'Publish Version', ignoreFocusOut: true },
      );
      if (!go) return undefined;
      if (go.id === 'continue') return resumeLast({ stopAfter: 'publish' }, 'Publish Version');
    }
    return releaseCommand('Publish Version', { stopAfter: 'publish' });
  };

  const resumeLast = async (opts: RunOptions = {}, title = 'Resume Last Release'): Promise<ReleaseRecord | undefined> => {
    if (busy()) return undefined;
    await controller.restore();
    const last = controller.record ?? (await s.store.load());
    const at = last ? resumePoint(last) : undefined;
    if (!last || !at) {
      const b = await vscode.window.showInformationMessage(last ? `OTA Bench: the last release (${last.config.packageName} ${last.version?.value ?? ''}) passed; there is nothing to resume.` : 'OTA Bench: no release to resume in this workspace.', 'Quick Release');
      if (b) await vscode.commands.executeCommand('otaBench.quickRelease');
      return undefined;
    }
    const profile = s.profiles.get(last.config.profile);
    if (!profile) {
      void vscode.window.showErrorMessage(`OTA Bench: the last release went to profile "${last.config.profile}", which no longer exists.`, 'Add Cloud Profile').then((b) => b && vscode.commands.executeCommand('otaBench.addProfile'));
      return undefined;
    }
    const fs = folderAndSettings();
    if (!fs) return undefined;
    // Without a stop, a resume runs through the verdict, which needs the board's serial port.
    const verifies = !opts.stopAfter;
    const serial = await serialFor(s, verifies);
    if (!serial.go) return undefined;
    log().info(`Resuming release ${last.id} of ${last.config.packageName} ${last.version?.value ?? ''} at "${STEP_TITLES[at]}"`);
    if (verifies) await openMonitor();
    return run(title, async () => controller.run({ title: `OTA Bench: ${title} (${STEP_TITLES[at]})`, record: last, deps: await runDeps(s, profile, fs.settings, last.config.root, serial.watcher), opts }));
  };

  /**
   * Start Verify Job: the workspace's version or a listed one; or the version node it was run on
   * (the Clouds view's command forwards here). Start, watch, verdict as in a Quick Release.
   */
  const verifyVersion = async (node?: unknown, opts: VerifyOptions = {}): Promise<ReleaseRecord | undefined> => {
    const title = 'Start Verify Job';
    if (busy()) return undefined;
    const fs = verifySettings();
    if (!fs) return undefined;
    const profile = isVersionNode(node) ? s.profiles.get(node.ctx.profile.name) ?? node.ctx.profile : await pickProfile(s, title, RELEASE);
    if (!profile) return undefined;
    const config = configFor(fs.settings, profile, fs.root);
    if (!config) return undefined;
    let chosen: PackageVersion | undefined = isVersionNode(node) ? node.item : undefined;
    if (!chosen) {
      const provider = await s.providerFor(profile);
      let workspaceVersion: string | undefined;
      try {
        if (config.version.kind === 'file' || config.version.kind === 'git') workspaceVersion = (await readVersion(config.version, { root: config.root })).version;
      } catch {
        /* listed versions only */
      }
      let listed: PackageVersion[] = [];
      try {
        listed = (await provider.listVersions(config.packageName, { pageSize: 25 })).items;
      } catch (e) {
        void showCloudError(`Could not list the versions of ${config.packageName}`, e, { kind: profile.kind });
        return undefined;
      }
      type Item = vscode.QuickPickItem & { v?: PackageVersion; publish?: boolean };
      const items: Item[] = [];
      const current = listed.find((v) => v.version === workspaceVersion);
      if (workspaceVersion && !current) items.push({ label: `$(tag) ${workspaceVersion}`, description: 'workspace version, not published yet', detail: 'Runs Quick Release: build, sign, publish, then verify.', publish: true });
      for (const v of listed) items.push({ label: `${v.version === workspaceVersion ? '$(tag)' : '$(package)'} ${v.version}`, description: `${v.rawStatus}${v.version === workspaceVersion ? ' · workspace version' : ''}`, v });
      if (!items.length) {
        void vscode.window.showInformationMessage(`OTA Bench: ${config.packageName} has no version on "${profile.name}" yet.`, 'Quick Release').then((b) => b && vscode.commands.executeCommand('otaBench.quickRelease'));
        return undefined;
      }
      items.sort((a, b) => Number(!!b.label.startsWith('$(tag)')) - Number(!!a.label.startsWith('$(tag)')));
      const pick = await vscode.window.showQuickPick(items, { title, placeHolder: `Version of ${config.packageName} to verify on the bench device`, ignoreFocusOut: true });
      if (!pick) return undefined;
      if (pick.publish) return quickRelease();
      chosen = pick.v;
    }
    if (!chosen) return undefined;
    const target = opts.target ?? (await benchDeviceFor(profile));
    if (!target) return undefined;
    config.target = target;
    if (chosen.status === 'draft') {
      const b = opts.confirm === false ? 'Publish and Verify' : await vscode.window.showWarningMessage(`${chosen.packageId} ${chosen.version} is a draft.`, { modal: true, detail: 'A verify job can only install a published version. Publish it first?' }, 'Publish and Verify');
      if (b !== 'Publish and Verify') return undefined;
      const provider = await s.providerFor(profile);
      try {
        if (!provider.setVersionState) throw new Error(`${chosen.packageId} ${chosen.version} is a draft, and this cloud cannot publish versions.`);
        await provider.setVersionState(chosen.packageId, chosen.id, 'publish');
      } catch (e) {
        void showCloudError(`Could not publish ${chosen.packageId} ${chosen.version}`, e, { kind: profile.kind });
        return undefined;
      }
      chosen = { ...chosen, status: 'published', rawStatus: 'PUBLISHED' };
    }
    const serial = await serialFor(s, true);
    if (!serial.go) return undefined;
    const record = verifyOnlyRecord(config, { packageId: chosen.packageId, versionId: chosen.id, version: chosen.version, status: chosen.status, arn: chosen.cloudRef }, Date.now());
    await s.store.remember({ profile: profile.name });
    await openMonitor();
    let told = false;
    const onEvent = (e: ReleaseEvent) => {
      if (e.type !== 'rollout' || told || !opts.onJob) return;
      told = true;
      void Promise.resolve(opts.onJob(e.rollout.job)).catch((err) => log().warn(`verify: ${errorMessage(err)}`));
    };
    return run(title, async () => controller.run({ title: `OTA Bench: verify ${chosen!.packageId} ${chosen!.version}`, record, deps: await runDeps(s, profile, fs.settings, config.root, serial.watcher), onEvent }));
  };

  const buildFirmware = async (): Promise<boolean> => {
    const fs = folderAndSettings();
    if (!fs) return false;
    const runner = buildRunnerFor(fs.settings.build, fs.folder.uri.fsPath);
    if (!runner) {
      const b = await vscode.window.showInformationMessage('OTA Bench: no build is configured. Set otaBench.release.build to a task label or {"command": "…"}.', 'Open Settings');
      if (b) await vscode.commands.executeCommand('workbench.action.openSettings', 'otaBench.release.build');
      return false;
    }
    const started = Date.now();
    const res = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'OTA Bench: Build Firmware', cancellable: true }, async (_p, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        return await runner(abort.signal, (t) => t.split(/\r?\n/).filter((l) => l.trim()).forEach((l) => log().info(`build: ${l}`)));
      } catch (e) {
        return { exitCode: -1, output: errorMessage(e), errors: [] as string[] };
      } finally {
        sub.dispose();
      }
    });
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (res.exitCode !== 0 || res.errors?.length) {
      const first = res.errors?.[0] ?? res.output.trim().split(/\r?\n/).slice(-1)[0];
      log().error(`build failed (exit ${res.exitCode}) in ${secs} s: ${first}`);
      void vscode.window.showErrorMessage(`OTA Bench: the build failed (exit ${res.exitCode})${first ? `: ${first}` : ''}`, 'Show Problems', 'Show Log').then((b) => {
        if (b === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
        if (b === 'Show Log') void vscode.commands.executeCommand('otaBench.showLog');
      });
      return false;
    }
    try {
      const a = await locateArtifact(fs.folder.uri.fsPath, fs.settings.artifact);
      log().info(`build done in ${secs} s: ${a.relPath} (${formatSize(a.size)})`);
      void vscode.window.showInformationMessage(`OTA Bench: built ${a.relPath} (${formatSize(a.size)}) in ${secs} s.`, 'Quick Release').then((b) => b && vscode.commands.executeCommand('otaBench.quickRelease'));
      return true;
    } catch (e) {
      void vscode.window.showWarningMessage(`OTA Bench: the build succeeded but ${errorMessage(e)}`, 'Open Settings').then((b) => b && vscode.commands.executeCommand('workbench.action.openSettings', 'otaBench.release.artifact'));
      return false;
    }
  };

  const cancelRelease = async (): Promise<ReleaseRecord | undefined> => {
    if (!controller.isRunning) {
      void vscode.window.showInformationMessage('OTA Bench: no release is running.');
      return undefined;
    }
    return controller.cancel();
  };

  const saveVerifyBundle = async (target?: vscode.Uri): Promise<string | undefined> => {
    await controller.restore();
    const r = controller.record;
    if (!r) {
      void vscode.window.showInformationMessage('OTA Bench: no release to save yet.');
      return undefined;
    }
    const dir =
      target ??
      (
        await vscode.window.showOpenDialog({
          title: 'Save Verify Bundle: choose a folder',
          canSelectFolders: true,
          canSelectFiles: false,
          canSelectMany: false,
          openLabel: 'Save Bundle Here',
          defaultUri: defaultSaveFolder('bundle'), // not the firmware project's root
        })
      )?.[0];
    if (!dir) return undefined;
    try {
      const { folder, files } = await controller.saveBundle(dir.fsPath);
      log().info(`verify bundle saved: ${folder} (${files.join(', ')})`);
      if (!target) rememberSaveFolder('bundle', dir, true);
      void showSaved(`OTA Bench: verify bundle saved to ${folder}.`, vscode.Uri.file(folder), true);
      return folder;
    } catch (e) {
      void vscode.window.showErrorMessage(`OTA Bench: could not save the verify bundle: ${errorMessage(e)}`);
      return undefined;
    }
  };

  return [
    vscode.commands.registerCommand('otaBench.quickRelease', quickRelease),
    vscode.commands.registerCommand('otaBench.buildFirmware', buildFirmware),
    vscode.commands.registerCommand('otaBench.signArtifact', signArtifact),
    vscode.commands.registerCommand('otaBench.publishFirmware', publishVersion),
    vscode.commands.registerCommand('otaBench.verifyVersion', verifyVersion),
    vscode.commands.registerCommand('otaBench.releaseToFleet', () => releaseToFleet(s)),
    vscode.commands.registerCommand('otaBench.resumeRelease', () => resumeLast()),
    vscode.commands.registerCommand('otaBench.cancelRelease', cancelRelease),
    vscode.commands.registerCommand('otaBench.saveVerifyBundle', saveVerifyBundle),
  ];
}

const STEP_IDS_BEFORE_PUBLISH: StepId[] = ['upload', 'register', 'publish'];
