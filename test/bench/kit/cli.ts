// The emulators' command lines (test/bench/<cloud>-emulator/cli.ts): `--name value` options, one
// JSON line on stdout when ready (the demo and the benches wait for it), then serving until
// SIGINT/SIGTERM. startCliProcess is the other side: run one as a child and read that line.

import { spawn, type ChildProcess } from 'child_process';

export interface CliOptions {
  opt(name: string): string | undefined;
  num(name: string): number | undefined;
  flag(name: string): boolean;
}

export function cliOptions(argv = process.argv.slice(2)): CliOptions {
  const opt = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return { opt, num: (name) => (opt(name) !== undefined ? Number(opt(name)) : undefined), flag: (name) => argv.includes(`--${name}`) };
}

/** Prints `ready` as one JSON line and `banner` on stderr; closes and exits on SIGINT/SIGTERM. */
export function serveUntilSignal(ready: object, banner: string, close: () => Promise<void>): void {
  console.log(JSON.stringify(ready));
  console.error(banner);
  const stop = () => void close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Runs an emulator's main(); a failure prints its message and exits 1. */
export function runCli(main: () => Promise<void>): void {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}

/** Starts an emulator's cli.ts (tsx) as a child process; resolves with its ready JSON line, parsed. */
export function startCliProcess<T>(script: string, args: string[], cwd: string, timeoutMs = 30_000): Promise<{ proc: ChildProcess; ready: T }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start within ${timeoutMs} ms: ${err}`)), timeoutMs);
    proc.stderr!.on('data', (d) => (err += d));
    proc.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      resolve({ proc, ready: JSON.parse(out.slice(0, nl)) as T });
    });
    proc.once('exit', (code) => reject(new Error(`${script} exited ${code}: ${err}`)));
  });
}
