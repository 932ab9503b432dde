// The OSS POST form upload after GenerateOTAUploadURL: streamed, with progress, cancellable, and
// refused as OSS refuses it (expired policy, too large, wrong signature), against the emulator's
// streaming form reader and policy check.
import assert from 'assert';
import { createHash, randomBytes } from 'crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, ftruncateSync } from 'fs';
import { createServer, request, type Server } from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { ossPostUpload } from '../../src/core/clouds/aliyun/ossPostUpload';
import { isAliyunApiError } from '../../src/core/clouds/aliyun/rpc';
import type { OssUploadForm } from '../../src/core/clouds/aliyun/wire';
import { checkPost, makePolicy, ossErrorXml, readMultipart, signPolicy, type ReceivedForm } from '../bench/aliyun-emulator/ossForm';

const OSS_ID = 'LTAIossBench';
const OSS_SECRET = 'oss-bench-secret';
const PREFIX = 'ota/firmware/';

let server: Server;
let port: number;
let dir: string;
const received: (ReceivedForm | Error)[] = [];
/** Slows the server's reading so an abort lands mid-upload. */
let readDelayMs = 0;
/** Sees the file bytes the server has read so far. */
let serverBytes: ((got: number) => void) | undefined;

function form(opts: { expiresInMs?: number; maxBytes?: number; key?: string; secret?: string } = {}): OssUploadForm {
  const policy = makePolicy(new Date(Date.now() + (opts.expiresInMs ?? 60_000)), opts.maxBytes ?? 1000 * 1024 * 1024, PREFIX);
  const key = opts.key ?? `${PREFIX}${randomBytes(4).toString('hex')}.bin`;
  return { Host: `http://127.0.0.1:${port}`, Key: key, OSSAccessKeyId: OSS_ID, Policy: policy, Signature: signPolicy(policy, opts.secret ?? OSS_SECRET), FirmwareUrl: `http://127.0.0.1:${port}/${key}`, ObjectStorage: 'OSS' };
}

const fileOf = (name: string, bytes: Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};

const failure = (p: Promise<unknown>) => p.then(() => assert.fail('expected a failure'), (e: unknown) => e);

describe('aliyun OSS POST upload', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otab-oss-'));
    server = createServer((req, res) => {
      if (readDelayMs) {
        req.on('data', () => {
          req.pause();
          setTimeout(() => req.resume(), readDelayMs);
        });
      }
      readMultipart(req, (got) => serverBytes?.(got)).then(
        (f) => {
          received.push(f);
          const check = checkPost(f, (id) => (id === OSS_ID ? OSS_SECRET : undefined));
          if (!check.ok) {
            res.writeHead(check.status, { 'content-type': 'application/xml', 'x-oss-request-id': 'OSSREQ1' });
            return res.end(ossErrorXml(check.code, check.message, 'OSSREQ1'));
          }
          res.writeHead(200, { etag: `"${f.file!.md5.toUpperCase()}"`, 'x-oss-request-id': 'OSSREQ2' });
          res.end();
        },
        (e: Error) => {
          received.push(e);
          if (!res.headersSent) res.writeHead(400).end();
        },
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    received.length = 0;
    readDelayMs = 0;
  });

  it('sends the policy fields in order and the file last; progress reaches the size; the bytes arrive intact', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const path = fileOf('app.bin', bytes);
    const progress: number[] = [];
    const r = await ossPostUpload({ form: form(), filePath: path, onProgress: (s) => progress.push(s) });
    const f = received[0] as ReceivedForm;
    assert.deepStrictEqual(f.order, ['key', 'OSSAccessKeyId', 'policy', 'Signature', 'success_action_status']);
    assert.strictEqual(f.partsAfterFile, 0);
    assert.strictEqual(f.file!.filename, 'app.bin');
    assert.strictEqual(f.file!.bytes, bytes.length);
    assert.strictEqual(f.file!.md5, createHash('md5').update(bytes).digest('hex'));
    assert.strictEqual(r.bytes, bytes.length);
    assert.strictEqual(r.etag, f.file!.md5.toUpperCase());
    assert.strictEqual(r.requestId, 'OSSREQ2');
    assert.ok(progress.length > 3, `progress ${progress.length} times`);
    assert.ok(progress.every((v, i) => i === 0 || v >= progress[i - 1]));
    assert.strictEqual(progress.at(-1), bytes.length);
  });

  it('streams with back-pressure: sending never runs more than 16 MB (a quarter of the file) ahead of what OSS has read', async () => {
    const size = 64 * 1024 * 1024;
    const path = join(dir, 'big.bin');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, size); // sparse: no disk cost
    closeSync(fd);
    readDelayMs = 1;
    let sent = 0;
    let lead = 0;
    serverBytes = (got) => (lead = Math.max(lead, sent - got));
    try {
      const r = await ossPostUpload({ form: form(), filePath: path, onProgress: (s) => (sent = s) });
      assert.strictEqual(r.bytes, size);
    } finally {
      serverBytes = undefined;
    }
    assert.strictEqual((received[0] as ReceivedForm).file!.bytes, size);
    assert.ok(lead > 0 && lead < 16 * 1024 * 1024, `the sender ran ${(lead / 1048576).toFixed(1)} MB ahead of the receiver`);
  });

  it('an expired policy: AccessDenied with the RequestId, and what to do', async () => {
    const e = await failure(ossPostUpload({ form: form({ expiresInMs: -1000 }), filePath: fileOf('a.bin', randomBytes(1000)) }));
    assert.ok(isAliyunApiError(e), String(e));
    assert.strictEqual(e.code, 'AccessDenied');
    assert.strictEqual(e.httpStatus, 403);
    assert.strictEqual(e.requestId, 'OSSREQ1');
    assert.match(e.message, /Policy expired.*valid for one minute/);
  });

  it('too large for content-length-range, a wrong signature, a key outside the prefix: refused', async () => {
    const small = fileOf('s.bin', randomBytes(2048));
    const big = await failure(ossPostUpload({ form: form({ maxBytes: 1024 }), filePath: small }));
    assert.ok(isAliyunApiError(big) && big.code === 'EntityTooLarge' && big.httpStatus === 400);
    const sig = await failure(ossPostUpload({ form: form({ secret: 'other' }), filePath: small }));
    assert.ok(isAliyunApiError(sig) && sig.code === 'SignatureDoesNotMatch');
    const key = await failure(ossPostUpload({ form: form({ key: 'elsewhere/x.bin' }), filePath: small }));
    assert.ok(isAliyunApiError(key) && key.code === 'AccessDenied' && /starts-with/.test(key.message));
  });

  it('an abort stops the upload mid-way; the server never sees a complete form', async () => {
    readDelayMs = 20;
    const path = fileOf('slow.bin', randomBytes(8 * 1024 * 1024));
    const ac = new AbortController();
    let seen = 0;
    const p = ossPostUpload({ form: form(), filePath: path, signal: ac.signal, onProgress: (s) => ((seen = s), s > 1024 * 1024 && ac.abort()) });
    const e = await failure(p);
    assert.ok(isAliyunApiError(e) && e.code === 'Aborted', String(e));
    assert.match(e.message, /cancelled after \d+ of 8388608 bytes/);
    assert.ok(seen < 8 * 1024 * 1024);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(received.every((f) => f instanceof Error), 'no complete form arrived');
  });

  it('a missing file: a clear error before anything is sent', async () => {
    const e = await failure(ossPostUpload({ form: form(), filePath: join(dir, 'nope.bin') }));
    assert.match(String((e as Error).message), /ENOENT|no such file/);
    assert.strictEqual(received.length, 0);
  });

  it('the form reader counts parts after "file" (the API wants it last)', async () => {
    const b = 'XyZ';
    const body = [`--${b}`, 'Content-Disposition: form-data; name="key"', '', 'ota/firmware/x', `--${b}`, 'Content-Disposition: form-data; name="file"; filename="f.bin"', '', 'DATA', `--${b}`, 'Content-Disposition: form-data; name="late"', '', 'v', `--${b}--`, ''].join('\r\n');
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-type': `multipart/form-data; boundary=${b}` } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
    const f = received[0] as ReceivedForm;
    assert.strictEqual(f.file!.bytes, 4);
    assert.ok(f.partsAfterFile > 0);
    assert.deepStrictEqual(f.fields, { key: 'ota/firmware/x' });
  });
});
