// Wires the serial session, its status bar item, the monitor backend and the serial/flash
// commands. Nothing here opens a port or loads serialport unless a port was chosen before.
import * as vscode from 'vscode';
import { registerFlashCommands } from '../commands/flashCommands';
import { registerSerialCommands } from '../commands/serialCommands';
import { log, errorMessage } from '../log';
import { SerialMonitorBackend } from './monitorBackend';
import { SerialManager } from './serialManager';
import { SerialStatusBar } from './statusBar';

export interface SerialServices {
  manager: SerialManager;
  backend: SerialMonitorBackend;
  statusBar: SerialStatusBar;
}

export function registerSerial(context: vscode.ExtensionContext): SerialServices {
  const manager = new SerialManager(context);
  const backend = new SerialMonitorBackend(manager);
  const statusBar = new SerialStatusBar(manager);
  context.subscriptions.push(manager, backend, statusBar, ...registerSerialCommands(manager), ...registerFlashCommands(context, manager));
  void manager.autoStart().catch((e) => log().warn(`serial: reconnecting to the remembered port failed: ${errorMessage(e)}`));
  return { manager, backend, statusBar };
}
