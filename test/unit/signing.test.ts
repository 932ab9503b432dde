import { strict as assert } from 'assert';
import { createHash, generateKeyPairSync, randomBytes } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { digestFile, loadSigningKey, publicKeyPem, READ_CHUNK, SigningError, verifySignature, signBuffer, signatureKey } from '../../src/core/signing';

describe('signing: keys, streaming digests and signatures', () => {
  let dir: string;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecPem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaPem = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ota-sign-'));
    writeFileSync(join(dir, 'ec.pem'), ecPem);
    writeFileSync(join(dir, 'rsa.pem'), rsaPem);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function rejects(p: Promise<unknown>, code: string, re: RegExp) {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof SigningError, `expected SigningError, got ${e}`);
      assert.equal(e.code, code);
      assert.match(e.message, re);
      return true;
    });
  }

  it('hashes a file larger than one read chunk exactly like a one-shot hash (SHA-256, MD5, size)', async () => {
    const data = randomBytes(READ_CHUNK * 2 + 12345);
    const path = join(dir, 'img.bin');
    writeFileSync(path, data);
    let last = 0;
    const d = await digestFile(path, { onProgress: (done, total) => { assert.equal(total, data.length); last = done; } });
    assert.equal(d.size, data.length);
    assert.equal(last, data.length);
    assert.equal(d.sha256Hex, createHash('sha256').update(data).digest('hex'));
    assert.equal(d.sha256Base64, createHash('sha256').update(data).digest('base64'));
    assert.equal(d.md5Hex, createHash('md5').update(data).digest('hex'));
    assert.equal(d.signature, undefined);
  });

  it('signs with ECDSA P-256 in the same pass: DER ECDSA-Sig-Value that verifies against the public key only', async () => {
    const data = randomBytes(1_000_000);
    const path = join(dir, 'fw.bin');
    writeFileSync(path, data);
    const key = await loadSigningKey(join(dir, 'ec.pem'));
    assert.equal(key.algorithm, 'ECDSA');
    assert.equal(key.curve, 'prime256v1');
    const d = await digestFile(path, { key });
    assert.equal(d.signatureAlgorithm, 'ECDSA');
    assert.equal(d.signature![0], 0x30, 'ASN.1 SEQUENCE, not raw r||s');
    assert.ok(d.signature!.length >= 68 && d.signature!.length <= 72);
    const pub = publicKeyPem(ecPem);
    assert.ok(verifySignature(data, d.signature!, pub));
    const tampered = Buffer.from(data);
    tampered[500] ^= 1;
    assert.equal(verifySignature(tampered, d.signature!, pub), false);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    assert.equal(verifySignature(data, d.signature!, other), false);
    // A base64 string passed where DER bytes belong (AWS SDK double-encoding bug) fails cleanly.
    assert.equal(verifySignature(data, Buffer.from(d.signature!.toString('base64')), pub), false);
    assert.equal(signatureKey('ECDSA'), 'sig-sha256-ecdsa');
  });

  it('signs with RSA (PKCS#1 v1.5 over SHA-256) and the signature verifies', async () => {
    const data = randomBytes(4096);
    const key = await loadSigningKey(join(dir, 'rsa.pem'));
    assert.equal(key.algorithm, 'RSA');
    assert.equal(key.bits, 2048);
    const sig = signBuffer(data, key);
    assert.equal(sig.length, 256);
    assert.ok(verifySignature([data.subarray(0, 100), data.subarray(100)], sig, publicKeyPem(rsaPem)));
    assert.equal(signatureKey('RSA'), 'sig-sha256-rsa');
  });

  it('explains a missing key file, a public key, garbage, an encrypted key, a wrong passphrase', async () => {
    await rejects(loadSigningKey(join(dir, 'nope.pem')), 'missing-file', /not found: .*nope\.pem/);
    writeFileSync(join(dir, 'pub.pem'), ec.publicKey.export({ type: 'spki', format: 'pem' }));
    await rejects(loadSigningKey(join(dir, 'pub.pem')), 'public-key', /public key or certificate/);
    writeFileSync(join(dir, 'junk.pem'), 'hello');
    await rejects(loadSigningKey(join(dir, 'junk.pem')), 'not-a-key', /not a PEM file/);
    writeFileSync(join(dir, 'broken.pem'), '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    await rejects(loadSigningKey(join(dir, 'broken.pem')), 'not-a-key', /not a readable private key/);
    const enc = ec.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'sesame' });
    writeFileSync(join(dir, 'enc.pem'), enc);
    await rejects(loadSigningKey(join(dir, 'enc.pem')), 'encrypted', /encrypted and no passphrase/);
    await rejects(loadSigningKey(join(dir, 'enc.pem'), 'wrong'), 'bad-passphrase', /wrong passphrase/);
    const ok = await loadSigningKey(join(dir, 'enc.pem'), 'sesame');
    assert.equal(ok.algorithm, 'ECDSA');
  });

  it('refuses keys devices cannot verify: P-384, Ed25519, 1024-bit RSA', async () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    writeFileSync(join(dir, 'p384.pem'), p384);
    await rejects(loadSigningKey(join(dir, 'p384.pem')), 'wrong-type', /secp384r1.*P-256/);
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
    writeFileSync(join(dir, 'ed.pem'), ed);
    await rejects(loadSigningKey(join(dir, 'ed.pem')), 'wrong-type', /ed25519 key/);
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    writeFileSync(join(dir, 'weak.pem'), weak);
    await rejects(loadSigningKey(join(dir, 'weak.pem')), 'weak-key', /1024-bit/);
  });

  it('reports a missing image and stops when cancelled', async () => {
    await rejects(digestFile(join(dir, 'missing.bin')), 'missing-file', /Firmware image not found/);
    const path = join(dir, 'big.bin');
    writeFileSync(path, randomBytes(READ_CHUNK * 3));
    const ac = new AbortController();
    await rejects(digestFile(path, { signal: ac.signal, onProgress: () => ac.abort() }), 'aborted', /cancelled/);
  });
});
