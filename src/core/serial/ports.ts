// Serial port listing and board identity. A USB board can come back under another path after a
// reset or re-enumeration (ttyACM0 → ttyACM1); its serial number, or failing that its VID:PID,
// lets the session follow it.

/** What the OS tells us about a port (serialport's PortInfo, fields optional). */
export interface RawPortInfo {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  pnpId?: string;
  locationId?: string;
  vendorId?: string;
  productId?: string;
  friendlyName?: string;
}

export interface PortEntry {
  path: string;
  /** One line for a picker: "Silicon Labs CP2102 · 10c4:ea60 · SN 0001". */
  description: string;
  manufacturer?: string;
  /** "10c4:ea60", lower case. */
  vidPid?: string;
  serialNumber?: string;
}

export interface BoardIdentity {
  vidPid?: string;
  serialNumber?: string;
}

const hex4 = (s?: string) => (s ? s.toLowerCase().replace(/^0x/, '').padStart(4, '0') : undefined);

export function toPortEntry(p: RawPortInfo): PortEntry {
  const vidPid = p.vendorId && p.productId ? `${hex4(p.vendorId)}:${hex4(p.productId)}` : undefined;
  const parts = [p.friendlyName ?? p.manufacturer, vidPid, p.serialNumber ? `SN ${p.serialNumber}` : undefined].filter(Boolean);
  return {
    path: p.path,
    description: parts.length ? parts.join(' · ') : 'no USB details',
    manufacturer: p.manufacturer,
    vidPid,
    serialNumber: p.serialNumber,
  };
}

/** Sorted: USB devices first (they are almost always the board), then by path. */
export function toPortEntries(list: RawPortInfo[]): PortEntry[] {
  return list.map(toPortEntry).sort((a, b) => Number(!a.vidPid) - Number(!b.vidPid) || a.path.localeCompare(b.path, undefined, { numeric: true }));
}

export function identityOf(p: PortEntry | undefined): BoardIdentity | undefined {
  if (!p || (!p.vidPid && !p.serialNumber)) return undefined;
  return { vidPid: p.vidPid, serialNumber: p.serialNumber };
}

/**
 * Where the board with `id` is now. Prefers the serial number; falls back to VID:PID only
 * when exactly one port has it (two identical adapters are ambiguous: better wait than guess).
 */
export function findBoard(id: BoardIdentity, ports: PortEntry[]): PortEntry | undefined {
  if (id.serialNumber) {
    // The PID may change across a reset (USB-CDC boards in bootloader mode); the serial number does not.
    return ports.find((p) => p.serialNumber === id.serialNumber);
  }
  if (id.vidPid) {
    const byId = ports.filter((p) => p.vidPid === id.vidPid);
    return byId.length === 1 ? byId[0] : undefined;
  }
  return undefined;
}
