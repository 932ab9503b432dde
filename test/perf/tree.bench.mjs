// The Clouds tree's first page from the AWS emulator, measured in the real host (code-server +
// headless Chromium): the emulator runs as its own process with 1,000 seeded jobs; the host suite
// (tree.host.ts) expands the AWS profile and its Jobs folder through the real provider, paged
// nodes and getTreeItem. Target: first page < 300 ms.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { ensureCodeServer } from '../../scripts/lib/code-server.mjs';
import { runOne } from '../../scripts/integration.mjs';

function startEmulator(root) {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/bench/aws-emulator/cli.ts'), '--seed-jobs', '1000', '--seed-packages', '3'], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${err}`)), 30_000);
    proc.stderr.on('data', (d) => (err += d));
    proc.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve({ proc, info: JSON.parse(out.slice(0, nl)) });
      }
    });
    proc.once('exit', (code) => reject(new Error(`emulator exited ${code}: ${err}`)));
  });
}

export async function bench({ root, say, figure }) {
  const logsDir = join(root, 'out', 'logs');
  const cs = await ensureCodeServer(root, { log: join(logsDir, 'code-server-install.log'), say });
  const host = join(root, 'out', 'test', 'integration', 'perf', 'tree.host.js');
  if (!existsSync(host)) throw new Error(`${host} is missing: run \`node scripts/build.mjs --production --tests\``);
  const { proc, info } = await startEmulator(root);
  const dir = mkdtempSync(join(tmpdir(), 'otab-tree-bench-'));
  try {
    const files = { credentials: join(dir, 'credentials'), config: join(dir, 'config') };
    writeFileSync(files.credentials, `[bench]\naws_access_key_id = ${info.credentials.accessKeyId}\naws_secret_access_key = ${info.credentials.secretAccessKey}\n`);
    writeFileSync(files.config, `[profile bench]\nregion = ${info.region}\n`);
    const r = await runOne({
      name: 'bench-tree', cs, suite: 'bench', say: () => {}, logsDir, testFiles: [host], timeoutMs: 180_000,
      settings: { 'otaBench.profiles': [{ ...info.profile, name: 'aws-bench', awsProfile: 'bench' }], 'otaBenchTest.awsFiles': files },
    });
    const file = join(r.scratch, 'tree.json');
    if (r.failures || !existsSync(file)) throw new Error(`tree bench failed: ${(r.failed ?? []).map((f) => f.error).join('; ')}`);
    const s = JSON.parse(readFileSync(file, 'utf8'));
    if (!s.lazyBefore || !s.loadedAfter) throw new Error(`dist/clouds/aws.js load state wrong: before expansion ${!s.lazyBefore}, after ${s.loadedAfter}`);
    say(`expand profile ${s.expandProfileMs.toFixed(1)} ms, first jobs page cold ${s.firstJobsPageColdMs.toFixed(1)} ms, warm median ${s.firstJobsPageWarmMedianMs.toFixed(1)} ms`);
    return [
      figure('tree: first page of jobs (cold)', +s.firstJobsPageColdMs.toFixed(1), 'ms',
        'AWS profile just expanded; 50 of 1,000 jobs from the emulator process via the real SDK (credentials from a shared-credentials file, new connection), paged nodes + getTreeItem; target < 300 ms'),
      figure('tree: first page of jobs (warm)', +s.firstJobsPageWarmMedianMs.toFixed(1), 'ms',
        `median of ${s.warmRuns} refreshes of the Jobs folder (max ${s.firstJobsPageWarmMaxMs.toFixed(1)} ms)`),
      figure('tree: first page of packages', +s.firstPackagesPageMs.toFixed(1), 'ms', '3 seeded packages, after the jobs page'),
      figure('tree: expand AWS profile', +s.expandProfileMs.toFixed(1), 'ms',
        'first expansion: require(dist/clouds/aws.js) + provider creation (the bundle is not loaded before: checked through require.cache)'),
    ];
  } finally {
    proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
