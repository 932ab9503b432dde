// `ota-bench watch <job>`, `ota-bench monitor`, `ota-bench profiles`.
import { benchTargets, descriptorOf } from '../core/clouds/registry';
import { describeSigning, signingOf } from '../core/release/signingSettings';
import { compileLevelPattern, parseLevel } from '../core/evidence/levels';
import { stripAnsi } from '../core/serial/line';
import { compileFilter } from '../shared/logview/filter';
import { compileLevelFilter, parseTagList } from '../shared/logview/levels';
import { LOG_LEVELS, type LogLevel } from '../shared/protocol';
import type { Flags } from './args';
import { providerFor, secretEnvName, secretFields, traced } from './clouds';
import { EXIT, InfrastructureError, UsageError, type ExitCode } from './exit';
import { openSerial } from './ports';
import { rolloutLine, type Output } from './report';
import { chooseProfile, readProfiles, readWorkspace } from './settings';

export async function watchCommand(args: string[], flags: Flags, out: Output, signal: AbortSignal): Promise<ExitCode> {
  const jobId = args[0];
  if (!jobId || args.length > 1) throw new UsageError('Usage: ota-bench watch <job id> [--profile NAME]');
  const ws = readWorkspace(flags);
  const profile = chooseProfile(ws, flags.profile);
  const { provider, trace } = traced(await providerFor(profile));
  let last: Awaited<ReturnType<typeof provider.describeJob>> | undefined;
  let shown = '';
  try {
    for await (const r of provider.watchJob(jobId, { signal })) {
      last = r;
      const line = rolloutLine(r);
      if (line !== shown) out.say(`[${r.at.toISOString().slice(11, 19)}] ${line}`);
      shown = line;
      out.event({ type: 'rollout', at: r.at.getTime(), job: r.job.id, status: r.job.rawStatus, done: r.done, counts: r.counts, executions: r.executions.map((e) => ({ target: e.target, status: e.status, rawStatus: e.rawStatus, progress: e.progress, statusDetails: e.statusDetails })) });
      if (r.done) break;
    }
  } catch (e) {
    if (signal.aborted) return interrupted(out, jobId);
    if (trace.last?.code === 'not-found') throw new UsageError(`watch ${jobId}: no such job on profile "${profile.name}".`);
    if (trace.last?.code === 'unavailable' || trace.last?.code === 'throttled') throw new InfrastructureError(`${profile.name}: ${(e as Error).message}`);
    throw e;
  }
  if (signal.aborted || !last?.done) return interrupted(out, jobId);
  const bad = last.executions.filter((e) => e.status !== 'succeeded');
  const ok = last.job.status === 'completed' && !bad.length && last.executions.length > 0;
  out.say(ok ? `Job ${jobId} ${last.job.rawStatus}: every execution succeeded.` : `Job ${jobId} ${last.job.rawStatus}: ${bad.map((e) => `${e.target} ${e.rawStatus}`).join(', ') || 'no executions'}.`);
  out.event({ type: 'result', job: jobId, status: last.job.rawStatus, passed: ok, exitCode: ok ? EXIT.passed : EXIT.failed });
  return ok ? EXIT.passed : EXIT.failed;
}

function interrupted(out: Output, jobId: string): ExitCode {
  out.say(`Interrupted. Job ${jobId} keeps running on the cloud (watching does not change it).`);
  out.event({ type: 'result', job: jobId, status: 'interrupted', exitCode: EXIT.interrupted });
  return EXIT.interrupted;
}

/** The serial log: each line with its host timestamp, filtered like the monitor's include/exclude. */
export async function monitorCommand(flags: Flags, out: Output, signal: AbortSignal, stdout: NodeJS.WritableStream = process.stdout): Promise<ExitCode> {
  const ws = readWorkspace(flags);
  const filter = compileFilter({ include: flags.include ?? '', exclude: flags.exclude ?? '', regex: flags.regex });
  if (filter.includeError || filter.excludeError) throw new UsageError(`${filter.includeError ? '--include' : '--exclude'}: ${filter.includeError ?? filter.excludeError}`);
  if (flags.level && !(LOG_LEVELS as readonly string[]).includes(flags.level)) throw new UsageError(`--level must be one of ${LOG_LEVELS.join(', ')}, not "${flags.level}".`);
  const levels = compileLevelFilter({ min: (flags.level as LogLevel | undefined) ?? 'all', ...parseTagList(flags.tag ?? '') });
  const patternSetting = ws.raw['otaBench.serial.levelPattern'];
  let pattern: RegExp | undefined;
  try {
    pattern = typeof patternSetting === 'string' && patternSetting.trim() ? compileLevelPattern(patternSetting) : undefined;
  } catch (e) {
    throw new UsageError(`otaBench.serial.levelPattern in ${ws.file}: ${(e as Error).message}`);
  }
  const session = await openSerial(ws, flags);
  out.say(`Monitoring ${session.status.path ?? ''} (${session.options.baudRate} baud). Ctrl-C stops.`);
  const sub = session.onLines((batch) => {
    for (const l of batch) {
      if (!filter.test(l.text)) continue;
      if (levels.active) {
        const lt = parseLevel(l.text, pattern);
        if (!levels.test({ dir: l.dir ?? 'rx', level: lt?.level, tag: lt?.tag })) continue;
      }
      const stamp = new Date(l.t).toISOString();
      // Colours for a terminal; plain text into a file or a pipe.
      const text = (stdout as { isTTY?: boolean }).isTTY ? l.text : stripAnsi(l.text);
      if (flags.json) stdout.write(`${JSON.stringify({ type: 'serial', t: l.t, dir: l.dir ?? 'rx', text: stripAnsi(l.text) })}\n`);
      else stdout.write(`${stamp} ${l.dir === 'sys' ? '# ' : ''}${text}\n`);
    }
  });
  const statusSub = session.onStatus((s) => s.message && out.say(`[${new Date().toISOString().slice(11, 19)}] ${s.state}: ${s.message}`));
  try {
    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
      if (flags.duration) setTimeout(resolve, flags.duration * 1000).unref();
    });
  } finally {
    sub();
    statusSub();
    await session.close();
  }
  return signal.aborted ? EXIT.interrupted : EXIT.passed;
}

/** The profiles, what their cloud can do, and where their secrets come from (names only, never values). */
export function profilesCommand(flags: Flags, out: Output, stdout: NodeJS.WritableStream = process.stdout): ExitCode {
  const ws = readWorkspace(flags);
  const profiles = flags.profile ? [chooseProfile(ws, flags.profile)] : readProfiles(ws);
  if (!profiles.length) out.say(`No cloud profiles in ${ws.file} (otaBench.profiles).`);
  for (const p of profiles) {
    const d = descriptorOf(p);
    const signing = signingOf(p);
    const secrets = secretFields(p).map((f) => ({ field: f.key, env: secretEnvName(p.name, f.key), set: !!process.env[secretEnvName(p.name, f.key)], optional: !!f.optional }));
    const info = {
      name: p.name,
      kind: p.kind,
      cloud: d.label,
      region: p.region,
      ...(p.endpoint ? { endpoint: p.endpoint } : {}),
      bench: benchTargets(p),
      signing: signing.ok ? describeSigning(signing.value) : `invalid: ${signing.error}`,
      capabilities: [...d.capabilities],
      secrets,
    };
    if (flags.json) {
      stdout.write(`${JSON.stringify({ type: 'profile', ...info })}\n`);
      continue;
    }
    stdout.write(
      [
        `${p.name}  (${d.label}, ${p.region}${p.endpoint ? `, ${p.endpoint}` : ''})`,
        `  bench ${info.bench.length > 1 ? d.nouns.devices : d.nouns.device}: ${info.bench.join(', ') || '(none: set "' + d.bench.field + '")'}`,
        `  signing: ${info.signing}`,
        `  can: ${info.capabilities.join(', ')}`,
        `  secrets: ${secrets.length ? secrets.map((s) => `${s.env} (${s.set ? 'set' : 'not set'}${s.optional ? ', optional' : ''})`).join(', ') : "the cloud's own credential chain"}`,
        d.unavailable ? `  note: ${d.unavailable}` : '',
        '',
      ]
        .filter((l, i, a) => l !== '' || i === a.length - 1)
        .join('\n'),
    );
  }
  return EXIT.passed;
}
