import * as vscode from 'vscode';
import { descriptorOf } from '../../core/clouds/registry';
import { CloudKind, CloudProfile } from '../../core/profiles';
import { errorText, oneLine } from '../clouds/errors';
import { ProfileStore } from '../profiles/profileStore';
import { BenchNode, ErrorNode, InfoNode } from './node';
import { isPagedOwner } from './paged';

/** Builds the children of a profile node (Packages, Jobs, …). Each cloud registers one, loaded lazily. */
export type ProfileChildren = (profile: CloudProfile, tree: CloudTree, parent: ProfileNode) => Promise<BenchNode[]>;

export class ProfileNode implements BenchNode {
  readonly id: string;
  private children?: Promise<BenchNode[]>;

  constructor(
    readonly profile: CloudProfile,
    private readonly tree: CloudTree,
    private readonly media: vscode.Uri,
  ) {
    this.id = `profile/${profile.name}`;
  }

  getTreeItem(): vscode.TreeItem {
    const p = this.profile;
    const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = p.region;
    item.contextValue = `otaBench.profile.${p.kind}`;
    item.iconPath = {
      light: vscode.Uri.joinPath(this.media, 'clouds', `${p.kind}-light.svg`),
      dark: vscode.Uri.joinPath(this.media, 'clouds', `${p.kind}-dark.svg`),
    };
    const md = new vscode.MarkdownString(`**${p.name}** — ${descriptorOf(p).label}\n\nRegion: \`${p.region}\``);
    for (const [k, v] of Object.entries(p)) {
      if (!['name', 'kind', 'region'].includes(k) && typeof v === 'string') md.appendMarkdown(`\n\n${k}: \`${v}\``);
    }
    item.tooltip = md;
    return item;
  }

  getChildren(): Promise<BenchNode[]> {
    this.children ??= this.tree.childrenOf(this.profile, this);
    return this.children;
  }

  /** The folders, once they were asked for. */
  get loaded(): Promise<BenchNode[]> | undefined {
    return this.children;
  }

  reset(): void {
    this.children = undefined;
  }
}

/** The Clouds view: one node per profile, bad settings entries as error nodes, nothing fetched eagerly. */
export class CloudTree implements vscode.TreeDataProvider<BenchNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<BenchNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly builders = new Map<CloudKind, () => Promise<ProfileChildren>>();
  private roots?: BenchNode[];
  private firstRender?: (ms: number) => void;
  private readonly sub: vscode.Disposable;

  constructor(private readonly store: ProfileStore, private readonly media: vscode.Uri) {
    this.sub = store.onDidChange(() => this.refresh());
  }

  /** Registers the lazily loaded module that knows how to browse one kind of cloud. */
  registerCloud(kind: CloudKind, load: () => Promise<ProfileChildren>): void {
    this.builders.set(kind, load);
  }

  onFirstRender(cb: (ms: number) => void): void {
    this.firstRender = cb;
  }

  refresh(node?: BenchNode): void {
    if (node) node.reset?.();
    else this.roots = undefined;
    this.emitter.fire(node);
  }

  /**
   * Reloads the folders of a profile (a release, verify or fleet rollout created something there)
   * that were loaded; folders never expanded fetch fresh anyway.
   */
  async refreshProfile(name: string): Promise<void> {
    const node = this.profileNodes().find((p) => p.profile.name === name);
    if (!node?.loaded) return;
    for (const folder of await node.loaded) {
      if (isPagedOwner(folder)) folder.paged.reload();
      else this.refresh(folder);
    }
  }

  /** Redraws a node (its item and children) without forgetting what it loaded. */
  changed(node?: BenchNode): void {
    this.emitter.fire(node);
  }

  /** The loaded profile nodes (for commands that must find a profile's folders). */
  profileNodes(): ProfileNode[] {
    return (this.roots ?? []).filter((n): n is ProfileNode => n instanceof ProfileNode);
  }

  getParent(node: BenchNode): BenchNode | undefined {
    return node.parent;
  }

  getTreeItem(node: BenchNode): vscode.TreeItem | Promise<vscode.TreeItem> {
    return node.getTreeItem();
  }

  async getChildren(node?: BenchNode): Promise<BenchNode[]> {
    if (node) return node.getChildren ? node.getChildren() : [];
    this.roots ??= this.buildRoots();
    const cb = this.firstRender;
    if (cb) {
      this.firstRender = undefined;
      cb(performance.now());
    }
    return this.roots;
  }

  async childrenOf(profile: CloudProfile, node?: ProfileNode): Promise<BenchNode[]> {
    const d = descriptorOf(profile);
    const load = this.builders.get(profile.kind);
    if (!load || !d.capabilities.has('browse')) {
      return [new InfoNode(`profile/${profile.name}/unsupported`, d.unavailable ?? `${d.label}: browsing is not available in this version`, 'circle-slash')];
    }
    try {
      const build = await load();
      return await build(profile, this, node ?? new ProfileNode(profile, this, this.media));
    } catch (err) {
      const t = errorText(err);
      const nodes: BenchNode[] = [
        new ErrorNode(`profile/${profile.name}/error`, `Could not load ${descriptorOf(profile).label}`, oneLine(t), {
          command: 'otaBench.refresh', title: 'Retry', arguments: [node],
        }, { parent: node, flags: t.credentials ? ['credentials', `help=${d.credentialsHelp.command}`] : [] }),
      ];
      if (t.credentials) {
        const help = d.credentialsHelp;
        nodes.push(new InfoNode(`profile/${profile.name}/credentials-help`, help.title, 'gear', { command: help.command, title: help.title, arguments: [node] }, node));
      }
      return nodes;
    }
  }

  private buildRoots(): BenchNode[] {
    const { profiles, errors } = this.store.read();
    const nodes: BenchNode[] = profiles.map((p) => new ProfileNode(p, this, this.media));
    for (const e of errors) {
      const label = e.name ? `Profile "${e.name}" is invalid` : e.index >= 0 ? `Profile #${e.index + 1} is invalid` : 'Profiles setting is invalid';
      nodes.push(
        new ErrorNode(`settings-error/${e.index}`, label, e.message, {
          command: 'otaBench.openProfileSettings', title: 'Open settings', arguments: [],
        }),
      );
    }
    return nodes;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
