// The port picker: listed ports (description, manufacturer, VID:PID, serial number), "Enter a
// path…" for what the OS does not list (ptys, network bridges, odd drivers), then the baud rate.
import * as vscode from 'vscode';
import { STANDARD_BAUD_RATES, parseBaudRate } from '../../core/serial/options';
import { identityOf, toPortEntries, type PortEntry } from '../../core/serial/ports';
import type { SerialDriver } from '../../core/serial/transport';
import { errorMessage } from '../log';
import { orderPorts } from './portOrder';
import type { ChosenPort } from './settings';

interface PortItem extends vscode.QuickPickItem {
  entry?: PortEntry;
  typed?: boolean;
}

/** Lists ports, the one open now first and marked; a listing failure (no udev, no permission) still leaves "Enter a path…". */
export async function listPortItems(driver: SerialDriver, current?: string, openNow = false): Promise<PortItem[]> {
  const items: PortItem[] = [];
  try {
    const ports = orderPorts(toPortEntries(await driver.list()), { path: current, open: openNow });
    for (const { entry: p, mark } of ports) {
      items.push({
        label: `${mark === 'open now' ? '$(pass-filled)' : '$(plug)'} ${p.path}`,
        description: mark ? `${mark} · ${p.description}` : p.description,
        detail: [p.manufacturer, p.serialNumber && `serial ${p.serialNumber}`].filter(Boolean).join(' · ') || undefined,
        entry: p,
      });
    }
    if (ports.length === 0) items.push({ label: 'No serial ports found', kind: vscode.QuickPickItemKind.Separator });
  } catch (e) {
    items.push({ label: `Could not list ports: ${errorMessage(e)}`, kind: vscode.QuickPickItemKind.Separator });
  }
  items.push({ label: '$(edit) Enter a path…', description: 'e.g. /dev/ttyUSB0, COM3, a pty from socat', typed: true });
  return items;
}

export async function pickPort(driver: SerialDriver, current?: ChosenPort, currentBaud?: number, openNow = false): Promise<ChosenPort | undefined> {
  const qp = vscode.window.createQuickPick<PortItem>();
  qp.title = 'OTA Bench: Select Serial Port (1/2)';
  qp.placeholder = 'The bench board’s serial port';
  qp.busy = true;
  qp.show();
  qp.items = await listPortItems(driver, current?.path, openNow);
  // The port open now (or last used) is first and highlighted: Enter keeps it.
  if (current?.path && qp.items[0]?.entry?.path === current.path) qp.activeItems = [qp.items[0]];
  qp.busy = false;
  const chosen = await new Promise<PortItem | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
  });
  qp.dispose();
  if (!chosen) return undefined;
  let path = chosen.entry?.path;
  if (chosen.typed) {
    path = (
      await vscode.window.showInputBox({
        title: 'OTA Bench: Serial Port Path',
        prompt: 'Path of the serial device',
        value: current?.path ?? '',
        placeHolder: process.platform === 'win32' ? 'COM3' : '/dev/ttyUSB0',
        validateInput: (v) => (v.trim() ? undefined : 'Enter a device path'),
      })
    )?.trim();
  }
  if (!path) return undefined;
  const baudRate = await pickBaud(currentBaud ?? current?.baudRate);
  if (!baudRate) return undefined;
  return { path, baudRate, identity: identityOf(chosen.entry) };
}

export async function pickBaud(current = 115200): Promise<number | undefined> {
  const items: (vscode.QuickPickItem & { baud?: number })[] = STANDARD_BAUD_RATES.map((b) => ({ label: String(b), description: b === current ? 'current' : undefined, baud: b }));
  items.push({ label: '$(edit) Custom…', description: 'any rate the adapter supports' });
  const pick = await vscode.window.showQuickPick(items, { title: 'OTA Bench: Select Serial Port (2/2): baud rate', placeHolder: `Baud rate (now ${current})` });
  if (!pick) return undefined;
  if (pick.baud) return pick.baud;
  const typed = await vscode.window.showInputBox({
    title: 'OTA Bench: Custom Baud Rate',
    value: String(current),
    validateInput: (v) => (parseBaudRate(v) ? undefined : 'A whole number of bits per second (e.g. 250000, 1.5M)'),
  });
  return typed ? parseBaudRate(typed) : undefined;
}
