// OTA Bench: Flash Bench Device. Runs the configured flash tool as a VS Code task (a custom
// execution, so the output streams into the task terminal AND is parsed here), with progress in a
// cancellable notification, the monitor's port released before and taken back after, and a
// failure turned into one message with its fix (also a Problems entry via `$otaBench-flash`).
import { isAbsolute } from 'path';
import * as vscode from 'vscode';
import { buildFlashCommand, findExecutable, FLASH_PRESETS, type FlashCommand } from '../../core/flash/presets';
import type * as FlashRunner from '../../core/flash/releasePort';
import type { ReleasedFlashResult } from '../../core/flash/releasePort';
import { lazyBundle } from '../lazyBundle';
import { errorMessage, log } from '../log';
import type { SerialManager } from '../serial/serialManager';
import { readFlashSettings } from '../serial/settings';

export const FLASH_TASK_TYPE = 'otaBench.flash';
const LAST_FILE_KEY = 'otaBench.flash.lastFile';

export interface FlashArgs {
  /** Image to flash (default: otaBench.flash.file, then the last one, then a file dialog). */
  file?: string;
  /** Override of otaBench.flash.tool / command, for tests and tasks.json. */
  tool?: string;
  command?: string;
  extraArgs?: string;
  port?: string;
}

export function registerFlashCommands(context: vscode.ExtensionContext, manager: SerialManager): vscode.Disposable[] {
  const run = (args: FlashArgs = {}) => flashBenchDevice(context, manager, args);
  return [
    vscode.commands.registerCommand('otaBench.flashDevice', async (args?: FlashArgs) => {
      try {
        return await run(args);
      } catch (e) {
        void vscode.window.showErrorMessage(`OTA Bench: ${errorMessage(e)}`);
        return undefined;
      }
    }),
    // tasks.json: { "type": "otaBench.flash", "file": "build/app.bin" } runs the same flow.
    vscode.tasks.registerTaskProvider(FLASH_TASK_TYPE, {
      provideTasks: () => [flashTask({ type: FLASH_TASK_TYPE }, context, manager)],
      resolveTask: (task) => flashTask(task.definition as vscode.TaskDefinition & FlashArgs, context, manager, task.scope),
    }),
  ];
}

async function resolveImage(context: vscode.ExtensionContext, given?: string): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const abs = (p: string) => (isAbsolute(p) || !folder ? p : vscode.Uri.joinPath(folder, p).fsPath);
  const configured = given ?? readFlashSettings().file ?? context.workspaceState.get<string>(LAST_FILE_KEY);
  if (configured) return abs(configured);
  const picked = await vscode.window.showOpenDialog({
    title: 'OTA Bench: Firmware image to flash',
    canSelectMany: false,
    defaultUri: folder,
    filters: { 'Firmware images': ['bin', 'hex', 'elf', 'zip', 'uf2'], 'All files': ['*'] },
  });
  return picked?.[0]?.fsPath;
}

async function buildCommand(manager: SerialManager, args: FlashArgs, file: string): Promise<FlashCommand | undefined> {
  const s = readFlashSettings();
  const tool = (args.tool ?? s.tool) as keyof typeof FLASH_PRESETS;
  const preset = FLASH_PRESETS[tool];
  if (!preset) throw new Error(`otaBench.flash.tool "${tool}" is not one of ${Object.keys(FLASH_PRESETS).join(', ')}`);
  let port = args.port ?? manager.status.path ?? manager.port?.path;
  if (!port && preset.usesSerialPort) {
    const ok = await vscode.commands.executeCommand<boolean>('otaBench.serial.selectPort');
    port = ok ? manager.status.path ?? manager.port?.path : undefined;
    if (!port) return undefined;
  }
  const executable = s.toolPath ?? findExecutable(preset.executables) ?? preset.executables[0];
  return buildFlashCommand(tool, { port, file, baud: s.baudRate, offset: s.offset, extraArgs: args.extraArgs ?? s.extraArgs }, { customCommand: args.command ?? s.command, executable });
}

function flashPort(cmd: FlashCommand, args: FlashArgs, manager: SerialManager): string | undefined {
  return cmd.preset.usesSerialPort ? args.port ?? manager.status.path ?? manager.port?.path : undefined;
}

/** One run: what the task's terminal shows and what the command awaits. */
interface FlashRun {
  cmd: FlashCommand;
  file: string;
  port?: string;
  onProgress?: (percent: number, phase?: string) => void;
  signal?: AbortSignal;
  result?: Promise<ReleasedFlashResult>;
}

/** The tool runner, dist/flash.js (core/flash/releasePort.ts): loaded on the first flash, not at activation. */
let loadFlash: (() => typeof FlashRunner) | undefined;
const flashRunner = (extensionPath: string) => (loadFlash ??= lazyBundle<typeof FlashRunner>(extensionPath, 'flash', ['flashReleasingPort']));

function flashTerminal(run: FlashRun, manager: SerialManager, extensionPath: string, done: (r: ReleasedFlashResult) => void): vscode.Pseudoterminal {
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number>();
  const out = (s: string) => write.fire(s.replace(/\r?\n/g, '\r\n'));
  return {
    onDidWrite: write.event,
    onDidClose: close.event,
    open: () => {
      out(`\x1b[1m> ${run.cmd.display}\x1b[0m\n`);
      const session = manager.existing;
      if (session?.isOpen && run.cmd.preset.usesSerialPort) out(`releasing ${session.status.path} from the Bench Monitor while flashing…\n`);
      run.result = Promise.resolve().then(() => flashRunner(extensionPath)().flashReleasingPort(session, run.cmd, {
        cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
        port: run.port,
        file: run.file,
        signal: run.signal,
        onOutput: out,
        onProgress: (p) => run.onProgress?.(p.percent, p.phase),
        onDiagnosis: (f) => out(`\x1b[33m⚠ ${f.message}\x1b[0m\n`),
      }));
      void run.result.then(
        (r) => {
          if (r.ok) out(`\n\x1b[32m✔ flashed in ${(r.ms / 1000).toFixed(1)} s\x1b[0m\n`);
          else if (r.failure) out(`\nOTA Bench flash: error: ${run.file}: ${r.failure.message} Fix: ${r.failure.fix}\n`);
          if (r.released) out(r.reopened ? `serial port taken back by the Bench Monitor\n` : `serial port not back yet; the monitor keeps trying\n`);
          done(r);
          close.fire(r.ok ? 0 : 1);
        },
        (e) => {
          out(`\nOTA Bench flash: error: ${run.file}: ${errorMessage(e)}\n`);
          close.fire(1);
        },
      );
    },
    close: () => undefined,
  };
}

function flashTask(def: vscode.TaskDefinition & FlashArgs, context: vscode.ExtensionContext, manager: SerialManager, scope?: vscode.Task['scope'], run?: FlashRun, done?: (r: ReleasedFlashResult) => void): vscode.Task {
  const exec = new vscode.CustomExecution(async () => {
    if (run) return flashTerminal(run, manager, context.extensionPath, done ?? (() => undefined));
    // Started from tasks.json / Run Task: resolve everything now.
    const file = await resolveImage(context, def.file);
    if (!file) throw new Error('no firmware image chosen');
    const cmd = await buildCommand(manager, def, file);
    if (!cmd) throw new Error('no serial port selected');
    return flashTerminal({ cmd, file, port: flashPort(cmd, def, manager) }, manager, context.extensionPath, () => undefined);
  });
  const task = new vscode.Task(def, scope ?? vscode.TaskScope.Workspace, 'Flash Bench Device', 'OTA Bench', exec, ['$otaBench-flash']);
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  return task;
}

export async function flashBenchDevice(context: vscode.ExtensionContext, manager: SerialManager, args: FlashArgs): Promise<ReleasedFlashResult | undefined> {
  const file = await resolveImage(context, args.file);
  if (!file) return undefined;
  const cmd = await buildCommand(manager, args, file);
  if (!cmd) return undefined;
  await context.workspaceState.update(LAST_FILE_KEY, file);
  log().info(`flash: ${cmd.display}`);
  const port = flashPort(cmd, args, manager);

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Flashing with ${cmd.preset.id === 'custom' ? cmd.command : cmd.preset.label}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let shown = 0;
      const run: FlashRun = {
        cmd,
        file,
        port,
        signal: abort.signal,
        onProgress: (percent, phase) => {
          if (percent < shown) shown = 0; // a new phase (verify after write) starts over
          progress.report({ increment: percent - shown, message: `${phase ?? 'Writing'} ${percent}%` });
          shown = percent;
        },
      };
      const finished = new Promise<ReleasedFlashResult>((resolve) => {
        void vscode.tasks.executeTask(flashTask({ type: FLASH_TASK_TYPE, file }, context, manager, undefined, run, resolve));
      });
      return finished;
    },
  );

  if (result.ok) {
    void vscode.window.showInformationMessage(`OTA Bench: flashed ${vscode.workspace.asRelativePath(file)} in ${(result.ms / 1000).toFixed(1)} s.`);
  } else if (result.failure) {
    log().error(`flash failed: ${result.failure.message} ${result.failure.evidence ?? ''}`);
    const actions = result.failure.kind === 'port-missing' || result.failure.kind === 'busy' ? ['Select Port', 'Open Settings'] : ['Open Settings'];
    void vscode.window.showErrorMessage(`Flash failed: ${result.failure.message} ${result.failure.fix}`, ...actions).then((a) => {
      if (a === 'Select Port') void vscode.commands.executeCommand('otaBench.serial.selectPort');
      if (a === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'otaBench.flash');
    });
  }
  return result;
}
