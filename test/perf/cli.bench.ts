// The `ota-bench` CLI (dist/cli.js as built): its cold start (process start → `--help` done, and
// → the release's first step, which includes reading the settings, opening the board's port and
// loading the AWS bundle), and its Quick Release wall time against the extension's pipeline run
// in-process (as test/perf/release.bench.ts does) on the same emulator and board, alternating, with
// the same image, the same watch pacing (the AWS provider's defaults) and the same split into
// build / upload / device / polling wait / overhead. Medians.
import { readFileSync } from 'fs';
import { startRelease, workspaceRecordPath, type ReleaseRecord } from '../../src/core/release';
import { builtCli, PROFILE, runCli, writeCliSettings } from '../e2e/cliRun';
import { startReleaseBench, type ReleaseBench } from '../e2e/releaseBench';
import type { BenchContext, Figure } from './benchTypes';
import { split, type Split } from './release.bench';

const RUNS = 3;
const IMAGE_KB = 512;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function splitOf(b: ReleaseBench, r: ReleaseRecord): Promise<Split> {
  if (r.status !== 'passed') throw new Error(`release ${r.version?.value} ${r.status}: ${r.note}`);
  const d = await b.provider.describeExecution(r.job!.id, 'bench-board-01');
  return split(r, d.updatedAt!.getTime());
}

export async function bench({ say, figure }: BenchContext): Promise<Figure[]> {
  builtCli();
  // The provider's own watch pacing on both sides (what the editor and the CLI use).
  const b = await startReleaseBench({ imageKb: IMAGE_KB, providerOptions: { watchMaxRequestsPerSecond: undefined } });
  try {
    const { env } = writeCliSettings(b);
    const help: number[] = [];
    for (let i = 0; i < 5; i++) help.push((await runCli(['--help'], { cwd: b.root, env }).done).ms);
    say(`--help: ${help.map((x) => x.toFixed(0)).join(', ')} ms`);

    const ext: Split[] = [];
    const cli: Split[] = [];
    const firstStep: number[] = [];
    const procMs: number[] = [];
    const config = () => ({ ...b.config(), watch: undefined });
    for (let i = 0; i < RUNS; i++) {
      b.setVersion(`5.0.${i * 2}`);
      ext.push(await splitOf(b, await startRelease(config(), b.deps())));
      say(`extension 5.0.${i * 2}: ${ext.at(-1)!.wall} ms (overhead ${ext.at(-1)!.overhead})`);

      b.setVersion(`5.0.${i * 2 + 1}`);
      await b.serial.close(); // the CLI opens the board's port itself
      const started = performance.now();
      const run = runCli(['release', '--profile', PROFILE, '--json'], { cwd: b.root, env });
      void run.event((e) => e.type === 'step' && e.status === 'started').then(() => firstStep.push(performance.now() - started), () => undefined);
      const res = await run.done;
      if (res.code !== 0) throw new Error(`the CLI release exited ${res.code}:\n${res.stderr.slice(-2000)}`);
      procMs.push(res.ms);
      cli.push(await splitOf(b, JSON.parse(readFileSync(workspaceRecordPath(b.root), 'utf8')) as ReleaseRecord));
      say(`CLI 5.0.${i * 2 + 1}: ${cli.at(-1)!.wall} ms (overhead ${cli.at(-1)!.overhead}); process ${res.ms.toFixed(0)} ms, first step after ${firstStep.at(-1)?.toFixed(0)} ms`);
      await b.serial.open(b.board.link);
    }
    const m = (xs: Split[], f: (s: Split) => number) => median(xs.map(f));
    const wallExt = m(ext, (s) => s.wall);
    const wallCli = m(cli, (s) => s.wall);
    return [
      figure('CLI cold start: --help', median(help), 'ms', 'node dist/cli.js --help, process start → exit, median of 5'),
      figure('CLI cold start to the first step', median(firstStep), 'ms', `process start → "Build" started: settings, serial port open, AWS bundle loaded; median of ${RUNS}`),
      figure(`CLI Quick Release wall time, ${IMAGE_KB} KB image`, wallCli, 'ms', `build → verdict from the record, median of ${RUNS}`),
      figure(`extension Quick Release wall time, same emulator and board`, wallExt, 'ms', `the core pipeline in-process with the editor's serial watcher, median of ${RUNS}, alternating with the CLI`),
      figure('CLI / extension wall time', Number((wallCli / wallExt).toFixed(3)), 'ratio', '1.0 = the same'),
      figure('  CLI overhead (wall − build − upload − device − polling wait)', m(cli, (s) => s.overhead), 'ms', 'same split as the release bench'),
      figure('  extension overhead (same split)', m(ext, (s) => s.overhead), 'ms', ''),
      figure('CLI process wall time (start → exit)', median(procMs), 'ms', 'adds the cold start and the exit to the release'),
    ];
  } finally {
    await b.close();
  }
}
