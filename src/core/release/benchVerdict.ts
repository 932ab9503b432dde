// The verdict when the bench has several boards: one verdict per bench device the verify job
// targeted, each from that board's own serial session (banner, version query, crashes), and the
// release passes only when every board passed. Exports BenchWatcher, benchVerdict.
import { askBoardVersion, crashEvidence, levelNotes } from './evidence';
import { bannerMatcher, SerialTap, type SerialWatcher } from './serialWatch';
import type { ReleaseConfig, RolloutSummary, SerialLine, Verdict } from './types';
import { benchExecution, decideVerdict } from './verdict';

/** A bench board as the release sees it: its name, its device id in this job, its serial lines. */
export interface BenchWatcher {
  name: string;
  target: string;
  serial: SerialWatcher;
}

const fromBoard = (l: SerialLine) => l.dir === undefined || l.dir === 'rx';

export interface BenchVerdictInput {
  boards: readonly BenchWatcher[];
  targets: readonly string[];
  rollout?: RolloutSummary;
  version: string;
  /** The job's request time: lines after it count. */
  since: number;
  config: Pick<ReleaseConfig, 'banner' | 'evidence'>;
  bannerGraceMs: number;
  artifactPath?: string;
  now: () => number;
  signal?: AbortSignal;
  /** Per device: what its board ran before the job (a verify of that same version proves nothing). */
  before?: Readonly<Record<string, NonNullable<Verdict['before']>>>;
}

export async function benchVerdict(a: BenchVerdictInput): Promise<Verdict> {
  const banner = bannerMatcher(a.config.banner, a.version);
  const per: { board?: string; target: string; v: Verdict }[] = [];
  for (const target of a.targets) {
    const board = a.boards.find((b) => b.target === target);
    if (!board) {
      const v = decideVerdict({ rollout: a.rollout, target, version: a.version, lines: [], serialConnected: false, bannerGraceMs: a.bannerGraceMs });
      v.reasons.push(`No bench board has ${target} as its device (otaBench.bench.boards).`);
      per.push({ target, v: { ...v, result: 'failed' } });
      continue;
    }
    const tap = new SerialTap(board.serial);
    try {
      const succeeded = benchExecution(a.rollout, target)?.status === 'succeeded';
      const isBanner = (l: SerialLine) => fromBoard(l) && banner(l.text);
      let bannerLine = tap.since(a.since).find(isBanner);
      // The cloud can hear "succeeded" a moment before the banner reaches the serial port.
      if (!bannerLine && succeeded) bannerLine = await tap.find(banner, a.since, a.bannerGraceMs, a.signal);
      let queryAt: number | undefined;
      let query: { line: SerialLine; version: string } | undefined;
      if (!bannerLine && succeeded && a.config.evidence?.versionQuery) {
        queryAt = a.now();
        query = await askBoardVersion(tap, a.config.evidence, queryAt, a.signal);
      }
      const lines = tap.since(a.since).filter(fromBoard);
      const v = decideVerdict({
        rollout: a.rollout,
        target,
        version: a.version,
        bannerLine,
        lines,
        serialConnected: true,
        bannerGraceMs: a.bannerGraceMs,
        query,
        queryAsked: queryAt !== undefined,
        before: a.before?.[target],
        crashes: await crashEvidence(lines, a.config.evidence, a.artifactPath),
        notes: levelNotes(lines, a.config.evidence),
      });
      per.push({ board: board.name, target, v });
    } finally {
      tap.dispose();
    }
  }
  const passed = per.length > 0 && per.every((p) => p.v.result === 'passed');
  const label = (p: (typeof per)[number]) => (p.board ? `${p.board} (${p.target})` : p.target);
  return {
    result: passed ? 'passed' : 'failed',
    reasons: per.length ? per.map((p) => `${label(p)}: ${p.v.result === 'passed' ? 'PASSED' : 'FAILED'}: ${p.v.reasons.join(' ')}`) : ['The verify job targeted no bench device.'],
    serialLines: per.filter((p) => p.v.result === 'failed').flatMap((p) => p.v.serialLines).slice(0, 24),
    boards: per.map((p) => ({
      ...(p.board ? { board: p.board } : {}),
      target: p.target,
      result: p.v.result,
      reasons: p.v.reasons,
      ...(p.v.evidence ? { evidence: p.v.evidence } : {}),
      ...(p.v.crashes ? { crashes: p.v.crashes } : {}),
      ...(p.v.notes ? { notes: p.v.notes } : {}),
    })),
  };
}
