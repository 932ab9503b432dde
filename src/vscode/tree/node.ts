import * as vscode from 'vscode';

/** A node of the Clouds tree. Nodes build their own TreeItem and, if they expand, their children. */
export interface BenchNode {
  readonly id: string;
  /** The node above this one (lets the view reveal a node); roots have none. */
  readonly parent?: BenchNode;
  getTreeItem(): vscode.TreeItem | Promise<vscode.TreeItem>;
  getChildren?(): Promise<BenchNode[]>;
  /** For nodes whose children are cached: forget them so the next expand reloads. */
  reset?(): void;
}

export interface ErrorNodeOptions {
  parent?: BenchNode;
  /** Extra context value flags (e.g. "credentials") for menus. */
  flags?: string[];
}

/** A leaf that says something went wrong and offers one command to fix it (Retry, Open settings…). */
export class ErrorNode implements BenchNode {
  readonly parent?: BenchNode;

  constructor(
    readonly id: string,
    private readonly label: string,
    private readonly detail: string,
    private readonly command?: vscode.Command,
    private readonly options: ErrorNodeOptions = {},
  ) {
    this.parent = options.parent;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = this.command ? `${this.detail} — click to ${this.command.title.toLowerCase()}` : this.detail;
    const md = new vscode.MarkdownString(`**${this.label}**\n\n`);
    md.appendText(this.detail);
    item.tooltip = md;
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.contextValue = ['otaBench.error', ...(this.options.flags ?? [])].join(';');
    item.command = this.command;
    return item;
  }
}

/** A plain informational leaf (empty folders say so instead of showing nothing). */
export class InfoNode implements BenchNode {
  constructor(
    readonly id: string,
    private readonly label: string,
    private readonly icon = 'info',
    private readonly command?: vscode.Command,
    readonly parent?: BenchNode,
    private readonly description?: string,
  ) {}

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.contextValue = 'otaBench.info';
    item.command = this.command;
    item.description = this.description;
    return item;
  }
}
