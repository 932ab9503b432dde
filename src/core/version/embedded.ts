// A version string embedded in the image itself, so that a stale build (the header says 1.4.2 but
// the .bin was built from 1.4.1) is caught before upload, and so the virtual board knows which
// version it "boots". Format: the ASCII marker, the version, a NUL byte, within the first 64 KiB
// (the virtual board's imageVersion() in test/bench/board/flashProtocol.ts reads the same marker).
// The demo's build script (demo/workspace/scripts/build.mjs) writes exactly this.

import { open } from 'fs/promises';

export const VERSION_MARKER = 'OTA_BENCH_VERSION=';
export const MARKER_WINDOW = 64 * 1024;

/** The bytes a build writes into its image: marker + version + NUL. */
export function versionStamp(version: string): Buffer {
  return Buffer.from(`${VERSION_MARKER}${version}\0`, 'latin1');
}

/** The version stamped in an image's first 64 KiB, or undefined when it carries none. */
export function embeddedVersion(image: Uint8Array): string | undefined {
  const head = Buffer.from(image.buffer, image.byteOffset, Math.min(image.byteLength, MARKER_WINDOW));
  const at = head.indexOf(VERSION_MARKER, 0, 'latin1');
  if (at < 0) return undefined;
  const start = at + VERSION_MARKER.length;
  const end = head.indexOf(0, start);
  if (end < 0 || end - start > 256) return undefined;
  const v = head.toString('latin1', start, end);
  return /^[\x21-\x7e]+$/.test(v) ? v : undefined;
}

/** Reads only the window that can hold the stamp. */
export async function readEmbeddedVersion(path: string): Promise<string | undefined> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(MARKER_WINDOW);
    const { bytesRead } = await fh.read(buf, 0, MARKER_WINDOW, 0);
    return embeddedVersion(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}
