// Watch Rollout's pure part (core/release/rolloutWatch): the bounded rows of a big job, and the
// watch's life (done, stopped, replaced, cleared, failed) driven by a scripted snapshot stream.
import { strict as assert } from 'assert';
import { CloudError, countExecutions, type Execution, type ExecutionStatus, type Rollout } from '../../src/core/model';
import { boundedRollout, RolloutWatch, type WatchTarget } from '../../src/core/release/rolloutWatch';
import type { WatchView } from '../../src/shared/protocol';
import { checkWebviewMessage } from '../../src/vscode/monitor/messageCheck';

const exec = (target: string, status: ExecutionStatus): Execution => ({ cloud: 'aws', jobId: 'j1', target, status, rawStatus: status.toUpperCase() });

function snapshot(executions: Execution[], done = false, counts = countExecutions(executions)): Rollout {
  return { job: { cloud: 'aws', id: 'j1', status: done ? 'completed' : 'in-progress', rawStatus: done ? 'COMPLETED' : 'IN_PROGRESS' }, counts, executions, at: new Date(1000), done };
}

const TARGET: WatchTarget = { profile: 'p', cloud: 'aws', jobId: 'j1', jobNoun: 'job' };

/** A snapshot stream the test feeds one by one; it ends with the abort signal like the providers' watches. */
class Script {
  private queue: (Rollout | Error)[] = [];
  private wake?: () => void;
  signal?: AbortSignal;
  push(x: Rollout | Error): void {
    this.queue.push(x);
    this.wake?.();
  }
  async *watch(signal: AbortSignal): AsyncIterable<Rollout> {
    this.signal = signal;
    const aborted = new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    for (;;) {
      while (!this.queue.length) {
        await Promise.race([new Promise<void>((r) => (this.wake = r)), aborted]);
        if (signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      }
      const x = this.queue.shift()!;
      if (x instanceof Error) throw x;
      yield x;
    }
  }
}

const tick = () => new Promise((r) => setImmediate(r));

function watcher(max?: number) {
  const views: (WatchView | null)[] = [];
  const w = new RolloutWatch((v) => views.push(v), (e) => (e as Error).message, max);
  return { w, views, last: () => views[views.length - 1] };
}

describe('Watch Rollout: bounded rows', () => {
  it('a job of 5,000 devices shows 50 rows, failures then active ones first, with exact counts and "5,000 − 50" more', () => {
    const many: Execution[] = [];
    for (let i = 0; i < 4990; i++) many.push(exec(`dev-${String(i).padStart(4, '0')}`, i % 2 ? 'succeeded' : 'queued'));
    many.push(exec('zz-failed', 'failed'), exec('aa-progress', 'in-progress'), ...Array.from({ length: 8 }, (_, i) => exec(`t-${i}`, 'timed-out')));
    const b = boundedRollout(snapshot(many), 50);
    assert.equal(b.rollout.executions.length, 50);
    assert.equal(b.more, 4950);
    assert.deepEqual(b.rollout.counts, { queued: 2495, succeeded: 2495, failed: 1, 'in-progress': 1, 'timed-out': 8 });
    assert.deepEqual(b.rollout.executions.slice(0, 10).map((e) => e.target), ['zz-failed', ...Array.from({ length: 8 }, (_, i) => `t-${i}`), 'aa-progress']);
    assert.ok(b.rollout.executions.slice(10).every((e) => e.status === 'queued'), 'then queued; succeeded ones only when room is left');
  });

  it('counts a cloud reports beyond the listed devices count as "more"; a small job has none', () => {
    const b = boundedRollout(snapshot([exec('a', 'queued')], false, { queued: 700, succeeded: 300 }), 50);
    assert.equal(b.more, 999);
    assert.equal(boundedRollout(snapshot([exec('a', 'queued'), exec('b', 'succeeded')]), 50).more, 0);
  });
});

describe('Watch Rollout: the watch', () => {
  it('follows snapshots until the job is done, then ends "done" with the last counts', async () => {
    const { w, views } = watcher();
    const s = new Script();
    const end = w.start(TARGET, (sig) => s.watch(sig));
    assert.equal(views[0]?.state, 'watching');
    assert.equal(views[0]?.title, 'Watching job j1');
    s.push(snapshot([exec('a', 'in-progress'), exec('b', 'queued')]));
    await tick();
    assert.deepEqual(w.view?.rollout?.counts, { 'in-progress': 1, queued: 1 });
    assert.ok(w.isWatching);
    s.push(snapshot([exec('a', 'succeeded'), exec('b', 'failed')], true));
    const r = await end;
    assert.equal(r.view.state, 'done');
    assert.equal(r.error, undefined);
    assert.deepEqual(w.view?.rollout?.counts, { succeeded: 1, failed: 1 });
    assert.equal(w.isWatching, false);
  });

  it('Stop aborts the stream and keeps the last snapshot with why', async () => {
    const { w } = watcher();
    const s = new Script();
    const end = w.start(TARGET, (sig) => s.watch(sig));
    s.push(snapshot([exec('a', 'queued')]));
    await tick();
    w.stop('Stopped by you.');
    const r = await end;
    assert.equal(s.signal?.aborted, true);
    assert.equal(r.view.state, 'stopped');
    assert.equal(r.view.message, 'Stopped by you.');
    assert.deepEqual(w.view?.rollout?.counts, { queued: 1 });
  });

  it('a second watch replaces the first: the first stream is aborted and never shows again', async () => {
    const { w, views } = watcher();
    const s1 = new Script();
    const s2 = new Script();
    const end1 = w.start(TARGET, (sig) => s1.watch(sig));
    await tick();
    const end2 = w.start({ ...TARGET, jobId: 'j2' }, (sig) => s2.watch(sig));
    const r1 = await end1;
    assert.equal(s1.signal?.aborted, true);
    assert.equal(r1.view.state, 'stopped');
    assert.equal(w.view?.jobId, 'j2');
    assert.ok(views.every((v, i) => i === 0 || v?.jobId === 'j2'), 'after the first view, only j2 is shown');
    s2.push(snapshot([exec('x', 'succeeded')], true));
    assert.equal((await end2).view.state, 'done');
  });

  it('clear (panel closed, release started) stops the watch and removes the section for good', async () => {
    const { w, last } = watcher();
    const s = new Script();
    const end = w.start(TARGET, (sig) => s.watch(sig));
    w.clear('A release started.');
    await end;
    assert.equal(last(), null);
    assert.equal(w.view, null);
    assert.equal(w.isWatching, false);
  });

  it('a failing stream (job gone, credentials expired) ends "failed" with the error and says it', async () => {
    const { w } = watcher();
    const s = new Script();
    const end = w.start(TARGET, (sig) => s.watch(sig));
    s.push(new CloudError('Job j1 does not exist.', 'not-found'));
    const r = await end;
    assert.equal(r.view.state, 'failed');
    assert.match(r.view.message ?? '', /The watch stopped: Job j1 does not exist\./);
    assert.ok(r.error);
    assert.equal(w.isWatching, false);
    // A new watch after a failure works as before.
    const s2 = new Script();
    const end2 = w.start(TARGET, (sig) => s2.watch(sig));
    s2.push(snapshot([exec('a', 'succeeded')], true));
    assert.equal((await end2).view.state, 'done');
  });

  it('a stream that ends before the job is done says so (not "done")', async () => {
    const { w } = watcher();
    const r = await w.start(TARGET, async function* () {
      yield snapshot([exec('a', 'queued')]);
    });
    assert.equal(r.view.state, 'stopped');
    assert.match(r.view.message ?? '', /ended before the job was done/);
  });
});

describe('Watch Rollout: the pane\'s messages at the host', () => {
  it('Stop and Close are release commands the host accepts; anything else is rejected whole', () => {
    assert.deepEqual(checkWebviewMessage({ type: 'releaseCommand', command: 'stopWatch' }), { ok: true, message: { type: 'releaseCommand', command: 'stopWatch' } });
    assert.deepEqual(checkWebviewMessage({ type: 'releaseCommand', command: 'closeWatch', jobId: 'x' }), { ok: true, message: { type: 'releaseCommand', command: 'closeWatch' } }, 'unknown fields are dropped');
    const bad = checkWebviewMessage({ type: 'releaseCommand', command: 'watch otabench-other-job' });
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.error : '', /"command" must be one of .*stopWatch, closeWatch/);
  });
});
