// The README's "What each cloud can do" and the manifest's profile schema are written from the
// descriptors; this fails when either is stale (run `npm run docs:clouds`).
import { strict as assert } from 'assert';
import { current, readmeTable, render } from '../support/cloudDocs';
import { descriptorOf } from '../../src/core/clouds/registry';

describe('README and manifest describe each cloud from its descriptor', () => {
  it('are up to date (npm run docs:clouds rewrites them)', () => {
    const now = current();
    const want = render(now);
    assert.equal(now.readme, want.readme, 'README.md is stale: run npm run docs:clouds');
    assert.equal(now.pkg, want.pkg, 'package.json is stale: run npm run docs:clouds');
  });

  it('the table follows a capability change, and the manifest lists every profile field', () => {
    const d = descriptorOf('huawei');
    const saved = d.capabilities;
    try {
      (d as { capabilities: ReadonlySet<string> }).capabilities = new Set(['browse', 'release', 'retry-job']);
      assert.match(readmeTable(), /\| Retry a job \| — \| yes \| — \|/);
      assert.notEqual(render(current()).readme, current().readme, 'a stale README is noticed');
    } finally {
      (d as { capabilities: ReadonlySet<string> }).capabilities = saved;
    }
    const props = JSON.parse(current().pkg).contributes.configuration;
    const profiles = (Array.isArray(props) ? props : [props]).find((c: { properties: Record<string, unknown> }) => c.properties['otaBench.profiles']).properties['otaBench.profiles'];
    for (const kind of ['aws', 'huawei', 'aliyun'] as const) for (const f of descriptorOf(kind).profileFields) assert.ok(profiles.items.properties[f.key], `${kind}.${f.key}`);
  });
});
