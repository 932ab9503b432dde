// The virtual board's serial flash protocol, line based so it survives a raw tty:
//   host  → `flash begin <size> <sha256> <version>`   board → `FLASH READY <chunkBytes>`
//   host  → `FLASH DATA <offset> <base64>`            board → `FLASH ACK <next offset>`
//   host  → `flash end`                               board → `FLASH OK <version>` then reboots,
//                                                     or `FLASH ERR <reason>`
export const FLASH = {
  ready: 'FLASH READY',
  data: 'FLASH',
  ack: 'FLASH ACK',
  ok: 'FLASH OK',
  err: 'FLASH ERR',
  chunkBytes: 3072,
} as const;

/**
 * The firmware version embedded in an image (`FW_VERSION=1.4.2`, `#define FW_VERSION "1.4.2"`,
 * `firmware version 1.4.2`), so a flashed board boots printing the version it was built with.
 */
export function imageVersion(image: Buffer): string | undefined {
  const head = image.subarray(0, Math.min(image.length, 1 << 20)).toString('latin1');
  const m = /(?:FW_VERSION|firmware[ _]version|OTA_BENCH_VERSION)["'\s:=]+v?([0-9A-Za-z][0-9A-Za-z._+-]{0,63})/i.exec(head);
  return m?.[1];
}
