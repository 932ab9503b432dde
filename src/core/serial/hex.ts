// Hex input for "send bytes" and a compact hex rendering for logs and sent-byte echoes.

/**
 * Parses "de ad BE EF", "0xde,0xad", "deadbeef" or "de:ad" into bytes. Throws with the offending
 * token so the send box can say what is wrong.
 */
export function parseHexBytes(input: string): Buffer {
  const tokens = input.trim().split(/[\s,:;]+/).filter(Boolean);
  const out: number[] = [];
  for (const tok of tokens) {
    const t = tok.replace(/^0x/i, '');
    if (!/^[0-9a-fA-F]+$/.test(t)) throw new Error(`"${tok}" is not hex`);
    if (t.length % 2 !== 0) throw new Error(`"${tok}" has an odd number of hex digits`);
    for (let i = 0; i < t.length; i += 2) out.push(parseInt(t.slice(i, i + 2), 16));
  }
  if (out.length === 0) throw new Error('no bytes to send');
  return Buffer.from(out);
}

/** "48 65 6c 6c 6f" */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').replace(/(..)(?!$)/g, '$1 ');
}
