// Runs the release steps in order: persists the record after every change of state, emits events,
// stops cleanly on cancel, and resumes a stopped release at the step that stopped it.

import { stat } from 'fs/promises';
import { explain, isCancel, StaleReleaseError } from './errors';
import { SerialTap } from './serialWatch';
import { newRecord, resumePoint } from './record';
import { STEPS, type ReleaseDeps, type StepContext } from './steps';
import { STEP_IDS, STEP_TITLES, type ReleaseConfig, type ReleaseEvent, type ReleaseRecord, type StepId } from './types';

export type { ReleaseDeps } from './steps';

export interface RunOptions {
  /** Stop (status 'stopped') once this step is over: "Sign Artifact", "Publish Version" run part of a release. */
  stopAfter?: StepId;
}

/** Starts a new release of `config` and runs it to its end (passed, failed or canceled), or up to `opts.stopAfter`. */
export async function startRelease(config: ReleaseConfig, deps: ReleaseDeps, signal?: AbortSignal, opts: RunOptions = {}): Promise<ReleaseRecord> {
  checkProvider(config, deps);
  const record = newRecord(config, (deps.now ?? Date.now)());
  await deps.store.save(record);
  return runFrom(record, 0, deps, signal, opts);
}

/**
 * Continues a stopped release at its resume point, reusing what earlier runs created (the hashes,
 * the uploaded object, the registered version, the verify job). Throws StaleReleaseError when the
 * artifact changed since, because resuming would then publish something else under the same name.
 */
export async function resumeRelease(record: ReleaseRecord, deps: ReleaseDeps, signal?: AbortSignal, opts: RunOptions = {}): Promise<ReleaseRecord> {
  checkProvider(record.config, deps);
  const at = resumePoint(record);
  if (!at) throw new StaleReleaseError(`Release ${record.id} already passed; there is nothing to resume. Start a new release.`);
  const index = STEP_IDS.indexOf(at);
  await checkArtifactUnchanged(record, index);
  if (at === 'start-verify' && record.job?.created && record.verdict) {
    // The last verify job ran to a failed verdict: keep it for the record, start a fresh one.
    record.previousJobs = [...(record.previousJobs ?? []), record.job];
    delete record.job;
  }
  if (index <= STEP_IDS.indexOf('watch')) delete record.verdict;
  for (const s of record.steps.slice(index)) {
    s.status = 'pending';
    for (const k of ['reason', 'action', 'summary', 'reused', 'startedAt', 'endedAt', 'durationMs'] as const) delete s[k];
  }
  delete record.resumeAt;
  delete record.note;
  record.status = 'running';
  return runFrom(record, index, deps, signal, opts);
}

function checkProvider(config: ReleaseConfig, deps: ReleaseDeps): void {
  const p = deps.provider.profile;
  if (p.name !== config.profile || p.kind !== config.cloud) {
    throw new Error(`This release belongs to profile "${config.profile}" (${config.cloud}), not "${p.name}" (${p.kind}).`);
  }
}

async function checkArtifactUnchanged(record: ReleaseRecord, index: number): Promise<void> {
  const a = record.artifact;
  if (!a || index <= STEP_IDS.indexOf('locate')) return;
  const s = await stat(a.path).catch(() => undefined);
  if (!s) throw new StaleReleaseError(`${a.relPath} is gone since release ${record.id} started; start a new release.`);
  if (s.size !== a.size || s.mtimeMs !== a.mtimeMs) {
    throw new StaleReleaseError(`${a.relPath} changed since release ${record.id} started (rebuilt?); resuming would publish a different image as ${record.version?.value ?? 'the same version'}. Start a new release.`);
  }
}

async function runFrom(record: ReleaseRecord, from: number, deps: ReleaseDeps, outer?: AbortSignal, opts: RunOptions = {}): Promise<ReleaseRecord> {
  const now = deps.now ?? Date.now;
  const signal = outer ?? new AbortController().signal;
  const emit = (e: ReleaseEvent) => {
    try {
      deps.onEvent?.(e);
    } catch {
      /* a listener's bug must not break the release */
    }
  };
  const save = async () => {
    record.updatedAt = now();
    await deps.store.save(record);
  };
  const tap = new SerialTap(deps.serial);
  const ctx: StepContext = { record, config: record.config, deps, signal, tap, step: record.steps[from], now, emit, save };
  try {
    for (let i = from; i < STEPS.length; i++) {
      const def = STEPS[i];
      const step = record.steps[i];
      ctx.step = step;
      const title = STEP_TITLES[def.id];
      if (signal.aborted) return await stop(ctx, i, 'canceled');
      step.status = 'running';
      step.attempts++;
      step.startedAt = now();
      delete step.endedAt;
      delete step.durationMs;
      delete step.summary;
      delete step.reused;
      await save();
      emit({ type: 'step', at: step.startedAt, step: def.id, title, status: 'started' });
      if (signal.aborted) return await stop(ctx, i, 'canceled');
      try {
        const out = await def.run(ctx);
        // A finished cloud step's effect exists (uploaded, registered, started): keep it and stop before the next.
        if (signal.aborted && def.effect === 'local') return await stop(ctx, i, 'canceled');
        step.status = out.skipped ? 'skipped' : 'done';
        step.summary = out.summary;
        if (out.reused) step.reused = true;
        finish(step, now());
        await save();
        emit({ type: 'step', at: step.endedAt!, step: def.id, title, status: out.skipped ? 'skipped' : 'done', summary: out.summary, reused: out.reused, durationMs: step.durationMs });
        if (opts.stopAfter === def.id && i < STEPS.length - 1) {
          const next = STEPS[i + 1].id;
          record.status = 'stopped';
          record.resumeAt = next;
          record.note = `Stopped after "${title}" as asked: a resume continues at "${STEP_TITLES[next]}".`;
          await save();
          emit({ type: 'release', at: now(), status: 'stopped', message: record.note, record });
          return record;
        }
      } catch (e) {
        return await stop(ctx, i, isCancel(e, signal) ? 'canceled' : 'failed', e);
      }
    }
    record.status = 'passed';
    await save();
    emit({ type: 'release', at: now(), status: 'passed', message: record.steps.at(-1)!.summary ?? 'PASSED', record });
    return record;
  } finally {
    tap.dispose();
  }
}

const PENDING_PUBLISH_WAIT_MS = 10_000;

function finish(step: ReleaseRecord['steps'][number], at: number): void {
  step.endedAt = at;
  step.durationMs = at - (step.startedAt ?? at);
}

async function stop(ctx: StepContext, i: number, how: 'canceled' | 'failed', error?: unknown): Promise<ReleaseRecord> {
  const { record, now, emit } = ctx;
  const def = STEPS[i];
  const step = record.steps[i];
  const title = STEP_TITLES[def.id];
  if (step.status === 'running') finish(step, now());
  step.status = how;
  record.status = how;
  record.resumeAt = how === 'failed' ? ((error as { resumeAt?: StepId })?.resumeAt ?? def.id) : def.id;
  // A publish still settling (an upload whose bytes were all sent) may yet report where the image
  // is, for the resume to register instead of uploading again: wait for it, briefly.
  if (ctx.pendingPublish) await Promise.race([ctx.pendingPublish, new Promise((r) => setTimeout(r, PENDING_PUBLISH_WAIT_MS).unref())]);
  const left = def.halfDone(ctx);
  if (how === 'canceled') {
    step.reason = `Cancelled during "${title}".`;
    step.action = `Re-run to continue: ${left}`;
    record.note = `Cancelled during "${title}". ${left}`;
  } else {
    const { reason, action } = explain(error, def.action);
    step.reason = reason;
    step.action = action;
    record.note = `"${title}" failed: ${reason} ${left}`;
  }
  await ctx.save();
  emit({ type: 'step', at: now(), step: def.id, title, status: how, reason: step.reason, action: step.action, durationMs: step.durationMs });
  emit({ type: 'release', at: now(), status: how, message: record.note!, record });
  return record;
}
