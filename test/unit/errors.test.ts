// Errors recognised by shape across bundles: isCloudError accepts a CloudError from another copy of
// the class (as dist/clouds/aws.js throws them to dist/extension.js) and rejects look-alikes; the
// lint rule bans `instanceof` on core's error classes in src/.
import { strict as assert } from 'assert';
import { join } from 'path';
import { ESLint } from 'eslint';
import { CloudError, isCloudError, isCloudErrorCode, isNamedError, type CloudErrorCode } from '../../src/core/errors';
import { CloudError as FromModel, isCloudError as fromModel } from '../../src/core/model';

/** The same class as another bundle defines it: same shape, a different constructor. */
class OtherBundleCloudError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly hint?: string,
    readonly cloudCode?: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'CloudError';
  }
}

const ROOT = join(__dirname, '..', '..');

describe('isCloudError (by shape, across bundles)', () => {
  it('model.ts re-exports the one class and function', () => {
    assert.equal(FromModel, CloudError);
    assert.equal(fromModel, isCloudError);
  });

  it('accepts a CloudError from another bundle, which instanceof rejects', () => {
    const e = new OtherBundleCloudError('Reading job j1: cannot be found', 'not-found', undefined, 'ResourceNotFoundException');
    assert.equal(e instanceof CloudError, false);
    assert.equal(isCloudError(e), true);
    assert.equal(isCloudErrorCode(e, 'not-found'), true);
    assert.equal(isCloudErrorCode(e, 'already-exists', 'invalid'), false);
    for (const code of ['credentials', 'throttled', 'unavailable', 'canceled'] satisfies CloudErrorCode[]) {
      assert.equal(isCloudError(new OtherBundleCloudError('x', code)), true, code);
    }
    assert.equal(isCloudError(new CloudError('own', 'invalid')), true);
  });

  it('rejects look-alikes: another name, an unknown code, a Node system error, non-errors', () => {
    assert.equal(isCloudError(new OtherBundleCloudError('x', 'ENOENT')), false, 'unknown code');
    assert.equal(isCloudError(new OtherBundleCloudError('x', '')), false, 'empty code');
    const sys = Object.assign(new Error('not found'), { code: 'not-found' });
    assert.equal(isCloudError(sys), false, 'name is Error');
    assert.equal(isCloudError({ name: 'CloudError', code: 'not-found' }), false, 'no message');
    assert.equal(isCloudError({ name: 'CloudError', code: 'not-found', message: 'm', hint: 42 }), false, 'a hint that is not text');
    for (const v of [undefined, null, 'CloudError', 42, {}]) assert.equal(isCloudError(v), false, String(v));
  });

  it('isNamedError recognises the other core errors by name', () => {
    const e = Object.assign(new Error('bad key'), { name: 'SigningError', code: 'encrypted' });
    assert.equal(isNamedError(e, 'SigningError'), true);
    assert.equal(isNamedError(e, 'StepFailure'), false);
    assert.equal(isNamedError({ name: 'SigningError' }, 'SigningError'), false, 'no message');
  });
});

describe('lint: no instanceof on error classes shared across bundles', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: ROOT });
  const lint = async (code: string) => (await eslint.lintText(code, { filePath: join(ROOT, 'src/core/release/lintProbe.ts') }))[0].messages;

  it('flags instanceof CloudError / StepFailure / SigningError in src, pointing to isCloudError', async () => {
    const messages = await lint(
      [
        "import { CloudError } from '../model';",
        "import { StepFailure } from './errors';",
        "import { SigningError } from '../signing';",
        'export const a = (e: unknown) => e instanceof CloudError;',
        'export const b = (e: unknown) => e instanceof StepFailure;',
        'export const c = (e: unknown) => e instanceof SigningError;',
        '',
      ].join('\n'),
    );
    const hits = messages.filter((m) => m.ruleId === 'no-restricted-syntax');
    assert.deepEqual(hits.map((m) => m.line), [4, 5, 6], JSON.stringify(messages));
    assert.match(hits[0].message, /isCloudError/);
  });

  it('leaves instanceof on other classes alone', async () => {
    const messages = await lint('export const a = (e: unknown) => e instanceof Error || e instanceof Uint8Array;\n');
    assert.deepEqual(messages.filter((m) => m.ruleId === 'no-restricted-syntax'), []);
  });
});
