// The demo firmware project in the opened workspace folder, set up for Quick Release as a user
// would (its "Build firmware" task, the package name, the board's port), and the Clouds tree as it
// shows: what the real-workbench release suites (release, huaweiTree, aliyunTree) share.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { OtaBenchApi } from '../../../src/extension';
import type { BenchNode } from '../../../src/vscode/tree/node';
import { withDialogs, type Answer, type DialogScript } from './dialogs';
import { testEnv } from './env';
import { waitFor } from './wait';

const cfg = () => vscode.workspace.getConfiguration('otaBench');

/**
 * Copies demo/workspace's include, src, scripts and .vscode into the opened folder, without its
 * settings.json (the suites make their settings through the API); returns the folder. Adds to
 * `copied` all there is to remove after, as it goes: what it copies, build/ and `also` (more
 * folders the suite creates there).
 */
export function copyDemoProject(copied: string[], also: string[] = []): string {
  const env = testEnv();
  assert.ok(env.workspace, 'the runner opens a workspace folder');
  const root = env.workspace;
  const demo = path.join(env.repo, 'demo', 'workspace');
  for (const entry of ['include', 'src', 'scripts', '.vscode']) {
    fs.cpSync(path.join(demo, entry), path.join(root, entry), { recursive: true });
    copied.push(path.join(root, entry));
  }
  copied.push(...[...also, 'build'].map((entry) => path.join(root, entry)));
  fs.rmSync(path.join(root, '.vscode', 'settings.json'), { force: true });
  return root;
}

const RELEASE_SETTINGS = { 'release.build': { task: 'Build firmware' }, 'release.packageName': 'bench-demo-firmware' };

/**
 * The workspace's release settings (the "Build firmware" task, the bench package name, `extra`)
 * once the task is there, the board's port selected and the OTA Bench view shown.
 */
export async function readyForRelease(boardLink: string, extra: Record<string, unknown> = {}): Promise<void> {
  for (const [k, v] of Object.entries({ ...RELEASE_SETTINGS, ...extra })) await cfg().update(k, v, vscode.ConfigurationTarget.Workspace);
  await waitFor('the "Build firmware" task from tasks.json', async () => (await vscode.tasks.fetchTasks()).some((t) => t.name === 'Build firmware'), 20_000, 250);
  assert.equal(await vscode.commands.executeCommand<boolean>('otaBench.serial.selectPort', { path: boardLink, baudRate: 115200 }), true, 'the board port opened');
  await vscode.commands.executeCommand('workbench.view.extension.otaBench');
}

/**
 * Release to Fleet… answered with `answers`: every answer used, a job started and `rejected` of
 * the answers refused as typed (their messages in `dialogs.rejections`).
 */
export async function releaseToFleet(answers: Answer[], rejected: number): Promise<{ job: { id: string; kind?: string }; dialogs: DialogScript }> {
  const { result: job, dialogs } = await withDialogs(answers, () => vscode.commands.executeCommand<{ id: string; kind?: string } | undefined>('otaBench.releaseToFleet'));
  assert.equal(dialogs.remaining, 0, `every answer was used: ${dialogs.events.map((e) => e.text).join(' | ')}`);
  assert.ok(job, dialogs.events.map((e) => e.text).join('\n'));
  assert.equal(dialogs.rejections.length, rejected, dialogs.rejections.join(' | '));
  return { job, dialogs };
}

export interface EndOptions {
  /** Setting keys to clear besides the release settings. */
  extraKeys?: string[];
  /** The suite's own panels, disposed before the editors close. */
  beforeEditorsClose?: () => void;
  /** A profile the suite saved in the profile store (its keys in SecretStorage): removed. */
  profile?: string;
  /** The suite's emulator: closed after the profile is removed. */
  emulator?: { close(): Promise<void> };
  /** What copyDemoProject copied: removed last. */
  copied?: string[];
}

/**
 * After a release suite: any release canceled, the port closed, the board stopped, the editors
 * closed, the release settings cleared; then what `end` names.
 */
export async function endRelease(api: OtaBenchApi | undefined, board: { stop(): Promise<void> } | undefined, end: EndOptions = {}): Promise<void> {
  await api?.release.controller.cancel();
  await vscode.commands.executeCommand('otaBench.serial.disconnect');
  await board?.stop();
  end.beforeEditorsClose?.();
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  for (const k of [...Object.keys(RELEASE_SETTINGS), ...(end.extraKeys ?? [])]) await cfg().update(k, undefined, vscode.ConfigurationTarget.Workspace);
  const saved = end.profile === undefined ? undefined : api?.profiles.get(end.profile);
  if (saved) await api!.profiles.remove(saved);
  await end.emulator?.close();
  for (const c of end.copied ?? []) fs.rmSync(c, { recursive: true, force: true });
}

/** A Clouds tree node as the view shows it. */
export interface Shown {
  node: BenchNode;
  item: vscode.TreeItem;
  label: string;
  description: string;
  tooltip: string;
}

const labelOf = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : (item.label?.label ?? ''));
const tooltipOf = (item: vscode.TreeItem) => (typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? ''));

/** The children of `node` (the roots without one) as shown. */
export async function shownChildren(api: OtaBenchApi, node?: BenchNode): Promise<Shown[]> {
  const nodes = await api.tree.getChildren(node);
  return Promise.all(nodes.map(async (n) => {
    const item = await api.tree.getTreeItem(n);
    return { node: n, item, label: labelOf(item), description: String(item.description ?? ''), tooltip: tooltipOf(item) };
  }));
}

/** The child of `node` labelled `label`; fails naming the labels there are. */
export async function shownChild(api: OtaBenchApi, node: BenchNode | undefined, label: string): Promise<Shown> {
  const all = await shownChildren(api, node);
  const found = all.find((c) => c.label === label);
  assert.ok(found, `no child "${label}" (have: ${all.map((c) => c.label).join(', ')})`);
  return found;
}
