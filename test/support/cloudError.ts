// The CloudError a call rejects with, recognised by its shape (isCloudError), never by instanceof:
// the provider may come from another bundle.
import { strict as assert } from 'assert';
import { isCloudError, type CloudErrorShape } from '../../src/core/errors';

/** The CloudError `p` rejects with; fails when it resolves or rejects with anything else. */
export async function cloudErrorOf(p: Promise<unknown>): Promise<CloudErrorShape> {
  const e = await p.then(
    (v) => assert.fail(`resolved with ${JSON.stringify(v)?.slice(0, 200)}, expected a CloudError`),
    (x: unknown) => x,
  );
  assert.ok(isCloudError(e), `a CloudError by shape, not ${String(e)}`);
  return e;
}
