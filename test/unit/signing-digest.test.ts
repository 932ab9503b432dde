// Signing the SHA-256 digest digestFile already computed: ECDSA P-256 (our BigInt code, RFC 6979 k,
// low-S, DER) and RSA PKCS#1 v1.5 (DigestInfo under privateEncrypt), with Node's crypto.verify as
// the oracle over many random keys and messages.
import { strict as assert } from 'assert';
import { createHash, createPrivateKey, createPublicKey, createSign, generateKeyPairSync, randomBytes, verify, type KeyObject } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { digestFile, parseSigningKey, READ_CHUNK, verifySignature, type SigningKey } from '../../src/core/signing';
import { P256, derSignature, p256Scalar, signDigestRS, signP256Digest } from '../../src/core/signing/p256';
import { digestSigningWorks, signSha256Digest } from '../../src/core/signing/signDigest';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();
const hex = (n: bigint) => n.toString(16).padStart(64, '0');
const ecKey = (k: KeyObject): SigningKey => ({ key: k, algorithm: 'ECDSA', curve: 'prime256v1', source: 'test' });

/** Strict DER ECDSA-Sig-Value → (r, s); throws on anything a strict verifier would refuse. */
function parseDer(sig: Buffer): { r: bigint; s: bigint } {
  assert.equal(sig[0], 0x30, 'SEQUENCE');
  assert.equal(sig[1], sig.length - 2, 'sequence length covers the rest exactly');
  let at = 2;
  const int = () => {
    assert.equal(sig[at], 0x02, 'INTEGER');
    const len = sig[at + 1];
    const body = sig.subarray(at + 2, at + 2 + len);
    assert.ok(len >= 1 && len <= 33, `length ${len}`);
    assert.equal(body[0] & 0x80, 0, 'positive');
    if (len > 1) assert.ok(body[0] !== 0 || (body[1] & 0x80) !== 0, 'minimal: no needless leading zero');
    at += 2 + len;
    return BigInt(`0x${body.toString('hex')}`);
  };
  const r = int();
  const s = int();
  assert.equal(at, sig.length, 'nothing after s');
  return { r, s };
}

describe('signing a precomputed SHA-256 digest (one pass over the image)', () => {
  it('matches the RFC 6979 A.2.5 vectors (P-256, SHA-256): k, r, and s up to the low-S flip', () => {
    const d = 0xc9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721n;
    const vectors = [
      { msg: 'sample', k: 0xa6e3c57dd01abe90086538398355dd4c3b17aa873382b0f24d6129493d8aad60n, r: 0xefd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716n, s: 0xf7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8n },
      { msg: 'test', k: 0xd16b6ae827f17175e040871a1c7ec3500192c4c92677336ec2537acaee0008e0n, r: 0xf1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367n, s: 0x019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083n },
    ];
    for (const v of vectors) {
      assert.equal(hex(P256.baseMulX(v.k) % P256.N), hex(v.r), `r = x(kG) for "${v.msg}"`);
      const got = signDigestRS(d, sha256(Buffer.from(v.msg)));
      assert.equal(hex(got.r), hex(v.r), v.msg);
      const lowS = v.s > P256.HALF_N ? P256.N - v.s : v.s;
      assert.equal(hex(got.s), hex(lowS), v.msg);
    }
    // And Node accepts the vector's signature under the vector's public key.
    const pub = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: Buffer.from('60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6', 'hex').toString('base64url'), y: Buffer.from('7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299', 'hex').toString('base64url') }, format: 'jwk' });
    const sig = signP256Digest(createPrivateKey({ key: { ...pub.export({ format: 'jwk' }), d: Buffer.from(hex(d), 'hex').toString('base64url') }, format: 'jwk' }), sha256(Buffer.from('sample')));
    assert.ok(verify('sha256', Buffer.from('sample'), { key: pub, dsaEncoding: 'der' }, sig));
  });

  it('ECDSA: 150 random keys × random messages verify under Node (strict DER, low-S, deterministic); a flipped bit or another key fails', () => {
    for (let i = 0; i < 150; i++) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const msg = randomBytes(i % 7 === 0 ? 0 : 1 + ((i * 7919) % 5000));
      const sig = signP256Digest(privateKey, sha256(msg));
      assert.ok(verify('sha256', msg, { key: publicKey, dsaEncoding: 'der' }, sig), `key ${i} verifies`);
      const { r, s } = parseDer(sig);
      assert.ok(r > 0n && r < P256.N && s > 0n && s <= P256.HALF_N, 'low-S');
      assert.deepEqual(signP256Digest(privateKey, sha256(msg)), sig, 'same key and digest → same bytes (RFC 6979)');
      const tampered = Buffer.concat([msg, Buffer.of(i & 0xff)]);
      if (msg.length) tampered[i % msg.length] ^= 0x01;
      assert.equal(verify('sha256', tampered.subarray(0, msg.length || 1), { key: publicKey, dsaEncoding: 'der' }, sig), false, 'tampered message fails');
      if (i % 10 === 0) {
        const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
        assert.equal(verify('sha256', msg, { key: other, dsaEncoding: 'der' }, sig), false, 'another key fails');
      }
    }
  });

  it('DER: leading zero only when the top bit is set; short integers stay short', () => {
    assert.deepEqual(derSignature(1n, 0x80n), Buffer.from('3007020101020200' + '80', 'hex'));
    assert.deepEqual(derSignature(0x7fn, 0x0100n), Buffer.from('300702017f02020100', 'hex'));
    assert.deepEqual(parseDer(derSignature(P256.N - 1n, P256.HALF_N)), { r: P256.N - 1n, s: P256.HALF_N });
  });

  it('refuses what it cannot sign: a digest that is not 32 bytes, a key that is not P-256', () => {
    assert.throws(() => signDigestRS(5n, Buffer.alloc(20)), /32 bytes, not 20/);
    assert.throws(() => signDigestRS(0n, Buffer.alloc(32)), /out of range/);
    assert.throws(() => p256Scalar(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey), /not a P-256 private key/);
  });

  it('RSA: DigestInfo under privateEncrypt is byte-for-byte what createSign gives (2048 and 3072 bits)', () => {
    for (const bits of [2048, 3072]) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
      const key: SigningKey = { key: privateKey, algorithm: 'RSA', bits, source: 'test' };
      for (let i = 0; i < 5; i++) {
        const msg = randomBytes(1 + i * 1000);
        const sig = signSha256Digest(key, sha256(msg));
        assert.deepEqual(sig, createSign('sha256').update(msg).sign(privateKey));
        assert.ok(verify('sha256', msg, publicKey, sig));
        msg[0] ^= 1;
        assert.equal(verify('sha256', msg, publicKey, sig), false);
      }
    }
  });

  describe('digestFile', () => {
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), 'ota-sigdigest-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('signs a multi-chunk image from its one SHA-256 (deterministic ECDSA); a tampered image fails verification', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const key = parseSigningKey(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'test');
      const data = randomBytes(READ_CHUNK * 2 + 777);
      const path = join(dir, 'fw.bin');
      writeFileSync(path, data);
      const a = await digestFile(path, { key });
      const b = await digestFile(path, { key, md5: false });
      assert.equal(a.sha256Hex, sha256(data).toString('hex'));
      // createSign's ECDSA draws a random k: equal bytes show the signature came from our digest.
      assert.deepEqual(a.signature, b.signature);
      assert.deepEqual(a.signature, signP256Digest(key.key, sha256(data)));
      assert.ok(verifySignature(data, a.signature!, publicKey));
      const tampered = Buffer.from(data);
      tampered[READ_CHUNK + 1] ^= 0x40;
      writeFileSync(path, tampered);
      const t = await digestFile(path, { key });
      assert.equal(verifySignature(tampered, a.signature!, publicKey), false, 'the old signature does not cover the tampered image');
      assert.notDeepEqual(t.signature, a.signature);
    });

    it('a key the digest signer fails its self-check on is signed the old way (createSign), still valid', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const key = ecKey(privateKey);
      assert.equal(digestSigningWorks(key, () => Buffer.alloc(70)), false, 'a broken signer fails the check');
      const data = randomBytes(100_000);
      const path = join(dir, 'fallback.bin');
      writeFileSync(path, data);
      const a = await digestFile(path, { key });
      const b = await digestFile(path, { key });
      assert.ok(verifySignature(data, a.signature!, publicKey) && verifySignature(data, b.signature!, publicKey));
      assert.notDeepEqual(a.signature, b.signature, 'random k: the fallback (createSign) signed');
      // A key that passes is checked once and signs from the digest.
      const good = ecKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
      assert.equal(digestSigningWorks(good), true);
    });
  });
});
