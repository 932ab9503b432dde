import * as vscode from 'vscode';
import { errorText, openAwsConfig, showCloudError } from '../clouds/errors';
import { CloudProviders } from '../clouds/providers';
import { CloudTree, ProfileNode } from '../tree/cloudTree';
import { canGetVersion, ExecutionNode, JobNode, PackageNode, VersionNode } from '../tree/itemNodes';
import { BenchNode } from '../tree/node';
import { isPagedOwner, PagedOwner } from '../tree/paged';
import { OtaUpdateNode } from '../tree/profileFolders';

/** Tree-wide commands: paging, filters, retry, copy id / ARN, Open AWS config. */
export function registerTreeCommands(tree: CloudTree, clouds: CloudProviders): vscode.Disposable[] {
  const owner = (node: unknown): PagedOwner | undefined => {
    if (isPagedOwner(node)) return node;
    void vscode.window.showInformationMessage('Run this command on a folder of the OTA Bench Clouds view.');
    return undefined;
  };

  return [
    vscode.commands.registerCommand('otaBench.tree.loadMore', async (node?: PagedOwner) => {
      const o = owner(node);
      if (o) await o.paged.loadMore();
      return o?.paged.pager.items.length;
    }),
    vscode.commands.registerCommand('otaBench.tree.loadAll', async (node?: PagedOwner) => {
      const o = owner(node);
      return o ? o.paged.loadAll() : undefined;
    }),
    vscode.commands.registerCommand('otaBench.tree.filter', async (node?: PagedOwner, value?: string) => {
      const o = owner(node);
      if (!o) return undefined;
      const f = o.paged.pager.filter;
      const prefix =
        value ??
        (await vscode.window.showInputBox({
          title: `Filter ${o.paged.spec.noun} by id prefix`,
          prompt: 'Shows only items whose id starts with this text (asked of the cloud where it can filter). Empty clears the filter.',
          value: f.prefix ?? '',
        }));
      if (prefix === undefined) return undefined;
      o.paged.setFilter({ ...f, prefix });
      return o.paged.filterText();
    }),
    vscode.commands.registerCommand('otaBench.tree.filterStatus', async (node?: PagedOwner, value?: string) => {
      const o = owner(node);
      const statuses = o?.paged.spec.statuses;
      if (!o || !statuses) return undefined;
      const f = o.paged.pager.filter;
      const status =
        value ??
        (
          await vscode.window.showQuickPick(
            [{ label: 'Any status', value: '' }, ...statuses.map((s) => ({ label: s, value: s, description: s === f.status ? 'current' : undefined }))],
            { title: `Show ${o.paged.spec.noun} with status` },
          )
        )?.value;
      if (status === undefined) return undefined;
      o.paged.setFilter({ ...f, status: status || undefined });
      return o.paged.filterText();
    }),
    vscode.commands.registerCommand('otaBench.tree.clearFilter', (node?: PagedOwner) => {
      const o = owner(node);
      o?.paged.setFilter({});
    }),
    vscode.commands.registerCommand('otaBench.tree.retry', async (node?: PagedOwner) => {
      const o = owner(node);
      if (!o) return;
      // Fixed credentials need a new provider: the old one keeps what it resolved.
      if (errorText(o.paged.pager.error).credentials) {
        const profile = profileOf(o);
        if (profile) {
          clouds.invalidate(profile.profile.name);
          tree.refresh(profile);
          return;
        }
      }
      await o.paged.retry();
    }),
    vscode.commands.registerCommand('otaBench.copyId', async (node?: BenchNode) => {
      const id = idOf(node);
      if (id === undefined) return undefined;
      await vscode.env.clipboard.writeText(id);
      vscode.window.setStatusBarMessage(`Copied ${id}`, 3000);
      return id;
    }),
    vscode.commands.registerCommand('otaBench.copyArn', async (node?: BenchNode) => {
      let arn = arnOf(node);
      // Version lists carry no ARN: read the version (AWS GetPackageVersion) when asked for it.
      if (!arn && node instanceof VersionNode && canGetVersion(node.ctx.provider)) {
        try {
          node.update(await node.ctx.provider.getVersion(node.item.packageId, node.item.id));
          arn = node.item.cloudRef;
        } catch (err) {
          void showCloudError(`Could not read ${node.item.packageId} ${node.item.version}`, err, { kind: node.ctx.profile.kind });
          return undefined;
        }
      }
      if (!arn) {
        void vscode.window.showInformationMessage('This item has no ARN.');
        return undefined;
      }
      await vscode.env.clipboard.writeText(arn);
      vscode.window.setStatusBarMessage(`Copied ${arn}`, 3000);
      return arn;
    }),
    vscode.commands.registerCommand('otaBench.openAwsConfig', () => openAwsConfig()),
  ];
}

function profileOf(node?: BenchNode): ProfileNode | undefined {
  for (let n = node; n; n = n.parent) if (n instanceof ProfileNode) return n;
  return undefined;
}

export function idOf(node?: BenchNode): string | undefined {
  if (node instanceof PackageNode || node instanceof VersionNode || node instanceof JobNode || node instanceof OtaUpdateNode) return node.item.id;
  if (node instanceof ExecutionNode) return node.item.target;
  return undefined;
}

export function arnOf(node?: BenchNode): string | undefined {
  if (node instanceof PackageNode || node instanceof VersionNode || node instanceof JobNode || node instanceof OtaUpdateNode) return node.item.cloudRef;
  return undefined;
}
