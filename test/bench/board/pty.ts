// A real pseudo-terminal at a stable path, owned through socat: `socat pty,link=PATH STDIO`. The
// board writes to socat's stdin and reads its stdout; whoever opens PATH (the extension, a flash
// tool) is on the other side of a real tty. Unplug = stop socat (the link disappears and the
// reader sees a disconnect); plug = start it again at the same path.
import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import { lstatSync, rmSync } from 'fs';

export class PtyLink {
  private proc: ChildProcessWithoutNullStreams | undefined;
  private dataListeners: ((chunk: Buffer) => void)[] = [];

  constructor(readonly path: string) {}

  get plugged(): boolean {
    return this.proc !== undefined;
  }

  /** Bytes queued toward the pty but not yet taken by socat (grows while nobody reads). */
  get backlog(): number {
    return this.proc?.stdin.writableLength ?? 0;
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListeners.push(listener);
  }

  /** Creates the pty and resolves once PATH exists. */
  async plug(): Promise<void> {
    if (this.proc) return;
    // A SIGKILLed socat leaves a dangling link: remove it or socat refuses to start.
    rmSync(this.path, { force: true });
    const proc = spawn('socat', ['-b', '65536', `pty,raw,echo=0,link=${this.path}`, 'STDIO'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc = proc;
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdout.on('data', (d: Buffer) => {
      for (const l of this.dataListeners) l(d);
    });
    proc.stdin.on('error', () => undefined); // EPIPE after an unplug
    const exited = new Promise<number | null>((r) => proc.once('exit', r));
    proc.once('exit', () => {
      if (this.proc === proc) this.proc = undefined;
    });
    const spawnError = new Promise<Error>((r) => proc.once('error', r));
    for (let i = 0; i < 300; i++) {
      if (this.linkExists()) return;
      const early = await Promise.race([exited.then((c) => `socat exited (${c}): ${stderr.trim()}`), spawnError.then((e) => e.message), delay(10).then(() => undefined)]);
      if (early) {
        this.proc = undefined;
        throw new Error(/ENOENT/.test(early) ? 'socat is not installed (apt-get install socat)' : early);
      }
    }
    throw new Error(`pty link ${this.path} did not appear within 3 s`);
  }

  /** Removes the pty like pulling the USB cable. Resolves when socat has exited. */
  async unplug(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    this.proc = undefined;
    const done = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await done;
    if (signal === 'SIGKILL') return; // leaves the dangling link, as a crash would
    rmSync(this.path, { force: true });
  }

  /** Writes toward the reader; resolves when socat has taken the bytes (back-pressure). */
  write(data: Buffer | string): Promise<void> {
    const proc = this.proc;
    if (!proc) return Promise.resolve(); // unplugged: a UART with no cable just loses it
    if (proc.stdin.write(data)) return Promise.resolve();
    return new Promise((r) => {
      const done = () => {
        proc.stdin.off('drain', done);
        proc.off('exit', done);
        r();
      };
      proc.stdin.once('drain', done);
      proc.once('exit', done);
    });
  }

  private linkExists(): boolean {
    try {
      lstatSync(this.path);
      return true;
    } catch {
      return false;
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
