// Activation cost in the real host: code-server + headless Chromium, a fresh window per run, three
// profiles configured; the host suite (activation.host.ts) opens the OTA Bench view on the cold
// extension and reads api.timing. Args: --runs N (default 3).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCodeServer } from '../../scripts/lib/code-server.mjs';
import { runOne } from '../../scripts/integration.mjs';

const PROFILES = [
  { kind: 'aws', name: 'aws-bench', region: 'us-east-1', thingName: 'bench-board-01' },
  { kind: 'huawei', name: 'hw-bench', region: 'cn-north-4', projectId: '0123456789abcdef0123456789abcdef' },
  { kind: 'aliyun', name: 'ali-bench', region: 'cn-shanghai', productKey: 'a1BwAGVbench' },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function bench({ root, say, figure, args }) {
  const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 3;
  const logsDir = join(root, 'out', 'logs');
  const cs = await ensureCodeServer(root, { log: join(logsDir, 'code-server-install.log'), say });
  const host = join(root, 'out', 'test', 'integration', 'perf', 'activation.host.js');
  if (!existsSync(host)) throw new Error(`${host} is missing: run \`node scripts/build.mjs --production --tests\``);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = await runOne({
      name: `bench-activation-${i + 1}`, cs, suite: 'bench', say: () => {}, logsDir, testFiles: [host],
      settings: { 'otaBench.profiles': PROFILES }, timeoutMs: 120_000,
    });
    const file = join(r.scratch, 'activation.json');
    if (r.failures || !existsSync(file)) throw new Error(`run ${i + 1} failed: ${(r.failed ?? []).map((f) => f.error).join('; ')}`);
    const s = JSON.parse(readFileSync(file, 'utf8'));
    if (s.rootNodes !== PROFILES.length) throw new Error(`run ${i + 1}: the tree showed ${s.rootNodes} nodes, expected ${PROFILES.length}`);
    samples.push(s);
    say(`run ${i + 1}: activation → first render ${s.activateToFirstRenderMs.toFixed(1)} ms (activate() itself ${s.activateMs.toFixed(1)} ms), view reveal → first render ${s.revealToFirstRenderMs.toFixed(1)} ms`);
  }
  const list = (k) => samples.map((s) => s[k].toFixed(1)).join(', ');
  return [
    figure('activation → first tree render', +median(samples.map((s) => s.activateToFirstRenderMs)).toFixed(1), 'ms',
      `median of ${runs} cold windows (code-server ${'4.100.3'}, 3 profiles): ${list('activateToFirstRenderMs')}; target < 150 ms`),
    figure('activate() itself', +median(samples.map((s) => s.activateMs)).toFixed(1), 'ms',
      `our code from activate() start to its return (the rest of "activation → first tree render" is the workbench asking the view): ${list('activateMs')}`),
    figure('view reveal → first tree render', +median(samples.map((s) => s.revealToFirstRenderMs)).toFixed(1), 'ms',
      `includes loading dist/extension.js and the workbench showing the view: ${list('revealToFirstRenderMs')}`),
  ];
}
