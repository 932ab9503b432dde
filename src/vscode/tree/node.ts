import * as vscode from 'vscode';

/** A node of the Clouds tree. Nodes build their own TreeItem and, if they expand, their children. */
export interface BenchNode {
  readonly id: string;
  getTreeItem(): vscode.TreeItem | Promise<vscode.TreeItem>;
  getChildren?(): Promise<BenchNode[]>;
  /** For nodes whose children are cached: forget them so the next expand reloads. */
  reset?(): void;
}

/** A leaf that says something went wrong and offers one command to fix it (Retry, Open settings…). */
export class ErrorNode implements BenchNode {
  constructor(
    readonly id: string,
    private readonly label: string,
    private readonly detail: string,
    private readonly command?: vscode.Command,
  ) {}

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = this.command ? `${this.detail} — click to ${this.command.title.toLowerCase()}` : this.detail;
    item.tooltip = new vscode.MarkdownString(`**${this.label}**\n\n${this.detail}`);
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.contextValue = 'otaBench.error';
    item.command = this.command;
    return item;
  }
}

/** A plain informational leaf (empty folders say so instead of showing nothing). */
export class InfoNode implements BenchNode {
  constructor(readonly id: string, private readonly label: string, private readonly icon = 'info', private readonly command?: vscode.Command) {}

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.contextValue = 'otaBench.info';
    item.command = this.command;
    return item;
  }
}
