// ECDSA P-256 over a SHA-256 digest we already hold. Node can hash-and-sign but has no public API
// that signs a precomputed digest (crypto.sign(null, …) hashes again), so an image would be read
// through SHA-256 twice. This signs the digest directly: FIPS 186-4 ECDSA with RFC 6979
// deterministic k (HMAC-SHA256), low-S, DER. BigInt arithmetic is NOT constant-time: acceptable
// for a developer tool signing on the developer's machine, not for a shared signing service.
// Node's crypto.verify is the oracle in the tests.

import { createHmac, type KeyObject } from 'crypto';

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n;
const GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n;
const HALF_N = N >> 1n;

const mod = (a: bigint, m: bigint) => {
  const r = a % m;
  return r < 0n ? r + m : r;
};

/** a⁻¹ mod m (extended Euclid; m prime, a ≠ 0). */
function inv(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

/** Jacobian (X, Y, Z): x = X/Z², y = Y/Z³; Z = 0 is the point at infinity. */
type Jac = readonly [bigint, bigint, bigint];
const INF: Jac = [0n, 1n, 0n];

// dbl-2001-b (a = −3).
function dbl([x, y, z]: Jac): Jac {
  if (z === 0n || y === 0n) return INF;
  const delta = (z * z) % P;
  const gamma = (y * y) % P;
  const beta = (x * gamma) % P;
  const alpha = (3n * mod(x - delta, P) * (x + delta)) % P;
  const x3 = mod(alpha * alpha - 8n * beta, P);
  const z3 = mod((y + z) * (y + z) - gamma - delta, P);
  const y3 = mod(alpha * (4n * beta - x3) - 8n * gamma * gamma, P);
  return [x3, y3, z3];
}

// add-2007-bl, with the doubling and infinity cases.
function add(p: Jac, q: Jac): Jac {
  const [x1, y1, z1] = p;
  const [x2, y2, z2] = q;
  if (z1 === 0n) return q;
  if (z2 === 0n) return p;
  const z1z1 = (z1 * z1) % P;
  // q affine (Z = 1, the comb's points): its Z powers are 1.
  const z2z2 = z2 === 1n ? 1n : (z2 * z2) % P;
  const u1 = z2 === 1n ? x1 : (x1 * z2z2) % P;
  const u2 = (x2 * z1z1) % P;
  const s1 = z2 === 1n ? y1 : (((y1 * z2) % P) * z2z2) % P;
  const s2 = (((y2 * z1) % P) * z1z1) % P;
  if (u1 === u2) return s1 === s2 ? dbl(p) : INF;
  const h = mod(u2 - u1, P);
  const i = (4n * h * h) % P;
  const j = (h * i) % P;
  const r = mod(2n * (s2 - s1), P);
  const v = (u1 * i) % P;
  const x3 = mod(r * r - j - 2n * v, P);
  const y3 = mod(r * (v - x3) - 2n * s1 * j, P);
  const z3 = (mod((z1 + z2) * (z1 + z2) - z1z1 - z2z2, P) * h) % P;
  return [x3, y3, z3];
}

/**
 * Fixed-base comb: COMB[i][j] = j·16^i·G in affine form (Z = 1), so k·G is 64 additions and no
 * doublings (~1 ms instead of ~6 ms a signature). Built once, on first use (~30 ms).
 */
let comb: Jac[][] | undefined;
function combTable(): Jac[][] {
  if (!comb) {
    const rows: Jac[][] = [];
    let base: Jac = [GX, GY, 1n];
    for (let i = 0; i < 64; i++) {
      const row: Jac[] = [INF, base];
      for (let j = 2; j < 16; j++) row.push(add(row[j - 1], base));
      rows.push(row);
      base = dbl(dbl(dbl(dbl(base))));
    }
    comb = affineAll(rows);
  }
  return comb;
}

/** Every finite point to Z = 1 with one inversion (Montgomery's trick). */
function affineAll(rows: Jac[][]): Jac[][] {
  const zs = rows.flat().filter((pt) => pt[2] !== 0n).map((pt) => pt[2]);
  const prefix: bigint[] = [];
  let acc = 1n;
  for (const z of zs) prefix.push((acc = (acc * z) % P));
  let invAcc = inv(acc, P);
  const invs: bigint[] = new Array(zs.length);
  for (let i = zs.length - 1; i >= 0; i--) {
    invs[i] = i ? (invAcc * prefix[i - 1]) % P : invAcc;
    invAcc = (invAcc * zs[i]) % P;
  }
  let n = 0;
  return rows.map((row) => row.map((pt) => (pt[2] === 0n ? pt : toAffine(pt, invs[n++]))));
}

function toAffine([x, y]: Jac, zi: bigint): Jac {
  const zi2 = (zi * zi) % P;
  return [(x * zi2) % P, (((y * zi2) % P) * zi) % P, 1n];
}

function affine(pt: Jac): Jac {
  return pt[2] === 0n ? pt : toAffine(pt, inv(pt[2], P));
}

/** The affine x of k·G (0 < k < n). */
function baseMulX(k: bigint): bigint {
  const t = combTable();
  let acc: Jac = INF;
  for (let i = 0; i < 64; i++) acc = add(acc, t[i][Number((k >> BigInt(4 * i)) & 15n)]);
  return affine(acc)[0];
}

const toInt = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
const to32 = (n: bigint) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex');

/** RFC 6979 §3.2 with HMAC-SHA256; qlen = hlen = 256, so bits2int is a plain conversion. */
function* candidatesK(d: bigint, h: Uint8Array): Generator<bigint> {
  const x = to32(d);
  const h1 = to32(mod(toInt(h), N));
  let v = Buffer.alloc(32, 1);
  let k = Buffer.alloc(32, 0);
  const mac = (key: Buffer, ...parts: Uint8Array[]) => {
    const m = createHmac('sha256', key);
    for (const p of parts) m.update(p);
    return m.digest();
  };
  k = mac(k, v, Buffer.of(0), x, h1);
  v = mac(k, v);
  k = mac(k, v, Buffer.of(1), x, h1);
  v = mac(k, v);
  for (;;) {
    v = mac(k, v);
    const t = toInt(v);
    if (t > 0n && t < N) yield t;
    k = mac(k, v, Buffer.of(0));
    v = mac(k, v);
  }
}

/** ASN.1 INTEGER of a positive value: minimal bytes, a leading 0 when the top bit is set. */
function derInt(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let b = Buffer.from(hex, 'hex');
  if (b[0] & 0x80) b = Buffer.concat([Buffer.of(0), b]);
  return Buffer.concat([Buffer.of(0x02, b.length), b]);
}

/** ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (always < 128 bytes for P-256). */
export function derSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInt(r), derInt(s)]);
  return Buffer.concat([Buffer.of(0x30, body.length), body]);
}

/** The private scalar of a P-256 KeyObject. */
export function p256Scalar(key: KeyObject): bigint {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d) throw new Error('not a P-256 private key');
  return toInt(Buffer.from(jwk.d, 'base64url'));
}

/** (r, s) for a 32-byte SHA-256 digest, s normalised to the low half (s ≤ n/2). */
export function signDigestRS(d: bigint, digest: Uint8Array): { r: bigint; s: bigint } {
  if (digest.length !== 32) throw new Error(`a SHA-256 digest has 32 bytes, not ${digest.length}`);
  if (d <= 0n || d >= N) throw new Error('private scalar out of range');
  const z = toInt(digest);
  for (const k of candidatesK(d, digest)) {
    const r = baseMulX(k) % N;
    if (r === 0n) continue;
    const s = (inv(k, N) * mod(z + r * d, N)) % N;
    if (s === 0n) continue;
    return { r, s: s > HALF_N ? N - s : s };
  }
  throw new Error('unreachable');
}

/** DER ECDSA P-256 signature of a SHA-256 digest (deterministic: the same key and digest give the same bytes). */
export function signP256Digest(key: KeyObject, digest: Uint8Array): Buffer {
  const { r, s } = signDigestRS(p256Scalar(key), digest);
  return derSignature(r, s);
}

/** Test hooks: the curve order (for low-S checks) and k·G's x (for the RFC 6979 vectors). */
export const P256 = { N, HALF_N, baseMulX };
