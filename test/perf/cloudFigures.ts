// What the cloud figure benches (aws/huawei/aliyun.bench.ts) share: the emulator in its own process
// (so the bench process holds only the client side), timings and medians, the RSS of a 256 MB
// publish, and the check that dist/extension.js holds none of a cloud's client code.
import { randomBytes } from 'crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { CloudProvider } from '../../src/core/clouds/provider';
import { digestFile } from '../../src/core/signing';
import { startCliProcess } from '../bench/kit/cli';
import type { BenchContext, Figure } from './benchTypes';

export type CloudKind = 'aws' | 'huawei' | 'aliyun';

const MB = 1024 * 1024;

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The value of `fn` and how long it took (ms). */
export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await fn();
  return [v, performance.now() - t];
}

/** The median time (ms) of `runs` calls of `fn`, one after another. */
export async function warmMedian(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push((await timed(fn))[1]);
  return median(ms);
}

/**
 * The same call two ways, interleaved after one warm-up of `raw`: the median times (ms) of 21 of
 * each and their ratio via / raw. `pauseMs` after each pair (to stay inside a cloud's rate limit).
 */
export async function interleavedMedians(raw: () => Promise<unknown>, via: () => Promise<unknown>, pauseMs = 0): Promise<{ rawMs: number; viaMs: number; ratio: number }> {
  await raw();
  const rawMs: number[] = [];
  const viaMs: number[] = [];
  for (let i = 0; i < 21; i++) {
    rawMs.push((await timed(raw))[1]);
    viaMs.push((await timed(via))[1]);
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  }
  return { rawMs: median(rawMs), viaMs: median(viaMs), ratio: median(viaMs) / median(rawMs) };
}

/** Runs test/bench/<kind>-emulator/cli.ts with `args` for `fn` (given its ready line and a scratch folder); stops it after. */
export async function withEmulatorProcess<Info, T>(root: string, kind: CloudKind, args: string[], fn: (info: Info, dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `otab-${kind}-bench-`));
  const { proc, ready: info } = await startCliProcess<Info>(join(root, `test/bench/${kind}-emulator/cli.ts`), args, root);
  try {
    return await fn(info, dir);
  } finally {
    proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function writeImage(path: string, size: number): Promise<void> {
  const out = createWriteStream(path);
  const chunk = randomBytes(4 * MB);
  for (let done = 0; done < size; done += chunk.length) {
    if (!out.write(chunk.subarray(0, Math.min(chunk.length, size - done)))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

/** Publishes a random 256 MB image as bench-big `version`: this process's RSS growth (MB, peak − before) and the upload rate (MB/s). */
export async function publish256(provider: CloudProvider, dir: string, version: string): Promise<{ growthMb: number; mbPerSecond: number }> {
  const size = 256 * MB;
  const path = join(dir, 'image-256.bin');
  await writeImage(path, size);
  const d = await digestFile(path, { md5: true });
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t1 = performance.now();
  await provider.publish({ packageName: 'bench-big', version, artifact: { path, size, sha256Hex: d.sha256Hex, md5Hex: d.md5Hex! } });
  const seconds = (performance.now() - t1) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { growthMb: (peak - base) / MB, mbPerSecond: 256 / seconds };
}

/**
 * How many of `markers` (strings only `cloud`'s client code holds) dist/extension.js holds (must be
 * 0: that code loads with dist/clouds/<kind>.js only), and the size of that lazy bundle.
 */
export function bundleFigures({ root, say, figure }: BenchContext, kind: CloudKind, client: { name: string; markers: string[]; bundleNote: string }): Figure[] {
  const figures: Figure[] = [];
  const ext = join(root, 'dist/extension.js');
  const bundle = join(root, `dist/clouds/${kind}.js`);
  const loads = client.name.endsWith('SDK') ? 'the SDK loads' : 'the client loads';
  if (existsSync(ext)) {
    const text = readFileSync(ext, 'utf8');
    const markers = client.markers.filter((m) => text.includes(m));
    say(`dist/extension.js ${client.name} markers: ${markers.join(', ') || 'none'}`);
    figures.push(figure(`${client.name} markers in dist/extension.js`, markers.length, 'count', `must be 0 (${markers.join(', ') || 'none found'}); ${loads} with dist/clouds/${kind}.js only`));
  }
  if (existsSync(bundle)) figures.push(figure(`dist/clouds/${kind}.js`, statSync(bundle).size, 'bytes', client.bundleNote));
  return figures;
}
