// `ota-bench release` (new or --resume) and `ota-bench verify`: the core pipeline with the
// workspace's settings, the board's serial port and the cloud's lazily loaded provider; the record
// in the file the extension shares; the lock; the verify bundle and the JUnit report afterwards.
import { mkdirSync, writeFileSync } from 'fs';
import { dirname, resolve } from 'path';
import type { CloudProvider } from '../core/clouds/provider';
import type { CloudProfile } from '../core/profiles';
import { isCloudErrorCode, isNamedError } from '../core/errors';
import {
  acquireReleaseLock, FileReleaseStore, releaseConfig, resumePoint, resumeRelease, rolloutView, serialEntry, startRelease,
  STEP_TITLES, TimelineBuilder, verifyOnlyRecord, workspaceRecordPath, writeVerifyBundle,
  type ReleaseConfig, type ReleaseDeps, type ReleaseRecord, type SerialLine,
} from '../core/release';
import { benchTargets, descriptorOf } from '../core/clouds/registry';
import { readVersion } from '../core/version/read';
import type { RolloutView, TimelineEntry } from '../shared/protocol';
import type { Flags } from './args';
import { buildRunnerFor } from './build';
import { providerFor, traced, type ErrorTrace } from './clouds';
import { EXIT, UsageError, type ExitCode } from './exit';
import { junitXml } from './junit';
import { releaseReporter, type Output } from './report';
import { openPorts, type Ports } from './ports';
import { chooseProfile, readReleaseSettings, readWorkspace, type Workspace } from './settings';

export const CLI_HOLDER = 'the ota-bench CLI';

/** The exit code of a finished run: why it stopped, told apart by the last cloud error. */
export function exitCodeOf(r: ReleaseRecord, trace?: ErrorTrace): ExitCode {
  if (r.status === 'passed') return EXIT.passed;
  if (r.status === 'canceled') return EXIT.interrupted;
  const failed = r.steps.find((s) => s.status === 'failed');
  if (failed && failed.id !== 'verdict' && trace?.last) {
    if (trace.last.code === 'unavailable' || trace.last.code === 'throttled') return EXIT.infrastructure;
    if (trace.last.code === 'credentials' || trace.last.code === 'config') return EXIT.usage;
  }
  return EXIT.failed;
}

interface Prepared {
  ws: Workspace;
  profile: CloudProfile;
  config: ReleaseConfig;
}

function prepare(flags: Flags, profileName?: string): Prepared {
  const ws = readWorkspace(flags);
  const settings = readReleaseSettings(ws);
  const profile = chooseProfile(ws, profileName ?? flags.profile);
  const { config, error } = releaseConfig(settings, profile, ws.root);
  if (!config) throw new UsageError(`otaBench.profiles: ${error}`);
  if (flags.version) config.version = { kind: 'fixed', version: flags.version };
  else if (config.version.kind === 'ask') throw new UsageError('otaBench.release.version is {"source": "ask"}: pass the version with --version.');
  const d = descriptorOf(profile);
  const targets = benchTargets(profile);
  if (!targets.length) throw new UsageError(`otaBench.profiles: profile "${profile.name}" names no bench ${d.nouns.device} for the verify job: set its "${d.bench.field}".`);
  config.target = targets.join(',');
  return { ws, profile, config };
}

/** release, release --resume, verify. */
export async function runRelease(mode: 'release' | 'verify', flags: Flags, out: Output, signal: AbortSignal): Promise<ExitCode> {
  const store = new FileReleaseStore(workspaceRecordPath(readWorkspace(flags).root));
  let last: ReleaseRecord | undefined;
  if (mode === 'release' && flags.resume) {
    last = await store.load();
    if (!last) throw new UsageError(`--resume: no release to resume in this workspace (${store.path} does not exist). Run \`ota-bench release\`.`);
    if (!resumePoint(last)) throw new UsageError(`--resume: the last release (${last.config.packageName} ${last.version?.value ?? ''}) passed; there is nothing to resume. Run \`ota-bench release\` for a new one.`);
    if (flags.profile && flags.profile !== last.config.profile) throw new UsageError(`--profile "${flags.profile}": the last release went to profile "${last.config.profile}"; a resume continues it there.`);
  }
  const { ws, profile, config } = prepare(flags, last?.config.profile);
  const settings = readReleaseSettings(ws);
  const build = mode === 'release' ? buildRunnerFor(settings.build, ws.root) : undefined;
  const ports = await openPorts(ws, flags, profile);
  let unlock = () => {};
  try {
    let provider: CloudProvider;
    try {
      provider = await providerFor(profile);
    } catch (e) {
      throw isNamedError(e, 'UsageError') ? e : new UsageError(`Profile "${profile.name}": ${(e as Error).message}`);
    }
    const { provider: p, trace } = traced(provider);
    try {
      unlock = acquireReleaseLock(ws.root, CLI_HOLDER);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const timeline = new TimelineBuilder();
    const rows: TimelineEntry[] = [];
    const snapshots: RolloutView[] = [];
    const report = releaseReporter(out);
    const deps: ReleaseDeps = {
      provider: p,
      store,
      build,
      serial: ports.serial,
      ...(ports.boards ? { boards: ports.boards } : {}),
      onEvent: (e) => {
        if (e.type === 'step' && e.status === 'started') trace.clear();
        if (e.type === 'rollout') snapshots.push(rolloutView(e.rollout));
        rows.push(...timeline.fromEvent(e));
        report(e);
      },
    };
    let record: ReleaseRecord;
    if (mode === 'verify') {
      const existing = await findVersion(p, config, out);
      const r = verifyOnlyRecord(config, existing, Date.now());
      await store.save(r);
      out.say(`Verify ${existing.packageId} ${existing.version} (${existing.status}) on ${config.target} with profile "${profile.name}"`);
      record = await resumeRelease(r, deps, signal);
    } else if (last) {
      out.say(`Resuming release ${last.id} of ${last.config.packageName} ${last.version?.value ?? ''} at "${STEP_TITLES[resumePoint(last)!]}" (profile "${last.config.profile}")`);
      record = await resumeRelease(last, deps, signal);
    } else {
      out.say(`Quick Release of ${config.packageName} to profile "${profile.name}" (${profile.kind}), bench device ${config.target}`);
      record = await startRelease(config, deps, signal);
    }
    const lines = ports.lines();
    const code = exitCodeOf(record, trace);
    await finish(record, { flags, out, provider: p, lines, rows, snapshots, code, profile });
    return code;
  } finally {
    unlock();
    await ports.close().catch(() => undefined);
  }
}

/** The version to verify, as the cloud lists it (paged until found). */
async function findVersion(p: CloudProvider, config: ReleaseConfig, out: Output) {
  const wanted = config.version.kind === 'fixed' ? config.version.version : (await readVersion(config.version, { root: config.root })).version;
  let next: string | undefined;
  do {
    const page = await p.listVersions(config.packageName, { pageSize: 50, next }).catch((e: unknown) => {
      if (isCloudErrorCode(e, 'not-found')) return { items: [], next: undefined };
      throw e;
    });
    const v = page.items.find((x) => x.version === wanted);
    if (v) {
      if (v.status === 'draft') throw new UsageError(`${config.packageName} ${wanted} is a draft on "${config.profile}": a verify job installs published versions only. Publish it first (OTA Bench: Publish Version).`);
      return { packageId: v.packageId, versionId: v.id, version: v.version, status: v.status, arn: v.cloudRef };
    }
    next = page.next;
  } while (next);
  out.say(`${config.packageName} has no version ${wanted} on "${config.profile}".`);
  throw new UsageError(`${config.packageName} ${wanted} is not on the cloud (profile "${config.profile}", otaBench.release.packageName). Release it first (ota-bench release), or pass --version of a published one.`);
}

interface FinishInput {
  flags: Flags;
  out: Output;
  provider: CloudProvider;
  lines: ReturnType<Ports['lines']>;
  rows: TimelineEntry[];
  snapshots: RolloutView[];
  code: ExitCode;
  profile: CloudProfile;
}

/** Prints the outcome, what was left on the cloud, and writes the bundle and the JUnit report. */
async function finish(r: ReleaseRecord, f: FinishInput): Promise<void> {
  const { out, flags } = f;
  // The boards' lines of this run; with several boards each line says whose it is.
  const ofRun = (ls: SerialLine[]) => ls.filter((l) => (l.dir === undefined || l.dir === 'rx') && l.t >= r.createdAt);
  const perBoard = f.lines.map((b) => ({ ...b, lines: ofRun(b.lines) }));
  const board = perBoard.length === 1 ? perBoard[0].lines : perBoard.flatMap((b) => b.lines.map((l) => ({ ...l, text: `[${b.board}] ${l.text}` }))).sort((a, b) => a.t - b.t);
  if (r.status === 'passed') out.say(`PASSED: ${r.verdict?.reasons.join(' ') ?? r.steps.at(-1)?.summary ?? ''}`);
  else if (r.status === 'canceled') out.say(`Interrupted. Left on the cloud: ${r.note ?? 'nothing'}\nResume with: ota-bench release --resume`);
  else {
    out.say(`FAILED: ${r.verdict ? r.verdict.reasons.join(' ') : (r.note ?? '')}`);
    for (const l of r.verdict?.serialLines ?? []) out.say(`  serial ${new Date(l.t).toISOString().slice(11, 23)} ${l.text}`);
    const step = r.steps.find((s) => s.status === 'failed');
    if (step?.action) out.say(`→ ${step.action}`);
  }
  out.event({ type: 'result', status: r.status, exitCode: f.code, release: r.id, version: r.version?.value, job: r.job?.id, verdict: r.verdict?.result, reasons: r.verdict?.reasons, note: r.note });
  if (flags.out) {
    let jobDocument: string | undefined;
    if (r.job?.created) jobDocument = await f.provider.getJobDocument(r.job.id).catch(() => undefined);
    const timeline = [...f.rows, ...board.map(serialEntry)].sort((a, b) => a.t - b.t);
    const { folder } = await writeVerifyBundle(resolve(flags.out), { record: r, snapshots: f.snapshots, serial: board, timeline, jobDocument, redact: (s) => s });
    out.say(`Verify bundle: ${folder}`);
    out.event({ type: 'bundle', folder });
  }
  if (flags.junit) {
    const file = resolve(flags.junit);
    mkdirSync(dirname(file), { recursive: true });
    const error = f.code === EXIT.interrupted ? 'interrupted' : f.code === EXIT.infrastructure ? 'infrastructure' : undefined;
    const boards = perBoard.length > 1 ? Object.fromEntries(perBoard.map((b) => [b.target!, b.lines])) : undefined;
    writeFileSync(file, junitXml({ record: r, serial: board, error, ...(boards ? { boards } : {}) }));
    out.say(`JUnit report: ${file}`);
    out.event({ type: 'junit', file });
  }
}
