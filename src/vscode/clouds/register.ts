import * as vscode from 'vscode';
import { registerJobCommands } from '../commands/jobCommands';
import { registerPackageCommands } from '../commands/packageCommands';
import { registerTreeCommands } from '../commands/treeCommands';
import { CloudDocuments, SCHEME } from '../documents/cloudDocuments';
import { ProfileStore } from '../profiles/profileStore';
import { CloudTree } from '../tree/cloudTree';
import { ProfileContext } from '../tree/itemNodes';
import { BenchNode } from '../tree/node';
import { profileFolders } from '../tree/profileFolders';
import { CLOUD_KINDS } from '../../core/clouds/registry';
import { CloudProviders } from './providers';

/** Items per page in the Clouds view (the providers clamp it to each API's limits). */
export function pageSize(): number {
  const n = vscode.workspace.getConfiguration('otaBench').get<number>('tree.pageSize', 50);
  return Number.isInteger(n) && n > 0 ? n : 50;
}

/**
 * Cloud browsing: the provider cache, the per-cloud tree builders, the read-only documents and the
 * tree / job / package commands. Nothing here loads a cloud SDK: a profile's provider (and its
 * cloud's bundle) is created the first time that profile is expanded.
 */
export function registerClouds(
  context: vscode.ExtensionContext,
  deps: { tree: CloudTree; profiles: ProfileStore; view: vscode.TreeView<BenchNode> },
): { clouds: CloudProviders; documents: CloudDocuments } {
  const { tree, profiles, view } = deps;
  const clouds = new CloudProviders(context.extensionPath, profiles);
  const documents = new CloudDocuments((name) => clouds.byName(name));

  // One builder for every cloud: the folders come from its descriptor (the tree explains a cloud that cannot browse yet).
  for (const kind of CLOUD_KINDS) {
    tree.registerCloud(kind, async () => async (profile, events, parent) => {
      const ctx: ProfileContext = { profile, provider: await clouds.get(profile), tree: events, pageSize: pageSize() };
      return profileFolders(ctx, parent);
    });
  }

  context.subscriptions.push(
    clouds,
    documents,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, documents),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('otaBench.tree.pageSize')) tree.refresh();
    }),
    ...registerTreeCommands(tree, clouds),
    ...registerJobCommands(tree, documents),
    ...registerPackageCommands(tree, view),
  );
  return { clouds, documents };
}
