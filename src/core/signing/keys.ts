// Loading code-signing keys from PEM files, with errors that say what is wrong and how to fix it.
// Devices check ECDSA P-256 (FreeRTOS `sig-sha256-ecdsa`) or RSA (`sig-sha256-rsa`) signatures.

import { createPrivateKey, createPublicKey, type KeyObject } from 'crypto';
import { readFile } from 'fs/promises';

export type SignatureAlgorithm = 'ECDSA' | 'RSA';

export type SigningErrorCode =
  | 'missing-file'
  | 'unreadable'
  | 'not-a-key'
  | 'public-key'
  | 'encrypted'
  | 'bad-passphrase'
  | 'wrong-type'
  | 'weak-key'
  | 'aborted';

export class SigningError extends Error {
  constructor(
    message: string,
    readonly code: SigningErrorCode,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'SigningError';
  }
}

export interface SigningKey {
  key: KeyObject;
  algorithm: SignatureAlgorithm;
  /** 'prime256v1' for ECDSA keys. */
  curve?: string;
  /** Modulus length for RSA keys. */
  bits?: number;
  /** Where the key came from (for messages; never the key itself). */
  source: string;
}

const GEN_HINT = 'Create one with `openssl ecparam -name prime256v1 -genkey -noout -out signing-key.pem`.';

/** Reads a PEM private key file and checks it can sign what devices verify. */
export async function loadSigningKey(path: string, passphrase?: string): Promise<SigningKey> {
  let pem: Buffer;
  try {
    pem = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SigningError(`Signing key file not found: ${path}`, 'missing-file', `Check the key path in the profile's signing settings. ${GEN_HINT}`);
    throw new SigningError(`Cannot read signing key file ${path} (${code ?? 'error'}).`, 'unreadable', 'Check the file permissions.');
  }
  return parseSigningKey(pem, path, passphrase);
}

/** Parses PEM text (the file's content) into a signing key; `source` names it in messages. */
export function parseSigningKey(pem: Buffer | string, source: string, passphrase?: string): SigningKey {
  const text = pem.toString();
  if (!/-----BEGIN [A-Z0-9 ]+-----/.test(text)) {
    throw new SigningError(`${source} is not a PEM file (no "-----BEGIN …-----" line).`, 'not-a-key', GEN_HINT);
  }
  if (/-----BEGIN (PUBLIC KEY|CERTIFICATE|EC PUBLIC KEY|RSA PUBLIC KEY)-----/.test(text) && !/PRIVATE KEY-----/.test(text)) {
    throw new SigningError(
      `${source} holds a public key or certificate; signing needs the private key.`,
      'public-key',
      'Point the signing key setting at the private key file (the certificate goes on the device).',
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text, format: 'pem', passphrase });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_MISSING_PASSPHRASE' || (/ENCRYPTED/.test(text) && !passphrase)) {
      throw new SigningError(`${source} is encrypted and no passphrase was given.`, 'encrypted', 'Enter the key passphrase when asked, or decrypt it with `openssl pkey -in key.pem -out key-plain.pem`.');
    }
    if (/ENCRYPTED/.test(text)) {
      throw new SigningError(`Could not decrypt ${source}: wrong passphrase.`, 'bad-passphrase', 'Check the passphrase.');
    }
    throw new SigningError(`${source} is not a readable private key.`, 'not-a-key', GEN_HINT);
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') {
    if (details.namedCurve !== 'prime256v1') {
      throw new SigningError(
        `${source} is an EC key on ${details.namedCurve ?? 'an unknown curve'}; devices verify ECDSA on P-256 (prime256v1).`,
        'wrong-type',
        GEN_HINT,
      );
    }
    return { key, algorithm: 'ECDSA', curve: 'prime256v1', source };
  }
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < 2048) throw new SigningError(`${source} is a ${bits}-bit RSA key; use at least 2048 bits.`, 'weak-key', 'Create one with `openssl genrsa -out signing-key.pem 3072`.');
    return { key, algorithm: 'RSA', bits, source };
  }
  throw new SigningError(
    `${source} is a ${key.asymmetricKeyType} key; OTA signatures use ECDSA P-256 or RSA.`,
    'wrong-type',
    GEN_HINT,
  );
}

/** The public half as PEM (what a device trusts). Accepts a private key, public key or certificate PEM. */
export function publicKeyPem(pemOrKey: string | KeyObject): string {
  return createPublicKey(pemOrKey).export({ type: 'spki', format: 'pem' }).toString();
}
