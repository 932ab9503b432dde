// "Create a development key pair" for a bench board: an ECDSA P-256 key (what the FreeRTOS OTA agent
// checks) written into the workspace with its public key beside it. Development only: the wizard
// says so, and the key file's first line does too.

import { generateKeyPairSync } from 'crypto';
import { existsSync } from 'fs';
import { mkdir, writeFile } from 'fs/promises';
import { join } from 'path';

export interface DevKeyPair {
  /** Relative to the workspace root (what `signing.keyFile` holds). */
  keyFile: string;
  publicKeyFile: string;
}

export async function devKeyPair(root: string, profileName: string): Promise<DevKeyPair> {
  const slug = profileName.replace(/[^A-Za-z0-9_-]/g, '_');
  const dir = join('.ota-bench', 'dev-keys');
  const keyFile = join(dir, `${slug}-dev-signing-key.pem`);
  const publicKeyFile = join(dir, `${slug}-dev-signing-key.pub.pem`);
  // Never overwrite: boards may already trust the existing key.
  if (existsSync(join(root, keyFile))) return { keyFile, publicKeyFile };
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await mkdir(join(root, dir), { recursive: true });
  const warning = '# DEVELOPMENT KEY made by OTA Bench for a bench board. Never ship devices that trust it.\n';
  await writeFile(join(root, keyFile), warning + privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(join(root, publicKeyFile), warning + publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(join(root, dir, '.gitignore'), '*-dev-signing-key.pem\n');
  return { keyFile, publicKeyFile };
}
