// Runs a flash command (no shell), streams its output, reports progress as it is printed and,
// on failure, what went wrong and how to fix it. The editor side shows the output in a task
// terminal and the progress in a notification; tests run it directly against real tools.
import { spawn } from 'child_process';
import { accessSync, constants, existsSync } from 'fs';
import { diagnoseOutput, genericFailure, notFound, type DiagnoseContext, type FlashFailure } from './diagnose';
import type { FlashCommand } from './presets';
import { ProgressParser, type ProgressUpdate } from './progress';

export interface FlashRunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Everything the tool prints (stdout and stderr, in arrival order). */
  onOutput?: (text: string) => void;
  onProgress?: (p: ProgressUpdate) => void;
  /** A known failure seen while the tool still runs (avrdude retries for a minute). */
  onDiagnosis?: (f: FlashFailure) => void;
  /** Port and file, for clearer messages. */
  port?: string;
  file?: string;
  /** Output kept for diagnosis (the tail). */
  keepBytes?: number;
}

export interface FlashResult {
  ok: boolean;
  exitCode: number | null;
  ms: number;
  failure?: FlashFailure;
  /** Last progress seen. */
  progress?: ProgressUpdate;
  output: string;
}

export function runFlash(cmd: FlashCommand, opts: FlashRunOptions = {}): Promise<FlashResult> {
  const t0 = Date.now();
  const ctx: DiagnoseContext = { tool: cmd.preset.id === 'custom' ? cmd.command : cmd.preset.label, port: opts.port, file: opts.file };
  const progress = new ProgressParser(cmd.preset.id);
  const keep = opts.keepBytes ?? 256 * 1024;
  let output = '';
  let lastProgress: ProgressUpdate | undefined;
  let early: FlashFailure | undefined;

  if (opts.file && !existsSync(opts.file)) {
    const failure: FlashFailure = { kind: 'file-missing', message: `The image ${opts.file} does not exist.`, fix: 'Build first, or point otaBench.flash.file at the built artifact.' };
    return Promise.resolve({ ok: false, exitCode: null, ms: 0, failure, output });
  }

  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Omit<FlashResult, 'ms' | 'output' | 'progress'>) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', abort);
      resolve({ ...r, ms: Date.now() - t0, output, progress: lastProgress });
    };
    const child = spawn(cmd.command, cmd.args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const abort = () => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    };
    if (opts.signal?.aborted) abort();
    opts.signal?.addEventListener('abort', abort);

    const onText = (buf: Buffer) => {
      const text = buf.toString('utf8');
      output = (output + text).slice(-keep);
      opts.onOutput?.(text);
      const p = progress.push(text);
      if (p) {
        lastProgress = p;
        opts.onProgress?.(p);
      }
      if (!early) {
        early = diagnoseOutput(output, ctx);
        if (early) opts.onDiagnosis?.(early);
      }
    };
    child.stdout.on('data', onText);
    child.stderr.on('data', onText);
    child.on('error', (e: NodeJS.ErrnoException) => {
      const failure = e.code === 'ENOENT' ? notFound(ctx, cmd.preset.install) : { kind: 'exit-code' as const, message: `${ctx.tool} could not start: ${e.message}`, fix: 'Check otaBench.flash.toolPath and the tool’s permissions.' };
      finish({ ok: false, exitCode: null, failure });
    });
    child.on('close', (code, sig) => {
      if (opts.signal?.aborted) {
        return finish({ ok: false, exitCode: code, failure: { kind: 'cancelled', message: 'Flashing was cancelled.', fix: 'The board may hold a partial image: flash again before using it.' } });
      }
      if (code === 0) return finish({ ok: true, exitCode: 0 });
      if (code === 127 && /not found|No such file/i.test(output)) return finish({ ok: false, exitCode: code, failure: notFound(ctx, cmd.preset.install) });
      const known = diagnoseOutput(output, ctx);
      const failure = known ? refinePortFailure(known, opts.port) : genericFailure(output, code ?? (sig ? null : -1), ctx);
      finish({ ok: false, exitCode: code, failure });
    });
  });
}

/**
 * Some tools say only "Failed to open port" whatever the cause; looking at the port tells a
 * missing device from one we may not open.
 */
export function refinePortFailure(f: FlashFailure, port: string | undefined): FlashFailure {
  if (f.kind !== 'port-missing' || !port) return f;
  if (!existsSync(port)) return { ...f, message: `${port} does not exist (the board is unplugged, or it came back under another name).` };
  try {
    accessSync(port, constants.R_OK | constants.W_OK);
  } catch {
    return { ...f, kind: 'permission', message: `Permission denied opening ${port}.`, fix: 'Give your user access to the port: sudo usermod -aG dialout $USER, then log out and back in.' };
  }
  return {
    ...f,
    message: `${port} exists but the tool could not open it: no permission for the user the tool runs as, another program holds it, or it is not a real serial device.`,
    fix: 'Close other monitors on the port; check its owner/group (ls -l the port) and add your user to that group (dialout) if needed.',
  };
}
