// Serial commands: Select Port, Connect, Disconnect, Send (line / hex), Save Log, Clear, Release
// and Take Back the port. Each accepts its input as an argument too (tests, keybindings, tasks).
import { writeFile } from 'fs/promises';
import * as vscode from 'vscode';
import { lineBytes, renderLine } from '../../core/serial/line';
import { parseHexBytes } from '../../core/serial/hex';
import { errorMessage } from '../log';
import { MonitorPanel } from '../monitor/monitorPanel';
import { savedLogHeader } from '../monitor/logHeader';
import { defaultSaveFolder, rememberSaveFolder, showSaved } from '../monitor/saveLocation';
import { toPortStatus } from '../serial/logLines';
import { pickPort } from '../serial/portPicker';
import type { SerialManager } from '../serial/serialManager';
import type { ChosenPort } from '../serial/settings';

type PortArg = string | ChosenPort | undefined;

export function registerSerialCommands(manager: SerialManager): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: never[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (e) {
        void vscode.window.showErrorMessage(`OTA Bench: ${errorMessage(e)}`);
        return undefined;
      }
    });

  const selectPort = async (arg?: PortArg): Promise<boolean> => {
    const port = typeof arg === 'string' ? { path: arg } : arg ?? (await pickPort(manager.driver, manager.port, manager.existing?.options.baudRate, !!manager.existing?.isOpen));
    if (!port) return false;
    const ok = await manager.connect(port);
    if (!ok) {
      const st = manager.status;
      void vscode.window.showWarningMessage(`OTA Bench: ${st.message ?? `cannot open ${port.path}`}`);
    }
    return ok;
  };

  return [
    reg('otaBench.serial.selectPort', selectPort),
    reg('otaBench.serial.connect', async (arg?: PortArg) => (arg || manager.port ? (arg ? selectPort(arg) : manager.connect()) : selectPort())),
    reg('otaBench.serial.disconnect', () => manager.disconnect()),
    reg('otaBench.serial.send', async (text?: string) => {
      const line = text ?? (await askLine(manager.existing?.history.recent() ?? []));
      if (line === undefined) return false;
      await manager.send(line);
      return true;
    }),
    reg('otaBench.serial.sendHex', async (hex?: string) => {
      const bytes =
        hex ??
        (await vscode.window.showInputBox({
          title: 'OTA Bench: Send Hex Bytes',
          placeHolder: 'de ad be ef',
          validateInput: (v) => {
            try {
              parseHexBytes(v);
              return undefined;
            } catch (e) {
              return errorMessage(e);
            }
          },
        }));
      if (bytes === undefined) return false;
      await manager.send(bytes, undefined, true);
      return true;
    }),
    reg('otaBench.serial.saveLog', async (target?: vscode.Uri) => {
      const lines = manager.lines();
      if (lines.length === 0) {
        void vscode.window.showInformationMessage('OTA Bench: the serial log is empty.');
        return undefined;
      }
      const savedAt = new Date();
      const stamp = savedAt.toISOString().replace(/[:.]/g, '-').slice(0, 19);
      const uri =
        target ??
        (await vscode.window.showSaveDialog({
          title: 'Save Serial Log',
          defaultUri: vscode.Uri.joinPath(defaultSaveFolder('log'), `serial-${stamp}.log`),
          filters: { 'Log (text with timestamps)': ['log', 'txt'], 'Raw bytes as received': ['bin', 'raw'] },
        }));
      if (!uri) return undefined;
      // .bin/.raw: the bytes exactly as received; anything else: readable lines with host time,
      // after a "# " header saying where they came from and how the monitor was filtering them.
      const raw = /\.(bin|raw)$/i.test(uri.fsPath);
      const header = () => savedLogHeader({ savedAt, port: toPortStatus(manager.status, manager.port), lines: lines.length, view: MonitorPanel.active?.viewState, levels: MonitorPanel.workspaceLevels });
      const data = raw ? Buffer.concat(lines.filter((l) => l.dir === 'rx').map(lineBytes).filter((b): b is Buffer => !!b)) : header() + lines.map((l) => renderLine(l) + '\n').join('');
      await writeFile(uri.fsPath, data);
      if (!target) rememberSaveFolder('log', uri);
      void showSaved(`OTA Bench: saved ${lines.length.toLocaleString('en-US')} lines to ${vscode.workspace.asRelativePath(uri)}.`, uri);
      return uri;
    }),
    reg('otaBench.serial.clear', () => manager.clear()),
    reg('otaBench.serial.release', () => manager.existing?.pause('released by command')),
    reg('otaBench.serial.resume', () => manager.existing?.resume(3000)),
  ];
}

/** A line to send: type a new one or pick from the history (newest first). */
async function askLine(history: string[]): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick();
  qp.title = 'OTA Bench: Send to Serial Port';
  qp.placeholder = 'Type a line to send (Enter), or pick one you sent before';
  const past = history.map((h) => ({ label: h, description: 'sent before' }));
  qp.items = past;
  // What is typed is always the first choice, so Enter never sends a history line it merely resembles.
  qp.onDidChangeValue((v) => (qp.items = v ? [{ label: v, description: 'send' }, ...past.filter((p) => p.label !== v)] : past));
  qp.show();
  const value = await new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]?.label ?? qp.value));
    qp.onDidHide(() => resolve(undefined));
  });
  qp.dispose();
  return value;
}
