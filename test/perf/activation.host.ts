// Bench suite run inside the real host (by test/perf/activation.bench.mjs): opens the OTA Bench
// view on a cold extension and records activate() start → the Clouds tree's first getChildren.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { OtaBenchApi } from '../../src/extension';
import { testEnv } from '../integration/support/env';
import { waitFor } from '../integration/support/wait';

describe('activation (bench)', () => {
  it('measures activation → first tree render', async () => {
    const ext = vscode.extensions.getExtension<OtaBenchApi>('ota-bench.ota-bench');
    assert.ok(ext, 'extension not found');
    assert.equal(ext.isActive, false, 'already active: this would not measure a cold activation');
    const revealed = performance.now();
    await vscode.commands.executeCommand('workbench.view.extension.otaBench');
    await waitFor('activation', () => ext.isActive, 20_000);
    const timing = ext.exports.timing;
    const firstRender = await waitFor('the first tree render', () => timing.firstRender, 20_000);
    const roots = await ext.exports.tree.getChildren();
    const out = {
      activateToFirstRenderMs: firstRender - timing.activateStart,
      activateMs: (timing.activateEnd ?? firstRender) - timing.activateStart,
      revealToFirstRenderMs: firstRender - revealed,
      rootNodes: roots.length,
    };
    fs.writeFileSync(path.join(testEnv().out, 'activation.json'), JSON.stringify(out));
    console.log(`activation → first render ${out.activateToFirstRenderMs.toFixed(1)} ms (reveal → first render ${out.revealToFirstRenderMs.toFixed(1)} ms, ${roots.length} nodes)`);
  });
});
