// What activation loads: dist/extension.js is built from src/extension.ts; cloud SDKs and clients
// (AWS, Huawei, Alibaba), our providers, the release runner and the flash tool runner must stay in
// the lazily loaded bundles (dist/clouds/<kind>.js, dist/release.js, dist/flash.js). Bundled in memory with the build's settings
// (scripts/build.mjs) and checked by the modules esbuild puts in.
import { strict as assert } from 'assert';
import { build } from 'esbuild';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');

/** Modules of the clouds' folders that activation may hold: descriptors (names, capabilities) and pure rules the wizards check input with. */
const CLOUD_FILES_ALLOWED = new Set([
  'src/core/clouds/provider.ts',
  'src/core/clouds/descriptor.ts',
  'src/core/clouds/registry.ts',
  'src/core/clouds/verifyRef.ts',
  'src/core/clouds/aws/descriptor.ts',
  'src/core/clouds/huawei/descriptor.ts',
  'src/core/clouds/aliyun/descriptor.ts',
  'src/core/clouds/huawei/endpoint.ts',
  // Release to Fleet's form contract (pure): the wizard asks a provider's questions with it.
  'src/core/clouds/fleet.ts',
  // The wording of a Confirm Waiting Devices result (pure): the command shows it.
  'src/core/clouds/confirmation.ts',
  // The documented page maxima the descriptors state (one source with the providers' own checks).
  'src/core/clouds/aws/limits.ts',
  'src/core/clouds/aliyun/wire.ts',
  'src/core/clouds/huawei/wire.ts',
]);
const SDKS = /(^|\/)node_modules\/(@aws-sdk|@smithy|@alicloud|@huaweicloud|@aws-crypto|undici)\//;
/** The release runner (dist/release.js) and the flash tool runner (dist/flash.js): loaded on first use. */
const RUNNER = /^src\/core\/(release\/(steps|pipeline|verdict|benchVerdict)\.ts|signing\/(digest|keys|p256|signDigest)\.ts|flash\/(runner|diagnose|progress)\.ts)$/;

/** The modules esbuild puts into the bundle of `entry` (paths relative to the repo). */
async function bundledModules(entry: string): Promise<string[]> {
  const r = await build({
    absWorkingDir: ROOT, entryPoints: [entry], bundle: true, write: false, metafile: true, minify: true,
    platform: 'node', target: 'node20', format: 'cjs', external: ['vscode', '@serialport/bindings-cpp'], outfile: 'x.js', logLevel: 'silent',
  });
  const out = Object.values(r.metafile.outputs)[0];
  return Object.entries(out.inputs).filter(([, v]) => v.bytesInOutput > 0).map(([k]) => k.replace(/^.*?node_modules\//, 'node_modules/'));
}

/** Why these modules must not load at activation (empty when they may). */
function activationProblems(modules: string[]): string[] {
  const problems: string[] = [];
  for (const m of modules) {
    if (SDKS.test(m)) problems.push(`cloud SDK/client ${m}`);
    else if (m.startsWith('src/core/clouds/') && !CLOUD_FILES_ALLOWED.has(m)) problems.push(`cloud provider code ${m}`);
    else if (RUNNER.test(m)) problems.push(`lazily loaded runner ${m}`);
  }
  return problems;
}

describe('activation bundle (dist/extension.js)', function () {
  this.timeout(60_000);

  it('holds no cloud SDK, no cloud provider code, no release or flash runner', async () => {
    const modules = await bundledModules('src/extension.ts');
    assert.ok(modules.includes('src/extension.ts') && modules.some((m) => m.startsWith('src/vscode/tree/')), 'the bundle was analysed');
    assert.deepEqual(activationProblems(modules), []);
  });

  it('the check finds cloud SDKs, provider code and the runner where they are (the lazy bundles)', async () => {
    const aws = activationProblems(await bundledModules('src/core/clouds/aws/index.ts'));
    assert.ok(aws.some((p) => p.includes('node_modules/@aws-sdk/')), aws.slice(0, 5).join('\n'));
    assert.ok(aws.includes('cloud provider code src/core/clouds/aws/provider.ts'));
    const huawei = activationProblems(await bundledModules('src/core/clouds/huawei/index.ts'));
    assert.ok(huawei.includes('cloud provider code src/core/clouds/huawei/client.ts'));
    const aliyun = activationProblems(await bundledModules('src/core/clouds/aliyun/index.ts'));
    assert.ok(aliyun.some((p) => p.includes('node_modules/@alicloud/')), aliyun.slice(0, 5).join('\n'));
    assert.ok(aliyun.includes('cloud provider code src/core/clouds/aliyun/sign.ts'));
    const runner = activationProblems(await bundledModules('src/core/release/run.ts'));
    assert.ok(runner.includes('lazily loaded runner src/core/release/steps.ts'));
    assert.ok(runner.includes('lazily loaded runner src/core/signing/p256.ts'));
    const flash = activationProblems(await bundledModules('src/core/flash/releasePort.ts'));
    assert.ok(flash.includes('lazily loaded runner src/core/flash/diagnose.ts'));
  });
});
