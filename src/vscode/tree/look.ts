import * as vscode from 'vscode';
import { Field, fieldsMarkdown, Look } from './present';

export function themeIcon(look: Look): vscode.ThemeIcon {
  return new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
}

/** A tooltip: a bold title (ours) over escaped key fields (cloud/device strings are untrusted). */
export function fieldsTooltip(title: string, fields: Field[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString(`**${title}**\n\n${fieldsMarkdown(fields)}`);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

/** Context values are `otaBench.<type>` plus `;flag` parts that menus match with regexes. */
export function contextValue(type: string, flags: (string | false | undefined)[]): string {
  return [`otaBench.${type}`, ...flags.filter((f): f is string => !!f)].join(';');
}

export interface ItemSpec {
  id: string;
  label: string;
  expandable: boolean;
  icon: vscode.ThemeIcon;
  description?: string;
  tooltip?: vscode.MarkdownString | string;
  contextValue: string;
  command?: vscode.Command;
}

/** The TreeItem every cloud node builds, from one literal. */
export function treeItem(s: ItemSpec): vscode.TreeItem {
  const item = new vscode.TreeItem(s.label, s.expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = s.id;
  item.iconPath = s.icon;
  item.description = s.description;
  item.tooltip = s.tooltip;
  item.contextValue = s.contextValue;
  item.command = s.command;
  return item;
}
