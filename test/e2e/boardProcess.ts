// The virtual board as its own process (test/bench/board/main.ts): stopping and starting it again
// at the same path is a real replug (the pty goes away; the new one is another /dev/pts/N).
// Exports startBoardProcess, stopBoardProcess.
import { spawn, type ChildProcess } from 'child_process';
import { join, resolve } from 'path';
import { RESET_EXIT_CODE } from '../bench/board/main';

const root = resolve(__dirname, '../..');

/** Starts `test/bench/board/main.ts` as its own process; resolves once its port exists. */
export async function startBoardProcess(link: string, version: string, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(join(root, 'node_modules/.bin/tsx'), ['test/bench/board/main.ts', '--link', link, '--version', version, '--rate', '0', '--no-color', ...extra], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((res, rej) => {
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('board ready') && res());
    child.once('exit', (c) => rej(new Error(`board exited ${c}: ${err}`)));
  });
  return child;
}

export async function stopBoardProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}


/**
 * Keeps the board running across resets into a new image (main.ts --exit-on-reset): each time the
 * process ends with RESET_EXIT_CODE, a new one starts with the new version on a new pty at the same
 * path. `versions` lists what each process booted.
 */
export class BoardSupervisor {
  private child: ChildProcess | undefined;
  private stopped = false;
  readonly versions: string[] = [];

  constructor(
    readonly link: string,
    private readonly extra: string[],
  ) {}

  async start(version: string): Promise<void> {
    this.versions.push(version);
    const child = await startBoardProcess(this.link, version, ['--exit-on-reset', ...this.extra]);
    this.child = child;
    let next: string | undefined;
    child.stdout!.on('data', (d: Buffer) => {
      const m = /reset into (\S+)/.exec(d.toString());
      if (m) next = m[1];
    });
    child.once('exit', (code) => {
      if (this.stopped || code !== RESET_EXIT_CODE || !next) return;
      void this.start(next);
    });
  }

  get restarts(): number {
    return this.versions.length - 1;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.child) await stopBoardProcess(this.child);
  }
}
