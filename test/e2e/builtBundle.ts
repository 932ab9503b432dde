// The cloud bundles as they ship: dist/clouds/<kind>.js, required and asked for a provider exactly
// as src/vscode/clouds/providers.ts does (require of the built file, createProvider(profile,
// secrets)). Builds dist/ first when it is missing or older than src/ (under the shared build lock).
import { execFile } from 'child_process';
import { existsSync, readdirSync, statSync } from 'fs';
import { join } from 'path';
import { promisify } from 'util';
import type { CloudModule, CloudProvider, SecretSource } from '../../src/core/clouds/provider';
import type { CloudProfile } from '../../src/core/profiles';

export const REPO = join(__dirname, '..', '..');
const LOCK = '/tmp/otabench-build.lock';
/** A before() hook that may build: the lock can be held by someone's integration run for minutes. */
export const BUILD_HOOK_TIMEOUT_MS = 20 * 60_000;

function newestUnder(dir: string): number {
  let newest = 0;
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    if (f.endsWith('.ts')) newest = Math.max(newest, statSync(join(dir, f)).mtimeMs);
  }
  return newest;
}

/** The built file of a cloud; (re)built when missing or older than any file in src/core/ (all a cloud bundle holds). */
export async function builtBundle(kind: string): Promise<string> {
  const file = join(REPO, 'dist', 'clouds', `${kind}.js`);
  const stale = () => !existsSync(file) || statSync(file).mtimeMs < newestUnder(join(REPO, 'src', 'core'));
  // OTAB_NO_REBUILD=1: use dist/ as it is (while src/ is mid-edit by someone else); never in CI.
  if (process.env.OTAB_NO_REBUILD === '1' ? !existsSync(file) : stale()) {
    // Everything that writes dist/ runs under the shared lock (others may be building too).
    const build = [process.execPath, join(REPO, 'scripts', 'build.mjs')];
    const hasFlock = existsSync('/usr/bin/flock') || existsSync('/bin/flock');
    const run = promisify(execFile);
    if (hasFlock) await run('flock', ['-w', '900', LOCK, ...build], { cwd: REPO });
    else await run(build[0], build.slice(1), { cwd: REPO });
    if (!existsSync(file)) throw new Error(`${file} was not built`);
  }
  return file;
}

/** The module as the extension gets it: a plain require of the built file. */
export async function loadBuiltModule(kind: string): Promise<CloudModule> {
  const file = await builtBundle(kind);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as CloudModule;
  if (typeof mod?.createProvider !== 'function') throw new Error(`${file} does not export createProvider().`);
  return mod;
}

/** A provider from the built bundle, created the way CloudProviders.create does. */
export async function builtProvider(profile: CloudProfile, secrets: SecretSource = async () => undefined): Promise<CloudProvider> {
  return (await loadBuiltModule(profile.kind)).createProvider(profile, secrets);
}
