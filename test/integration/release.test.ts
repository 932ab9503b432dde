// Quick Release in the real workbench: the demo firmware project in the opened folder, its "Build
// firmware" task, the AWS emulator (real SDK from the lazily loaded bundle, credentials through the
// SDK's own chain), the virtual board on a real pty selected as the serial port. The command is
// driven through its QuickPicks as a user answers them; the rollout pane is read back from the page.
import { strict as assert } from 'assert';
import { generateKeyPairSync } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ReleaseRecord } from '../../src/core/release';
import type { OtaBenchApi } from '../../src/extension';
import type { RolloutQueryResult, WatchView } from '../../src/shared/protocol';
import type { MonitorPanel } from '../../src/vscode/monitor/monitorPanel';
import type { BenchNode } from '../../src/vscode/tree/node';
import { startAwsEmulator, type AwsEmulator } from '../bench/aws-emulator';
import { AwsJobsAgent } from '../bench/board/agents/aws';
import { startBoard, type VirtualBoard } from '../bench/board/board';
import { useAwsProfileFiles } from './support/awsCredentials';
import { copyDemoProject, endRelease, readyForRelease, releaseToFleet } from './support/demoProject';
import { setDemoVersion } from '../support/demoVersion';
import { ESCAPE, withDialogs, type Answer } from './support/dialogs';
import { testEnv } from './support/env';
import { screenshot } from './support/screenshot';
import { revealWhenShown, waitFor, within } from './support/wait';

const EXT_ID = 'ota-bench.ota-bench';
const PROFILE = 'Bench emulator';
const AWS_PROFILE = 'ota-release-emu';
const env = testEnv();

describe('Quick Release (real workbench, AWS emulator, virtual board)', function () {
  this.timeout(180_000);
  let api: OtaBenchApi;
  let emu: AwsEmulator;
  let board: VirtualBoard;
  let monitor: MonitorPanel;
  let root: string;
  let restoreEnv = () => {};
  const copied: string[] = [];
  const cfg = () => vscode.workspace.getConfiguration('otaBench');

  const setVersion = (v: string) => setDemoVersion(root, v);

  const pane = (): Promise<RolloutQueryResult> => api.release.bridge.query(10_000);
  async function untilPane(what: string, ok: (q: RolloutQueryResult) => boolean): Promise<RolloutQueryResult> {
    let last: RolloutQueryResult | undefined;
    try {
      return await waitFor(what, async () => ((last = await pane()), ok(last) && last), 20_000, 200);
    } catch (e) {
      throw new Error(`${(e as Error).message}\npane text:\n${last?.text}`);
    }
  }

  before(async () => {
    api = await vscode.extensions.getExtension<OtaBenchApi>(EXT_ID)!.activate();
    // The demo firmware project, as a user's workspace (its settings below, through the API).
    root = copyDemoProject(copied, ['keys']);
    const trusted = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    fs.mkdirSync(path.join(root, 'keys'), { recursive: true });
    fs.writeFileSync(path.join(root, 'keys', 'demo-signing-key.pem'), trusted.privateKey.export({ type: 'pkcs8', format: 'pem' }));

    emu = await startAwsEmulator();
    emu.things.createGroup('fleet-eu');
    for (const t of ['fleet-eu-1', 'fleet-eu-2']) {
      emu.things.create(t);
      emu.things.addToGroup(t, 'fleet-eu');
    }
    const dir = fs.mkdtempSync(path.join(env.out, 'release-'));
    board = await startBoard({
      link: path.join(dir, 'ttyBENCH'),
      version: '1.5.9',
      logPeriodMs: 1500,
      trustedKeyPem: trusted.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      // Paced download (about 4 s for 4 MB), so the watch sees the board in progress as with a real one.
      agents: [new AwsJobsAgent({ mqttUrl: emu.mqttUrl, thingName: 'bench-board-01', statusEvery: 64, bytesPerSecond: 1_000_000 })],
    });
    restoreEnv = useAwsProfileFiles(dir, AWS_PROFILE, emu.credentials, emu.region);
    await cfg().update('profiles', [
      { ...emu.profile(PROFILE), awsProfile: AWS_PROFILE, signing: { mode: 'local-key', keyFile: 'keys/demo-signing-key.pem', certificateName: '/certs/demo-signing-pub.pem' } },
    ], vscode.ConfigurationTarget.Global);
    await readyForRelease(board.link, { 'release.jobTimeoutMinutes': 5 });
    await vscode.commands.executeCommand('otaBench.openMonitor');
    monitor = await waitFor('the monitor panel', () => api.monitor());
    await within('the monitor ready handshake', monitor.ready, 20_000);
  });

  after(async () => {
    await endRelease(api, board, { extraKeys: ['release.jobTimeoutMinutes'], beforeEditorsClose: () => monitor?.dispose() });
    await cfg().update('profiles', undefined, vscode.ConfigurationTarget.Global);
    await emu?.close();
    restoreEnv();
    for (const p of copied) fs.rmSync(p, { recursive: true, force: true });
  });

  /** The profile's Packages and Jobs folder nodes, as the Clouds view holds them. */
  async function folders(): Promise<{ packages: BenchNode; jobs: BenchNode }> {
    const profileNode = (await api.tree.getChildren()).find((n) => n.id.endsWith(PROFILE)) ?? (await api.tree.getChildren())[0];
    const kids = await api.tree.getChildren(profileNode);
    return { packages: kids.find((n) => n.id.endsWith('/packages'))!, jobs: kids.find((n) => n.id.endsWith('/jobs'))! };
  }
  const ids = async (n: BenchNode) => (await api.tree.getChildren(n)).map((c) => c.id);

  it('Quick Release through its two QuickPicks → PASSED; the pane shows the steps, the job, the verdict and the timeline', async () => {
    setVersion('1.6.0');
    // The folders were open and empty before the release…
    const open = await folders();
    assert.deepEqual((await ids(open.packages)).map((i) => i.replace(/.*\//, '')), ['#empty'], 'no packages yet');
    assert.deepEqual((await ids(open.jobs)).map((i) => i.replace(/.*\//, '')), ['#empty'], 'no jobs yet');
    const { result: r, dialogs } = await withDialogs([PROFILE, '$(tag) 1.6.0'], () => vscode.commands.executeCommand<ReleaseRecord | undefined>('otaBench.quickRelease'));
    assert.ok(r, 'the command returned the release');
    assert.equal(r.status, 'passed', `${r.note}\n${JSON.stringify(r.steps, null, 1)}`);
    assert.deepEqual(dialogs.events.filter((e) => e.kind === 'pick').map((e) => e.answer), [PROFILE, '$(tag) 1.6.0']);
    assert.ok(dialogs.events.some((e) => e.kind === 'message' && /PASSED: bench-demo-firmware 1\.6\.0/.test(e.text)), dialogs.events.map((e) => e.text).join('\n'));
    assert.equal(board.version, '1.6.0', 'the board runs the new image');
    assert.equal(r.steps.find((s) => s.id === 'build')!.summary, 'Build succeeded.');
    assert.match(api.release.statusBar.text, /1\.6\.0 PASSED/);

    const q = await untilPane('the verdict in the pane', (p) => /PASSED/.test(p.verdict ?? ''));
    assert.match(q.verdict!, /bench-board-01 succeeded and the board reported 1\.6\.0 on serial/);
    assert.match(q.verdict!, /firmware version 1\.6\.0/, 'the banner line is shown');
    assert.deepEqual(q.steps.map((s) => s.title), ['Build', 'Locate artifact', 'Read version', 'Hash and sign', 'Upload', 'Register version', 'Publish version', 'Start verify job', 'Watch job', 'Verdict']);
    assert.ok(q.steps.every((s) => s.status === 'done' || s.status === 'skipped'), JSON.stringify(q.steps));
    assert.ok(q.steps.filter((s) => s.status === 'done').every((s) => /\d+(\.\d)? (ms|s)$/.test(s.duration)), JSON.stringify(q.steps));
    assert.deepEqual(q.counts, { succeeded: 1 });
    assert.equal(q.executions.length, 1);
    assert.equal(q.executions[0][0], 'bench-board-01');
    assert.equal(q.executions[0][1], 'SUCCEEDED');
    assert.match(q.executions[0][2], /100%/);
    assert.ok(q.timelineRows > 10, `timeline rows: ${q.timelineRows}`);
    assert.match(q.text, /bench-board-01: IN_PROGRESS/, 'execution changes are in the timeline');
    assert.match(q.text, /ota: signature verified/, 'serial lines are in the timeline');
    assert.ok(q.buttons.some((b) => /Save Verify Bundle/.test(b.label) && !b.disabled));
    await screenshot('release-passed-monitor', 1200);

    // …and show what the release created without a manual refresh (the same folder nodes, reloaded).
    await waitFor('the new package in the open Packages folder', async () => (await ids(open.packages)).some((i) => i.endsWith('/package/bench-demo-firmware')));
    await waitFor('the verify job in the open Jobs folder', async () => (await ids(open.jobs)).some((i) => i.endsWith(r.job!.id)));

    // The Clouds view shows the verify job the release started.
    const profileNode = (await api.tree.getChildren()).find((n) => n.id.endsWith(PROFILE)) ?? (await api.tree.getChildren())[0];
    const jobs = (await api.tree.getChildren(profileNode)).find((n) => n.id.endsWith('/jobs'));
    assert.ok(jobs, 'the Jobs folder');
    const jobNode = await waitFor('the verify job in the tree', async () => (await api.tree.getChildren(jobs)).find((n) => n.id.endsWith(r.job!.id)));
    await revealWhenShown(api.view, jobNode, { select: true, focus: false, expand: true });
    await screenshot('release-passed-tree', 1200);
  });

  it('the view-title Refresh reloads every open folder (a job made elsewhere appears)', async () => {
    const open = await folders();
    const before = await ids(open.jobs);
    emu.seed.fleetJob('made-in-the-console', ['fleet-eu-1']);
    assert.deepEqual(await ids(open.jobs), before, 'a loaded list is not refetched behind the user\'s back');
    await vscode.commands.executeCommand('otaBench.refresh'); // the title button passes no node
    const now = await folders();
    await waitFor('the console\'s job after Refresh', async () => (await ids(now.jobs)).some((i) => i.endsWith('/job/made-in-the-console')));
  });

  it('Release to Fleet… after a pass: each input is checked as typed (AWS ranges), the fleet job gets the verified document and rollout', async () => {
    const verified = api.release.controller.record!;
    const answers: Answer[] = [
      PROFILE,
      '$(pass-filled) bench-demo-firmware 1.6.0',
      'fleet-eu, no such group!', // rejected: not a thing-group name
      'fleet-nowhere', // a valid name, but no such group: asked again before anything else
      'fleet-eu',
      'Exponential rate',
      '5000', // rejected: more than 1000 per minute
      '100',
      '10',
      '7', // rejected: factor above 5
      '1.5',
      '5',
      'Cancel the job when failed passes a threshold',
      '150', // rejected: not a percentage
      '20',
      '10',
      '30',
      'otabench-fleet-1_6_0-it',
      'Start Fleet Job',
    ];
    const { job, dialogs } = await releaseToFleet(answers, 4);
    assert.equal(job.id, 'otabench-fleet-1_6_0-it');
    assert.match(dialogs.rejections[1], /between 1 and 1000/);
    assert.match(dialogs.rejections[2], /between 1.1 and 5/);
    assert.match(dialogs.rejections[3], /percentage from 0 to 100/);
    const created = emu.jobs.job('otabench-fleet-1_6_0-it');
    assert.deepEqual(created.targets, [emu.things.group('fleet-eu').thingGroupArn]);
    assert.deepEqual(created.jobExecutionsRolloutConfig, { maximumPerMinute: 100, exponentialRate: { baseRatePerMinute: 10, incrementFactor: 1.5, rateIncreaseCriteria: { numberOfSucceededThings: 5 } } });
    assert.deepEqual(created.abortConfig?.criteriaList, [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: 20, minNumberOfExecutedThings: 10 }]);
    assert.equal(created.timeoutConfig?.inProgressTimeoutInMinutes, 30);
    assert.equal(created.document, emu.jobs.job(verified.job!.id).document, 'the document the bench verified');
    assert.deepEqual(created.destinationPackageVersions, [verified.publish!.arn]);
    const reasked = dialogs.events.filter((e) => e.kind === 'input' && /Thing groups/.test(e.text));
    assert.equal(reasked.length, 3);
    assert.match(reasked[2].text, /fleet-nowhere does not exist/);
    assert.equal(reasked[2].value, 'fleet-nowhere', 'the typed value is kept');
    // A re-run offers the last answers.
    const again = await withDialogs([PROFILE, '$(pass-filled) bench-demo-firmware 1.6.0', ESCAPE], () => vscode.commands.executeCommand('otaBench.releaseToFleet'));
    assert.equal(again.dialogs.events.find((e) => /Thing groups/.test(e.text))?.value, 'fleet-eu');
    assert.deepEqual(api.release.store.fleetAnswers('aws'), {
      targets: 'fleet-eu', rate: 'exponential', maximumPerMinute: 100, baseRatePerMinute: 10, incrementFactor: 1.5, succeededToRaise: 5,
      abort: 'FAILED', thresholdPercentage: 20, minNumberOfExecutedThings: 10, inProgressTimeoutInMinutes: 30,
    });
  });

  it('Watch Rollout on a job node follows it in the pane beside the release (exact counts, bounded rows), Stop/replace/close end it; a job that is gone fails clearly', async () => {
    const released = (await pane()).verdict;
    assert.match(released ?? '', /PASSED/);
    const { jobs } = await folders();
    await vscode.commands.executeCommand('otaBench.refresh', jobs);
    const node = await waitFor('the fleet job in Jobs', async () => (await api.tree.getChildren(jobs)).find((n) => n.id.endsWith('/job/otabench-fleet-1_6_0-it')));
    // Not under withDialogs: the watches overlap, and a patched window must be restored in order.
    const first = vscode.commands.executeCommand<WatchView | undefined>('otaBench.watchRollout', node);
    let q = await untilPane('the watched fleet job', (p) => p.watch?.counts.queued === 2);
    assert.equal(q.watch!.title, 'Watching job otabench-fleet-1_6_0-it');
    assert.equal(q.watch!.status, 'Watching');
    assert.deepEqual(q.watch!.executions.map((e) => e.slice(0, 2)), [['fleet-eu-1', 'QUEUED'], ['fleet-eu-2', 'QUEUED']]);
    assert.equal(q.watch!.more, undefined, 'a small job shows every device');
    assert.ok(q.buttons.some((b) => b.label === 'Stop'));
    assert.equal(q.verdict, released, 'the release stays in the pane as it was');

    // A second watch (by profile and id, as the fleet message's button runs it) replaces the first.
    const many = Array.from({ length: 60 }, (_, i) => `fleet-big-${String(i).padStart(2, '0')}`);
    emu.seed.fleetJob('otabench-watch-big', many);
    const second = vscode.commands.executeCommand<WatchView | undefined>('otaBench.watchRollout', { profile: PROFILE, jobId: 'otabench-watch-big' });
    const replaced = await within('the first watch ends', first, 20_000);
    assert.equal(replaced?.state, 'stopped');
    assert.match(replaced?.message ?? '', /Replaced by another watch/);
    q = await untilPane('the big job in the pane', (p) => p.watch?.counts.queued === 60);
    assert.equal(q.watch!.title, 'Watching job otabench-watch-big');
    assert.equal(q.watch!.executions.length, 50, 'the table is bounded');
    assert.deepEqual(q.watch!.executions[0].slice(0, 2), ['fleet-big-00', 'QUEUED']);
    assert.match(q.watch!.more ?? '', /and 10 more/);
    await screenshot('watch-rollout-monitor', 1200);

    // Stop in the pane (a message the host checks) ends the watch; the last snapshot stays, with Close.
    await api.release.bridge.query(10_000, 'watchStop');
    const stopped = await within('the stopped watch', second, 20_000);
    assert.equal(stopped?.state, 'stopped');
    q = await untilPane('the stopped watch in the pane', (p) => p.watch?.status === 'Stopped');
    assert.equal(q.watch!.counts.queued, 60);
    assert.ok(q.buttons.some((b) => b.label === 'Close') && !q.buttons.some((b) => b.label === 'Stop'));
    assert.equal(api.release.watcher.watch.isWatching, false);

    // A job that no longer exists: the cloud's message in a notification and in the pane, nothing left running.
    const gone = await withDialogs([], () => vscode.commands.executeCommand<WatchView | undefined>('otaBench.watchRollout', { profile: PROFILE, jobId: 'otabench-no-such-job' }));
    assert.equal(gone.result?.state, 'failed');
    const said = gone.dialogs.events.find((e) => e.kind === 'message' && /Could not watch the rollout of job otabench-no-such-job/.test(e.text));
    assert.ok(said, gone.dialogs.events.map((e) => e.text).join('\n'));
    q = await untilPane('the failed watch in the pane', (p) => p.watch?.status === 'Failed');
    assert.match(q.watch!.message ?? '', /The watch stopped: .*otabench-no-such-job/);
    assert.ok(!q.buttons.some((b) => b.label === 'Stop'), 'not stuck watching');
    await api.release.bridge.query(10_000, 'watchClose');
    q = await untilPane('the section closed', (p) => p.watch === undefined);
    assert.equal(q.verdict, released);

    // Closing the monitor ends a running watch; the monitor opens again without it.
    const third = vscode.commands.executeCommand<WatchView | undefined>('otaBench.watchRollout', node);
    await untilPane('the watch running again', (p) => p.watch?.status === 'Watching');
    monitor.panel.dispose();
    const closed = await within('the watch ends with the panel', third, 20_000);
    assert.equal(closed?.state, 'stopped');
    assert.equal(api.release.watcher.watch.view, null);
    await vscode.commands.executeCommand('otaBench.openMonitor');
    monitor = await waitFor('the monitor panel again', () => api.monitor());
    await within('the monitor ready handshake', monitor.ready, 20_000);
    assert.equal((await pane()).watch, undefined);
  });

  it('a build error → FAILED at "Build" with the compiler\u2019s message and a Show Problems action; Resume after the fix passes', async () => {
    setVersion('1.6.1');
    const main = path.join(root, 'src', 'main.c');
    const source = fs.readFileSync(main, 'utf8');
    fs.writeFileSync(main, `${source}\n#error not yet\n`);
    try {
      const { result: r, dialogs } = await withDialogs([PROFILE, '$(tag) 1.6.1'], () => vscode.commands.executeCommand<ReleaseRecord | undefined>('otaBench.quickRelease'));
      assert.ok(r);
      assert.equal(r.status, 'failed');
      const build = r.steps.find((s) => s.id === 'build')!;
      assert.equal(build.status, 'failed');
      assert.match(build.reason!, /src\/main\.c:\d+:\d+: #error not yet/, build.reason);
      const msg = dialogs.events.find((e) => e.kind === 'message' && /failed at "Build"/.test(e.text));
      assert.ok(msg, dialogs.events.map((e) => e.text).join('\n'));
      assert.equal(r.steps.filter((s) => s.status !== 'pending').length, 1, 'nothing ran after the build');
      const q = await untilPane('the failed build in the pane', (p) => p.steps[0]?.status === 'failed');
      assert.match(q.text, /#error not yet/);
      assert.ok(q.buttons.some((b) => b.label === 'Resume'), JSON.stringify(q.buttons));
      await screenshot('release-build-failed-monitor', 1200);
    } finally {
      fs.writeFileSync(main, source);
    }
    const { result: resumed } = await withDialogs([], () => vscode.commands.executeCommand<ReleaseRecord | undefined>('otaBench.resumeRelease'));
    assert.equal(resumed?.status, 'passed', resumed?.note);
    assert.equal(resumed!.steps.find((s) => s.id === 'build')!.attempts, 2);
    assert.equal(board.version, '1.6.1');
  });

  it('Save Verify Bundle writes the record, the job snapshots, the serial log and the timeline', async () => {
    const target = fs.mkdtempSync(path.join(env.out, 'bundle-'));
    const folder = await vscode.commands.executeCommand<string | undefined>('otaBench.saveVerifyBundle', vscode.Uri.file(target));
    assert.ok(folder && fs.existsSync(folder), 'the bundle folder');
    const files = fs.readdirSync(folder).sort();
    assert.deepEqual(files, ['README.txt', 'job-document.json', 'job-snapshots.json', 'release.json', 'serial.log', 'timeline.log']);
    assert.match(fs.readFileSync(path.join(folder, 'serial.log'), 'utf8'), /firmware version 1\.6\.1/);
    assert.ok(JSON.parse(fs.readFileSync(path.join(folder, 'job-snapshots.json'), 'utf8')).length >= 2);
    assert.match(fs.readFileSync(path.join(folder, 'README.txt'), 'utf8'), /Verdict {4}PASSED/);
  });

  it('Start Verify Job from the Clouds tree runs the same verify: the job first in Jobs, the rollout and a PASSED verdict in the pane', async () => {
    // The board runs 1.6.1 now: verifying the published 1.6.0 from its version node installs it again.
    const profileNode = (await api.tree.getChildren()).find((n) => n.id === `profile/${PROFILE}`);
    assert.ok(profileNode, 'the profile in the tree');
    const folders = await api.tree.getChildren(profileNode);
    const packages = folders.find((n) => n.id.endsWith('/packages'))!;
    const pkg = (await api.tree.getChildren(packages)).find((n) => n.id.endsWith('/package/bench-demo-firmware'));
    assert.ok(pkg, 'the released package in the tree');
    const version = (await api.tree.getChildren(pkg)).find((n) => (n as unknown as { item?: { version?: string } }).item?.version === '1.6.0');
    assert.ok(version, 'version 1.6.0 in the tree');
    const { result: job, dialogs } = await withDialogs([], () => vscode.commands.executeCommand<{ id: string } | undefined>('otaBench.startVerifyJob', version));
    assert.ok(job, dialogs.events.map((e) => e.text).join('\n'));
    assert.deepEqual(emu.jobs.job(job.id).targets, [emu.things.things.get('bench-board-01')!.thingArn]);
    const jobs = folders.find((n) => n.id.endsWith('/jobs'))!;
    assert.equal((await api.tree.getChildren(jobs))[0]?.id, `${jobs.id}/job/${job.id}`, 'the new job is first in Jobs');

    const r = await within('the verify started from the tree', api.release.controller.whenIdle(), 120_000);
    assert.equal(r?.status, 'passed', r?.note);
    assert.equal(r?.job?.id, job.id);
    assert.equal(board.version, '1.6.0', 'the board runs the verified image');
    const q = await untilPane('the tree-started verdict in the pane', (p) => /reported 1\.6\.0 on serial/.test(p.verdict ?? ''));
    assert.match(q.verdict!, /PASSED/);
    assert.deepEqual(q.steps.map((st) => st.status), ['skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'done', 'done', 'done']);
    assert.deepEqual(q.executions.map((e) => e.slice(0, 2)), [['bench-board-01', 'SUCCEEDED']]);
    assert.match(q.text, /bench-board-01: IN_PROGRESS/, 'the rollout reached the timeline');
  });

  it('Cancel Release during the watch stops it, says what is left on the cloud, and the pane offers Resume', async () => {
    setVersion('1.6.2');
    board.setFault('download-timeout', true);
    try {
      const started = withDialogs([PROFILE, '$(tag) 1.6.2'], () => vscode.commands.executeCommand<ReleaseRecord | undefined>('otaBench.quickRelease'));
      await untilPane('the watch step running', (p) => p.steps.find((s) => s.title === 'Watch job')?.status === 'running');
      const canceled = await vscode.commands.executeCommand<ReleaseRecord | undefined>('otaBench.cancelRelease');
      const { result: r } = await started;
      assert.equal(canceled?.status, 'canceled');
      assert.equal(r?.status, 'canceled');
      assert.match(r!.note!, /keeps running on the cloud/);
      const q = await untilPane('the cancelled release', (p) => /Cancelled/.test(p.text));
      assert.ok(q.buttons.some((b) => b.label === 'Resume'));
    } finally {
      board.setFault('download-timeout', false);
    }
  });

  it('Get Started: the walkthrough leads profile → port → Quick Release, each step with its page', async () => {
    const ext = vscode.extensions.getExtension(EXT_ID)!;
    const walkthrough = (ext.packageJSON.contributes.walkthroughs as { id: string; steps: { id: string; media: { markdown: string }; completionEvents: string[] }[] }[])[0];
    assert.equal(walkthrough.id, 'otaBench.getStarted');
    assert.deepEqual(walkthrough.steps.map((st) => st.id), ['profile', 'port', 'release']);
    for (const st of walkthrough.steps) assert.ok(fs.existsSync(path.join(ext.extensionPath, st.media.markdown)), st.media.markdown);
    assert.deepEqual(walkthrough.steps[2].completionEvents, ['onCommand:otaBench.quickRelease', 'onContext:otaBench.releasePassed']);
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('otaBench.getStarted');
    await screenshot('release-walkthrough', 2000);
  });
});
