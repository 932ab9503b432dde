// One pass over a firmware image: SHA-256 and MD5 (what every cloud asks for) and, when a key is
// given, the signature, all fed from the same read buffers so a 64 MB image is read once.

import { createHash, createSign, type Sign } from 'crypto';
import { createReadStream } from 'fs';
import { stat } from 'fs/promises';
import { SigningError, type SignatureAlgorithm, type SigningKey } from './keys';

/** Large reads: fewer syscalls and stream hops (SHA-256+MD5 measured ~500 MB/s at 4 MB vs ~320 at the 64 KB default). */
export const READ_CHUNK = 4 * 1024 * 1024;

export interface DigestOptions {
  /** Sign while hashing (ECDSA P-256 / RSA PKCS#1 v1.5, both over SHA-256). */
  key?: SigningKey;
  /** Skip MD5 (only Alibaba/Huawei-legacy want it). */
  md5?: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface FileDigest {
  size: number;
  sha256Hex: string;
  /** Base64 SHA-256: what S3's `ChecksumSHA256` carries. */
  sha256Base64: string;
  md5Hex?: string;
  /** DER signature bytes (ASN.1 ECDSA-Sig-Value for ECDSA). */
  signature?: Buffer;
  signatureAlgorithm?: SignatureAlgorithm;
}

export async function digestFile(path: string, opts: DigestOptions = {}): Promise<FileDigest> {
  let total: number;
  try {
    total = (await stat(path)).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new SigningError(`Firmware image not found: ${path}`, 'missing-file', 'Build the firmware first, or check the artifact path.');
    throw e;
  }
  const sha = createHash('sha256');
  const md5 = opts.md5 === false ? undefined : createHash('md5');
  const signer: Sign | undefined = opts.key ? createSign('sha256') : undefined;
  let done = 0;
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK, signal: opts.signal });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      sha.update(chunk);
      md5?.update(chunk);
      signer?.update(chunk);
      done += chunk.length;
      opts.onProgress?.(done, total);
    }
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw new SigningError('Hashing was cancelled.', 'aborted');
    throw e;
  }
  const digest = sha.digest();
  const out: FileDigest = {
    size: done,
    sha256Hex: digest.toString('hex'),
    sha256Base64: digest.toString('base64'),
    md5Hex: md5?.digest('hex'),
  };
  if (signer && opts.key) {
    out.signature = signer.sign({ key: opts.key.key, dsaEncoding: 'der' });
    out.signatureAlgorithm = opts.key.algorithm;
  }
  return out;
}

/** Signs bytes already in memory (small images, tests). */
export function signBuffer(data: Uint8Array, key: SigningKey): Buffer {
  const s = createSign('sha256');
  s.update(data);
  return s.sign({ key: key.key, dsaEncoding: 'der' });
}
