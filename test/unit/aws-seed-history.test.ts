// The demo's emulated history, read back the way the Clouds tree reads it: the real IoT SDK, small
// pages, status filters.
import { strict as assert } from 'assert';
import { IoTClient, ListJobExecutionsForJobCommand, ListJobExecutionsForThingCommand, ListJobsCommand, ListPackageVersionsCommand, ListPackagesCommand, type JobExecutionStatus, type JobStatus } from '@aws-sdk/client-iot';
import { startAwsEmulator, type AwsEmulator } from '../bench/aws-emulator';
import { seedHistory, type SeededHistory } from '../bench/aws-emulator/seed';

describe('aws emulator: demo history (seedHistory)', function () {
  this.timeout(30_000);
  const now = new Date('2026-11-30T09:00:00Z');
  let aws: AwsEmulator;
  let iot: IoTClient;
  let history: SeededHistory;

  before(async () => {
    aws = await startAwsEmulator();
    iot = new IoTClient({ region: aws.region, endpoint: aws.endpoint, credentials: aws.credentials, maxAttempts: 1 });
    history = await seedHistory(aws, { now });
  });
  after(async () => {
    iot.destroy();
    await aws.close();
  });

  /** Every job id in the listing, 7 at a time. */
  async function allJobs(status?: JobStatus): Promise<{ jobId: string; status: string; createdAt: Date }[]> {
    const out: { jobId: string; status: string; createdAt: Date }[] = [];
    let nextToken: string | undefined;
    do {
      const page = await iot.send(new ListJobsCommand({ maxResults: 7, nextToken, status }));
      assert.ok((page.jobs ?? []).length <= 7);
      out.push(...(page.jobs ?? []).map((j) => ({ jobId: j.jobId!, status: j.status!, createdAt: j.createdAt! })));
      nextToken = page.nextToken;
    } while (nextToken);
    return out;
  }

  it('lists a few dozen jobs over paged ListJobs, newest first, none twice, all in the weeks before `now`', async () => {
    const jobs = await allJobs();
    assert.equal(jobs.length, history.jobs.length);
    assert.ok(jobs.length >= 30, `${jobs.length} jobs`);
    assert.equal(new Set(jobs.map((j) => j.jobId)).size, jobs.length);
    const times = jobs.map((j) => j.createdAt.getTime());
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
    assert.ok(times.every((t) => t < now.getTime() && t > now.getTime() - 42 * 24 * 3600_000));
  });

  it('filters jobs by status: IN_PROGRESS, COMPLETED and CANCELED each present, adding up to all', async () => {
    const counts: Record<string, number> = {};
    for (const s of ['IN_PROGRESS', 'COMPLETED', 'CANCELED'] as const) {
      const listed = await allJobs(s);
      assert.ok(listed.length > 0, `some ${s} jobs`);
      assert.ok(listed.every((j) => j.status === s));
      counts[s] = listed.length;
    }
    assert.equal(counts.IN_PROGRESS + counts.COMPLETED + counts.CANCELED, history.jobs.length);
  });

  it('has executions in every state the tree shows, each findable by its status filter', async () => {
    const wanted: JobExecutionStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'QUEUED', 'REJECTED', 'IN_PROGRESS', 'CANCELED'];
    const seen = new Set<string>();
    for (const j of history.jobs) {
      for (const status of wanted.filter((s) => Object.values(j.executions).includes(s))) {
        const r = await iot.send(new ListJobExecutionsForJobCommand({ jobId: j.jobId, status, maxResults: 2 }));
        assert.ok((r.executionSummaries ?? []).length > 0 && r.executionSummaries!.every((e) => e.jobExecutionSummary?.status === status));
        seen.add(status);
      }
    }
    assert.deepEqual([...seen].sort(), [...wanted].sort());
  });

  it('has packages with DRAFT, PUBLISHED and DEPRECATED versions, filterable by status', async () => {
    const names = ((await iot.send(new ListPackagesCommand({ maxResults: 2 }))).packageSummaries ?? []).map((p) => p.packageName);
    assert.equal(names.length, 2, 'a page of 2');
    const statuses = new Set<string>();
    for (const p of history.packages) {
      for (const status of ['DRAFT', 'PUBLISHED', 'DEPRECATED'] as const) {
        const r = await iot.send(new ListPackageVersionsCommand({ packageName: p.name, status }));
        const listed = (r.packageVersionSummaries ?? []).map((v) => v.versionName).sort();
        const expected = Object.entries(p.versions).filter(([, s]) => s === status).map(([v]) => v).sort();
        assert.deepEqual(listed, expected, `${p.name} ${status}`);
        if (listed.length) statuses.add(status);
      }
    }
    assert.deepEqual([...statuses].sort(), ['DEPRECATED', 'DRAFT', 'PUBLISHED']);
  });

  it('leaves the bench thing nothing pending, so a new verify job does not queue behind history', async () => {
    const r = await iot.send(new ListJobExecutionsForThingCommand({ thingName: 'bench-board-01' }));
    const statuses = (r.executionSummaries ?? []).map((e) => e.jobExecutionSummary?.status);
    assert.ok(statuses.length > 0, 'the bench thing has some history');
    assert.ok(statuses.every((s) => s !== 'QUEUED' && s !== 'IN_PROGRESS'), `bench executions: ${statuses}`);
  });

  it('refuses a second seeding and an invalid `now`, saying why', async () => {
    await assert.rejects(seedHistory(aws, { now }), /already has the demo history/);
    const fresh = await startAwsEmulator();
    try {
      await assert.rejects(seedHistory(fresh, { now: new Date('not a date') }), /`now` must be a valid Date/);
      assert.equal(fresh.jobs.jobs.size, 0, 'nothing seeded');
    } finally {
      await fresh.close();
    }
  });
});
