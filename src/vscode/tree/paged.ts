import * as vscode from 'vscode';
import type { CloudKind } from '../../core/profiles';
import { errorText } from '../clouds/errors';
import { descriptorOf } from '../../core/clouds/registry';
import { BenchNode, ErrorNode, InfoNode } from './node';
import { FetchPage, Pager, PagerFilter } from './pager';

/** What the tree needs to redraw a node without forgetting its children. */
export interface TreeEvents {
  changed(node?: BenchNode): void;
}

// Owners hold lists of different item types; commands only use the type-independent part.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPaged = PagedChildren<any>;

/** A node whose children are one paged list (folders, a package's versions, a job's executions). */
export interface PagedOwner extends BenchNode {
  readonly paged: AnyPaged;
}

/** A node showing one listed item; `update` swaps in a fresher copy (same key). */
export interface ItemNode<T> extends BenchNode {
  update(item: T): void;
}

export interface PagedSpec<T> {
  /** Plural noun for messages: "jobs" → "No jobs", "Loading all jobs". */
  noun: string;
  fetch: FetchPage<T>;
  key: (item: T) => string;
  node: (item: T, owner: PagedOwner) => ItemNode<T>;
  /** Neutral statuses the list can be filtered by (server-side where the cloud can). */
  statuses?: readonly string[];
  pageSize?: number;
  /** The list's API maximum (Load All pages at it). */
  maxPageSize?: number;
  /** The profile's cloud: credential errors offer its descriptor's credentials help. */
  cloud: CloudKind;
}

export const isPagedOwner = (n: unknown): n is PagedOwner => !!n && typeof n === 'object' && (n as PagedOwner).paged instanceof PagedChildren;

/**
 * The children of a paged node: the loaded items, then "Load more" / "Load all" while the cloud
 * has more, an info node when the list is empty, and the error with Retry when a page failed
 * (items already loaded stay). Nothing loads until the node is expanded, one page at a time.
 */
export class PagedChildren<T> {
  readonly pager: Pager<T>;
  private readonly nodes = new Map<string, ItemNode<T>>();

  constructor(
    private readonly owner: PagedOwner,
    readonly spec: PagedSpec<T>,
    private readonly tree: TreeEvents,
  ) {
    this.pager = new Pager(spec.fetch, spec.key, spec.pageSize, spec.maxPageSize);
  }

  async children(): Promise<BenchNode[]> {
    if (!this.pager.started) await this.pager.loadMore();
    else if (this.pager.busy && !this.pager.isLoadingAll) await this.pager.busy;
    return this.render();
  }

  /** Starts the next page and redraws: the view shows its progress bar until the page is in. */
  async loadMore(): Promise<void> {
    const loading = this.pager.loadMore();
    this.tree.changed(this.owner);
    await loading;
    this.tree.changed(this.owner);
  }

  /** Pages to the end with a cancellable notification; one load at a time per node. */
  async loadAll(): Promise<number> {
    if (this.pager.isLoadingAll) {
      void vscode.window.showInformationMessage(`Already loading all ${this.spec.noun}.`);
      return this.pager.items.length;
    }
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Loading all ${this.spec.noun}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          const run = this.pager.loadAll({
            signal: abort.signal,
            onPage: (n) => {
              progress.report({ message: `${n} loaded` });
              this.tree.changed(this.owner);
            },
          });
          this.tree.changed(this.owner);
          await run;
        } finally {
          sub.dispose();
        }
      },
    );
    this.tree.changed(this.owner);
    return this.pager.items.length;
  }

  async retry(): Promise<void> {
    return this.loadMore();
  }

  setFilter(filter: PagerFilter): void {
    this.pager.setFilter(filter);
    this.nodes.clear();
    this.tree.changed(this.owner);
  }

  get filtered(): boolean {
    const f = this.pager.filter;
    return !!(f.prefix || f.status);
  }

  /** "prefix abc · draft" for the owner's description. */
  filterText(): string {
    const f = this.pager.filter;
    return [f.prefix ? `prefix "${f.prefix}"` : undefined, f.status].filter(Boolean).join(' · ');
  }

  reset(): void {
    this.pager.reset();
    this.nodes.clear();
  }

  /**
   * Fetches the list again but keeps the nodes of items still there (updated in place): the view
   * keeps their selection and expansion instead of redrawing a row it has selected.
   */
  reload(): void {
    this.pager.reset();
    this.tree.changed(this.owner);
  }

  /** Puts a new item first (and returns its node), e.g. the job a command just started. */
  prepend(item: T): ItemNode<T> {
    this.pager.prepend(item);
    this.tree.changed(this.owner);
    return this.nodeFor(item);
  }

  /** The node already shown for a key, if loaded. */
  find(key: string): ItemNode<T> | undefined {
    return this.nodes.get(key);
  }

  private nodeFor(item: T): ItemNode<T> {
    const key = this.spec.key(item);
    let node = this.nodes.get(key);
    if (node) node.update(item);
    else {
      node = this.spec.node(item, this.owner);
      this.nodes.set(key, node);
    }
    return node;
  }

  private render(): BenchNode[] {
    const p = this.pager;
    const out: BenchNode[] = p.items.map((i) => this.nodeFor(i));
    const base = this.owner.id;
    if (p.error !== undefined) {
      out.push(...this.errorNodes(p.error));
    } else if (p.isLoadingAll) {
      out.push(new InfoNode(`${base}/#loading`, `Loading all ${this.spec.noun}…`, 'loading~spin', undefined, this.owner, `${p.items.length} so far`));
    } else if (p.hasMore) {
      // A filter the cloud applies page by page may find nothing in the part scanned so far.
      if (p.items.length === 0 && this.filtered) {
        out.push(new InfoNode(`${base}/#none-yet`, `No ${this.spec.noun} match ${this.filterText()} yet`, 'filter', undefined, this.owner, 'only part of the list was searched'));
      }
      out.push(
        new InfoNode(`${base}/#more`, 'Load more…', 'ellipsis', { command: 'otaBench.tree.loadMore', title: 'Load more', arguments: [this.owner] }, this.owner, `${p.items.length} loaded`),
        new InfoNode(`${base}/#all`, 'Load all', 'cloud-download', { command: 'otaBench.tree.loadAll', title: 'Load all', arguments: [this.owner] }, this.owner, `all ${this.spec.noun} — may take a while`),
      );
    } else if (p.items.length === 0) {
      const f = this.filterText();
      out.push(
        f
          ? new InfoNode(`${base}/#empty`, `No ${this.spec.noun} match ${f}`, 'filter', { command: 'otaBench.tree.clearFilter', title: 'Clear filter', arguments: [this.owner] }, this.owner, 'click to clear the filter')
          : new InfoNode(`${base}/#empty`, `No ${this.spec.noun}`, 'info', undefined, this.owner),
      );
    }
    return out;
  }

  private errorNodes(err: unknown): BenchNode[] {
    const t = errorText(err);
    const help = descriptorOf(this.spec.cloud).credentialsHelp;
    const what = this.pager.items.length ? `Could not load more ${this.spec.noun}` : `Could not load ${this.spec.noun}`;
    const detail = t.hint ? `${t.message} ${t.hint}` : t.message;
    const nodes: BenchNode[] = [
      new ErrorNode(`${this.owner.id}/#error`, what, detail, { command: 'otaBench.tree.retry', title: 'Retry', arguments: [this.owner] }, {
        parent: this.owner,
        flags: t.credentials ? ['credentials', `help=${help.command}`] : [],
      }),
    ];
    if (t.credentials) nodes.push(new InfoNode(`${this.owner.id}/#credentials-help`, help.title, 'gear', { command: help.command, title: help.title }, this.owner));
    return nodes;
  }
}

/** A plain folder (Packages, Jobs, OTA updates) whose children are one paged list. */
export class PagedFolderNode<T> implements PagedOwner {
  readonly paged: PagedChildren<T>;

  constructor(
    readonly id: string,
    private readonly label: string,
    private readonly icon: string,
    private readonly type: string,
    spec: PagedSpec<T>,
    tree: TreeEvents,
    readonly parent?: BenchNode,
  ) {
    this.paged = new PagedChildren(this, spec, tree);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.paged.filtered ? 'filter-filled' : this.icon);
    item.description = this.paged.filtered ? this.paged.filterText() : undefined;
    item.tooltip = this.paged.filtered ? `${this.label} filtered by ${this.paged.filterText()}` : this.label;
    item.contextValue = ['otaBench.folder', this.type, 'paged', this.paged.filtered && 'filtered', this.paged.spec.statuses && 'statuses']
      .filter(Boolean)
      .join(';');
    return item;
  }

  getChildren(): Promise<BenchNode[]> {
    return this.paged.children();
  }

  reset(): void {
    this.paged.reset();
  }
}
