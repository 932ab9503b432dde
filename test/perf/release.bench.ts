// Quick Release wall time on the AWS emulator with the virtual board, for the demo workspace's
// 4 MB image, split by step; and the extension's own overhead: everything except the build (a child
// process), the upload transfer (bytes on the wire) and the device (from the job's creation to the
// device's final report to the cloud). The watch's polling wait (from that report until a poll sees
// it, paced by the cloud's rate limits) is shown apart. Medians of RUNS releases.
import { STEP_IDS, startRelease, type ReleaseRecord, type StepId } from '../../src/core/release';
import { startReleaseBench } from '../e2e/releaseBench';
import type { BenchContext, Figure } from './benchTypes';

type Ctx = BenchContext;

const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface Split {
  wall: number;
  steps: Record<StepId, number>;
  build: number;
  upload: number;
  device: number;
  pollWait: number;
  overhead: number;
}

export function split(r: ReleaseRecord, finalReportAt: number): Split {
  const step = (id: StepId) => r.steps.find((s) => s.id === id)!;
  const steps = Object.fromEntries(STEP_IDS.map((id) => [id, step(id).durationMs ?? 0])) as Record<StepId, number>;
  const wall = step('verdict').endedAt! - step('build').startedAt!;
  const jobCreated = step('start-verify').endedAt!;
  const device = finalReportAt - jobCreated;
  const pollWait = step('watch').endedAt! - finalReportAt;
  return { wall, steps, build: steps.build, upload: steps.upload, device, pollWait, overhead: wall - steps.build - steps.upload - device - pollWait };
}

async function runs(say: Ctx['say'], watch: { intervalMs?: number; perSecond?: number }, n: number, base: string): Promise<Split[]> {
  const b = await startReleaseBench({ providerOptions: { watchMaxRequestsPerSecond: watch.perSecond } });
  try {
    const out: Split[] = [];
    for (let i = 0; i < n; i++) {
      b.setVersion(`${base}.${i}`);
      const r = await startRelease(b.config({ watch: { intervalMs: watch.intervalMs, bannerGraceMs: 3000, timeoutMs: 120_000 } }), b.deps());
      if (r.status !== 'passed') throw new Error(`release ${base}.${i} ${r.status}: ${r.note}`);
      // The device's last report as the cloud stamped it (the emulator shares this clock).
      const d = await b.provider.describeExecution(r.job!.id, 'bench-board-01');
      const s = split(r, d.updatedAt!.getTime());
      say(`${base}.${i}: ${s.wall} ms (build ${s.build}, upload ${s.upload}, device ${s.device}, poll wait ${s.pollWait}, overhead ${s.overhead})`);
      out.push(s);
    }
    return out;
  } finally {
    await b.close();
  }
}

export async function bench({ say, figure }: Ctx): Promise<Figure[]> {
  say(`${RUNS} releases of a 4 MB image, watch polled every 100 ms`);
  const fast = await runs(say, { intervalMs: 100, perSecond: 20 }, RUNS, '3.0');
  say('2 releases with the editor\u2019s watch pacing (AWS provider defaults: one DescribeJobExecution a second for a single-target job)');
  const paced = await runs(say, {}, 2, '3.1');
  const m = (f: (s: Split) => number, xs = fast) => median(xs.map(f));
  const figures: Figure[] = [
    figure('Quick Release wall time, 4 MB image (AWS emulator)', m((s) => s.wall), 'ms', `median of ${RUNS}; build → verdict, watch polled every 100 ms`),
    ...STEP_IDS.map((id) => figure(`  step ${id}`, m((s) => s.steps[id]), 'ms', id === 'build' ? 'node scripts/build.mjs (child process)' : id === 'upload' ? 'S3 PutObject, 4 MB' : id === 'watch' ? 'includes the device: download, signature check, reboot, self-test' : '')),
    figure('  device (job created → device’s final report)', m((s) => s.device), 'ms', 'the virtual board over MQTT + HTTP download'),
    figure('  watch polling wait (final report → seen)', m((s) => s.pollWait), 'ms', '100 ms polls'),
    figure('extension overhead (wall − build − upload − device − polling wait)', m((s) => s.overhead), 'ms', 'target < 1000 ms: locate, version, hash+sign, register/publish/start-job calls, banner, verdict, record saves'),
    figure('Quick Release wall time, editor watch pacing', m((s) => s.wall, paced), 'ms', 'median of 2; AWS provider defaults (single-target job: one request a second)'),
    figure('  watch polling wait, editor watch pacing', m((s) => s.pollWait, paced), 'ms', 'bounded by the AWS request pacing, not by the extension'),
    figure('  extension overhead, editor watch pacing', m((s) => s.overhead, paced), 'ms', 'same split as above'),
  ];
  return figures;
}
