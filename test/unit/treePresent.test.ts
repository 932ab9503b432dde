import { strict as assert } from 'assert';
import { EXECUTION_STATUSES, type Execution, type Job } from '../../src/core/model';
import {
  describeExecution, describeJob, escapeMarkdown, executionFields, fieldsMarkdown, formatWhen, lookOfExecution, lookOfJob, lookOfVersion,
} from '../../src/vscode/tree/present';

const exec = (over: Partial<Execution>): Execution => ({ cloud: 'aws', jobId: 'j1', target: 'bench-01', status: 'queued', rawStatus: 'QUEUED', ...over });

describe('tree presentation', () => {
  it('colours statuses: succeeded green, failed red, in progress spinning, unknown a question mark', () => {
    assert.deepEqual(lookOfExecution('succeeded'), { icon: 'pass', color: 'charts.green' });
    assert.equal(lookOfExecution('failed').color, 'charts.red');
    assert.equal(lookOfExecution('rejected').color, 'charts.red');
    assert.equal(lookOfExecution('timed-out').color, 'charts.red');
    assert.match(lookOfExecution('in-progress').icon, /~spin$/);
    assert.match(lookOfJob('in-progress').icon, /~spin$/);
    assert.equal(lookOfJob('completed').color, 'charts.green');
    assert.equal(lookOfVersion('published').color, 'charts.green');
    assert.equal(lookOfVersion('draft').icon, 'circle-large-outline');
    assert.equal(lookOfVersion('deprecated').icon, 'archive');
    assert.equal(lookOfExecution('bogus' as never).icon, 'question');
    for (const s of EXECUTION_STATUSES) assert.ok(lookOfExecution(s).icon, s);
  });

  it('descriptions carry the raw status, progress or the device reason, and the date', () => {
    const d = new Date(2025, 10, 22, 14, 5);
    assert.equal(formatWhen(d), '2025-11-22 14:05');
    assert.equal(formatWhen(undefined), '');
    assert.equal(describeExecution(exec({ status: 'in-progress', rawStatus: 'IN_PROGRESS', progress: 42.4, updatedAt: d })), 'IN_PROGRESS · 42% · 2025-11-22 14:05');
    assert.equal(describeExecution(exec({ status: 'succeeded', rawStatus: 'SUCCEEDED', statusDetails: { reason: 'accepted  v1.2.3' }, reason: 'accepted  v1.2.3' })), 'SUCCEEDED · accepted  v1.2.3');
    const job: Job = { cloud: 'aws', id: 'verify-1', status: 'in-progress', rawStatus: 'IN_PROGRESS', kind: 'verify', createdAt: d };
    assert.equal(describeJob(job), 'IN_PROGRESS · verify · 2025-11-22 14:05');
  });

  it('tooltips escape cloud and device strings (no links, HTML or emphasis from untrusted text)', () => {
    const evil = '<img src=x onerror=alert(1)> [click](command:evil) **bold** `code`';
    const esc = escapeMarkdown(evil);
    assert.ok(!/(^|[^\\])[<[*`]/.test(esc), esc);
    const md = fieldsMarkdown(executionFields(exec({ target: evil, statusDetails: { reason: 'line1\nline2' } })));
    assert.ok(md.includes('**Target:** \\<img src=x onerror=alert\\(1\\)\\>'), md);
    assert.ok(!md.includes('](command:'), md);
    assert.ok(md.includes('line1 line2'), 'newlines in values cannot start new Markdown blocks');
    assert.ok(!md.includes('Progress'), 'empty fields are left out');
  });
});
