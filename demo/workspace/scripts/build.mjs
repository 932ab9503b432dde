#!/usr/bin/env node
// Builds the demo firmware without a cross compiler: reads FW_VERSION from include/version.h,
// "compiles" the sources (a `#error` line fails the build with a gcc-style diagnostic, so the
// gcc-style problem matchers ($ota-bench-gcc, $gcc) and OTA Bench see a real build error), and writes
// build/firmware-<version>.bin: a small header, the version stamp OTA Bench and the virtual board
// read ("OTA_BENCH_VERSION=<version>\0" in the first 64 KiB), then deterministic filler, 4 MiB
// by default. Older build/firmware-*.bin files are removed so exactly one image is left.
//
//   node scripts/build.mjs [--size-kb N]        (or FW_IMAGE_KB=N)

/* global process, console, Buffer */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const sizeArg = args.includes('--size-kb') ? args[args.indexOf('--size-kb') + 1] : process.env.FW_IMAGE_KB;
const sizeKb = sizeArg ? Number(sizeArg) : 4096;
if (!Number.isInteger(sizeKb) || sizeKb < 1 || sizeKb > 256 * 1024) {
  console.error(`scripts/build.mjs: error: image size must be 1–262144 KiB, got ${sizeArg}`);
  process.exit(2);
}

const sources = (dir) =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.[ch]$/.test(e.name) ? [join(dir, e.name)] : [],
  );
const files = [...sources('include'), ...sources('src')].sort();

// "Compile": report #error directives the way gcc does (file:line:col: error: message).
let errors = 0;
const hash = createHash('sha256');
for (const f of files) {
  const text = readFileSync(join(root, f), 'utf8');
  hash.update(f).update(text);
  if (f.endsWith('.c')) console.log(`  CC      ${f}`);
  text.split('\n').forEach((line, i) => {
    const m = /^(\s*)#\s*error\b\s*(.*)$/.exec(line);
    if (m) {
      console.error(`${f}:${i + 1}:${m[1].length + 2}: error: #error ${m[2]}`);
      errors++;
    }
  });
}

const header = readFileSync(join(root, 'include/version.h'), 'utf8');
const found = /^\s*#define\s+FW_VERSION\s+"([^"]*)"/m.exec(header);
if (!found || !found[1]) {
  console.error('include/version.h:1:1: error: FW_VERSION is not defined (expected #define FW_VERSION "1.4.2")');
  errors++;
}
if (errors) {
  console.error(`build failed: ${errors} error${errors > 1 ? 's' : ''}`);
  process.exit(1);
}
const version = found[1];

const out = join(root, 'build');
mkdirSync(out, { recursive: true });
for (const old of readdirSync(out)) if (/^firmware-.*\.bin$/.test(old)) rmSync(join(out, old));

// Filler: xorshift32 seeded by the sources, so the same sources give the same image (and hash).
const image = Buffer.alloc(sizeKb * 1024);
const seed = hash.digest();
let x = seed.readUInt32LE(0) || 1;
for (let i = 0; i + 4 <= image.length; i += 4) {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  image.writeUInt32LE(x >>> 0, i);
}
const head = Buffer.from(`OTABENCH demo firmware\nOTA_BENCH_VERSION=${version}\0`, 'latin1');
head.copy(image, 0, 0, Math.min(head.length, image.length));

console.log(`  LD      build/firmware-${version}.elf`);
const target = join(out, `firmware-${version}.bin`);
writeFileSync(target, image);
console.log(`  OBJCOPY ${relative(root, target)} (${sizeKb} KiB, version ${version})`);
