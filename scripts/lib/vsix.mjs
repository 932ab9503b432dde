// Reading a .vsix (a zip): list its entries and unpack it, with the zip reader vsce itself uses.
import { createWriteStream, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import { pipeline } from 'node:stream/promises';

const require = createRequire(import.meta.url);
const yauzl = require('yauzl');

function open(file) {
  return new Promise((resolve, reject) => yauzl.open(file, { lazyEntries: true }, (err, zip) => (err ? reject(err) : resolve(zip))));
}

/** Calls `onEntry(entry, zip)` for every entry, one at a time. */
async function eachEntry(file, onEntry) {
  const zip = await open(file);
  await new Promise((resolve, reject) => {
    zip.on('entry', (entry) => Promise.resolve(onEntry(entry, zip)).then(() => zip.readEntry(), reject));
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  zip.close();
}

/** Entry names with their uncompressed sizes. */
export async function listVsix(file) {
  const out = [];
  await eachEntry(file, (e) => out.push({ name: e.fileName, size: e.uncompressedSize }));
  return out;
}

export async function extractVsix(file, dest) {
  await eachEntry(file, async (e, zip) => {
    if (e.fileName.endsWith('/')) return;
    const target = normalize(join(dest, e.fileName));
    if (!target.startsWith(normalize(dest))) throw new Error(`unsafe path in vsix: ${e.fileName}`);
    mkdirSync(dirname(target), { recursive: true });
    const stream = await new Promise((resolve, reject) => zip.openReadStream(e, (err, s) => (err ? reject(err) : resolve(s))));
    await pipeline(stream, createWriteStream(target));
  });
}
