/* global process */
// Bundle sizes of the production build. The extension's own bundle is what every activation
// loads; cloud SDKs live in lazily loaded dist/clouds/*.js. It builds right before measuring (dist/
// is shared with anyone running `npm run build`) and checks that what it measures is minified.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export async function bench({ root, figure }) {
  execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: root, stdio: 'ignore' });
  const dist = join(root, 'dist');
  const ext = join(dist, 'extension.js');
  if (!existsSync(ext)) throw new Error('dist/extension.js is missing after a production build');
  // Minified code has long lines (template literals keep a few newlines); a dev build ~40 chars each.
  const text = readFileSync(ext, 'utf8');
  const perLine = text.length / text.split('\n').length;
  if (perLine < 500) throw new Error(`dist/extension.js averages ${perLine.toFixed(0)} characters a line: not the minified production build (rebuilt by someone else meanwhile?)`);
  const size = (f) => statSync(f).size;
  const out = [figure('dist/extension.js', size(ext), 'bytes', 'production build, loaded at activation; target < 300 KB (307,200 bytes)')];
  const web = join(dist, 'webview', 'monitor.js');
  if (existsSync(web)) out.push(figure('dist/webview/monitor.js', size(web), 'bytes', 'Bench Monitor page bundle'));
  const clouds = join(dist, 'clouds');
  if (existsSync(clouds)) {
    for (const f of readdirSync(clouds).filter((n) => n.endsWith('.js')).sort()) {
      out.push(figure(`dist/clouds/${f}`, size(join(clouds, f)), 'bytes', 'loaded on first use of that cloud'));
    }
  }
  for (const [f, when] of [['release.js', 'the release runner, loaded on the first release'], ['flash.js', 'the flash tool runner, loaded on the first flash']]) {
    if (existsSync(join(dist, f))) out.push(figure(`dist/${f}`, size(join(dist, f)), 'bytes', when));
  }
  // No cloud SDK or client in the activation bundle: each cloud's markers, which its own bundle must
  // hold (else the marker proves nothing). test/unit/activationBundle.test.ts checks the modules.
  const MARKERS = {
    aws: ['@aws-sdk/', '@smithy/', 'IoTClient', 'S3Client', 'SignatureV4'],
    huawei: ['HuaweiProvider', 'V11-HMAC-SHA256', 'SDK-HMAC-SHA256', 'CreateOtaPackage'],
    aliyun: ['@alicloud/', 'AliyunProvider', 'HMAC-SHA1', 'CreateOTAFirmware', 'ListOTAFirmware'],
  };
  const found = [];
  for (const [kind, markers] of Object.entries(MARKERS)) {
    const own = join(dist, 'clouds', `${kind}.js`);
    if (existsSync(own)) {
      const ownText = readFileSync(own, 'utf8');
      const absent = markers.filter((m) => !ownText.includes(m));
      if (absent.length) throw new Error(`dist/clouds/${kind}.js lacks its markers ${absent.join(', ')}: update MARKERS in test/perf/size.bench.mjs`);
    }
    found.push(...markers.filter((m) => text.includes(m)).map((m) => `${kind}: ${m}`));
  }
  out.push(figure('cloud SDK/client markers in dist/extension.js', found.length, 'count', `must be 0 (${found.join(', ') || 'none of AWS, Huawei, Alibaba found'}); clouds load from dist/clouds/<kind>.js`));
  return out;
}
