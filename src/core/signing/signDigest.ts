// Signatures made from the SHA-256 digest digestFile already computed, so an image is hashed once
// (createSign would run a second SHA-256 over every byte). RSA PKCS#1 v1.5 is DigestInfo ‖ digest
// under the private key; ECDSA P-256 is p256.ts. Each key passes a self-check against Node's own
// verify before it is trusted; a key that fails it is signed the old way (a second hash).

import { createHash, createPublicKey, constants, privateEncrypt, verify, type KeyObject } from 'crypto';
import { signP256Digest } from './p256';
import type { SigningKey } from './keys';

/** DER of DigestInfo { sha256, NULL } up to the 32 digest bytes (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** The signature of the data whose SHA-256 is `digest`, as createSign('sha256') would give (DER for ECDSA). */
export function signSha256Digest(key: SigningKey, digest: Uint8Array): Buffer {
  if (key.algorithm === 'RSA') return privateEncrypt({ key: key.key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest]));
  return signP256Digest(key.key, digest);
}

const checked = new WeakMap<KeyObject, boolean>();
const PROBE = Buffer.from('ota-bench digest-signer self-check');

/**
 * True when signing a digest with this key gives what Node's verify accepts (checked once per key;
 * `sign` is replaceable so a test can make the check fail and see the fallback).
 */
export function digestSigningWorks(key: SigningKey, sign = signSha256Digest): boolean {
  let ok = checked.get(key.key);
  if (ok === undefined) {
    try {
      const sig = sign(key, createHash('sha256').update(PROBE).digest());
      ok = verify('sha256', PROBE, { key: createPublicKey(key.key), dsaEncoding: 'der' }, sig);
    } catch {
      ok = false;
    }
    checked.set(key.key, ok);
  }
  return ok;
}
