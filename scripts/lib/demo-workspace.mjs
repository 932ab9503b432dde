// The demo workspace as the demo's smokes read and change it: one place for where its version and
// profiles live (include/version.h's FW_VERSION, .vscode/settings.json's otaBench.profiles).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FW_VERSION = /(#define\s+FW_VERSION\s+")([^"]+)"/;
const versionFile = (workspace) => join(workspace, 'include', 'version.h');

/** The firmware version the workspace builds. */
export const demoVersion = (workspace) => FW_VERSION.exec(readFileSync(versionFile(workspace), 'utf8'))[2];

/** Stamps the next version (last number + 1, as the board already runs this one) and returns it. */
export function stampNextVersion(workspace) {
  const version = demoVersion(workspace).replace(/(\d+)$/, (n) => String(Number(n) + 1));
  writeFileSync(versionFile(workspace), readFileSync(versionFile(workspace), 'utf8').replace(FW_VERSION, `$1${version}"`));
  return version;
}

/** The name of the workspace's `kind` profile; fails saying which cloud's profile is missing. */
export function demoProfileName(workspace, kind, cloud) {
  const settings = JSON.parse(readFileSync(join(workspace, '.vscode', 'settings.json'), 'utf8'));
  const name = settings['otaBench.profiles'].find((p) => p.kind === kind)?.name;
  if (!name) throw new Error(`the demo workspace has no ${cloud} profile`);
  return name;
}
