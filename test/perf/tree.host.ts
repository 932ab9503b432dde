// Bench suite run inside the real host (by test/perf/tree.bench.mjs): the AWS emulator runs as its
// own process with 1,000 jobs; this measures what the user waits for when expanding the tree —
// the AWS bundle + provider on first expansion, then the first page of jobs and packages through
// the provider, the paged node layer and getTreeItem, cold and warm.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { OtaBenchApi } from '../../src/extension';
import type { BenchNode } from '../../src/vscode/tree/node';
import { testEnv } from '../integration/support/env';
import { waitFor } from '../integration/support/wait';

const WARM_RUNS = 15;

async function render(api: OtaBenchApi, node: BenchNode): Promise<vscode.TreeItem[]> {
  const kids = await api.tree.getChildren(node);
  return Promise.all(kids.map((k) => api.tree.getTreeItem(k)));
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

describe('tree (bench)', () => {
  it('measures the first tree page from the AWS emulator', async function () {
    this.timeout(120_000);
    // The runner passes the emulator's credentials as an AWS shared-credentials file (the SDK chain reads it).
    const files = vscode.workspace.getConfiguration('otaBenchTest').get<{ credentials: string; config: string }>('awsFiles');
    assert.ok(files, 'otaBenchTest.awsFiles is not set');
    process.env.AWS_SHARED_CREDENTIALS_FILE = files.credentials;
    process.env.AWS_CONFIG_FILE = files.config;
    process.env.AWS_EC2_METADATA_DISABLED = 'true';

    const ext = vscode.extensions.getExtension<OtaBenchApi>('ota-bench.ota-bench');
    assert.ok(ext);
    const api = await ext.activate();
    const bundleLoaded = () => Object.keys(require.cache).some((k) => k.endsWith(path.join('dist', 'clouds', 'aws.js')));
    const lazyBefore = !bundleLoaded();
    const roots = await waitFor('the AWS profile node', async () => {
      const r = await api.tree.getChildren();
      return r.length > 0 && r;
    });
    const profile = roots[0];

    const expand = await timed(() => api.tree.getChildren(profile));
    const [packages, jobs] = expand.value;
    const cold = await timed(() => render(api, jobs));
    assert.equal(cold.value.length, 52, 'first page of 50 jobs + Load more + Load all');
    const coldPackages = await timed(() => render(api, packages));

    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      api.tree.refresh(jobs);
      const t = await timed(() => render(api, jobs));
      assert.equal(t.value.length, 52);
      warm.push(t.ms);
    }
    const out = {
      lazyBefore,
      loadedAfter: bundleLoaded(),
      expandProfileMs: expand.ms,
      firstJobsPageColdMs: cold.ms,
      firstPackagesPageMs: coldPackages.ms,
      firstJobsPageWarmMedianMs: median(warm),
      firstJobsPageWarmMaxMs: Math.max(...warm),
      warmRuns: WARM_RUNS,
    };
    fs.writeFileSync(path.join(testEnv().out, 'tree.json'), JSON.stringify(out));
    console.log(`tree bench: ${JSON.stringify(out)}`);
  });
});
