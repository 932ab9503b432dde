#!/usr/bin/env node
// Creates the demo's code-signing key pair (ECDSA P-256, what FreeRTOS-style devices verify) if it
// is missing: keys/demo-signing-key.pem (private, used by OTA Bench to sign) and
// keys/demo-signing-pub.pem (public, trusted by the virtual board). Demo keys are generated, never
// committed.

/* global console */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const keys = join(dirname(fileURLToPath(import.meta.url)), '..', 'keys');
const priv = join(keys, 'demo-signing-key.pem');
const pub = join(keys, 'demo-signing-pub.pem');
if (existsSync(priv) && existsSync(pub)) {
  console.log(`demo signing key present: ${priv}`);
} else {
  mkdirSync(keys, { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
  console.log(`demo signing key created: ${priv}`);
}
