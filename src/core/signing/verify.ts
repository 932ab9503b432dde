// The device side of a signature: what a board (virtual or test) does with the image it
// downloaded, the signature from the job document and the certificate it trusts.

import { createPublicKey, createVerify, type KeyObject } from 'crypto';

/** The FreeRTOS job-document key for a signature (`OTA_JsonFileSignatureKey`). */
export function signatureKey(algorithm: 'ECDSA' | 'RSA'): 'sig-sha256-ecdsa' | 'sig-sha256-rsa' {
  return algorithm === 'ECDSA' ? 'sig-sha256-ecdsa' : 'sig-sha256-rsa';
}

/** True when `signature` (DER) is a valid SHA-256 signature of `data` under `trusted` (cert or public key PEM). */
export function verifySignature(data: Uint8Array | Iterable<Uint8Array>, signature: Uint8Array, trusted: string | KeyObject): boolean {
  const key = typeof trusted === 'string' ? createPublicKey(trusted) : trusted;
  const v = createVerify('sha256');
  if (data instanceof Uint8Array) v.update(data);
  else for (const chunk of data) v.update(chunk);
  try {
    return v.verify({ key, dsaEncoding: 'der' }, signature);
  } catch {
    // Malformed DER (e.g. a double-base64 signature) is a failed check, not a crash.
    return false;
  }
}
