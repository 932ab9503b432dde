// The `ota-bench` CLI as it ships (dist/cli.js, rebuilt under the shared lock when older than its
// sources), run as a child process; and a workspace of the release bench configured for it: the
// AWS emulator's profile, the board's pty, the demo's build task. Used by the e2e tests and the bench.
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';
import type { ReleaseBench } from './releaseBench';

export const REPO = join(__dirname, '..', '..');
export const CLI = join(REPO, 'dist', 'cli.js');

function newestUnder(dir: string): number {
  let newest = 0;
  for (const f of readdirSync(dir, { recursive: true }) as string[]) if (f.endsWith('.ts')) newest = Math.max(newest, statSync(join(dir, f)).mtimeMs);
  return newest;
}

let checked = false;

/**
 * dist/cli.js, (re)built when missing or older than src/cli, src/core or src/shared. Checked once
 * per test process: a later check would rebuild mid-suite whenever someone edits src/ (waiting on
 * the shared build lock behind their runs: 114 s once for a 4 s case) and change what is tested.
 */
export function builtCli(): string {
  if (checked && existsSync(CLI)) return CLI;
  checked = true;
  const stale = () => !existsSync(CLI) || statSync(CLI).mtimeMs < Math.max(...['cli', 'core', 'shared'].map((d) => newestUnder(join(REPO, 'src', d))));
  if (process.env.OTAB_NO_REBUILD === '1' ? !existsSync(CLI) : stale()) {
    execFileSync('flock', ['-w', '900', '/tmp/otabench-build.lock', process.execPath, join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: 'inherit' });
  }
  return CLI;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<CliResult>;
  /** Resolves with the first stdout JSON event that `match` accepts (with --json). */
  event(match: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

/** Runs `node dist/cli.js …args` (or a shell command line, `shell: true`). */
export function runCli(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; shell?: string }): CliRun {
  const started = performance.now();
  const child = opts.shell ? spawn('bash', ['-c', opts.shell], { cwd: opts.cwd, env: opts.env }) : spawn(process.execPath, [builtCli(), ...args], { cwd: opts.cwd, env: opts.env });
  let stdout = '';
  let stderr = '';
  const waiting: { match: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }[] = [];
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d;
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const l of lines) {
      let e: Record<string, unknown>;
      try {
        e = JSON.parse(l) as Record<string, unknown>;
      } catch {
        continue;
      }
      for (const w of waiting.splice(0)) {
        if (w.match(e)) w.resolve(e);
        else waiting.push(w);
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - started })));
  return {
    child,
    done,
    event: (match) => new Promise((resolve, reject) => {
      waiting.push({ match, resolve });
      void done.then((r) => reject(new Error(`the CLI exited (${r.code}) before the awaited event:\n${r.stderr.slice(-3000)}`)));
    }),
  };
}

export const PROFILE = 'Bench AWS';
export const WRONG_KEY_PROFILE = 'Bench AWS wrong key';

/**
 * Writes the bench workspace's .vscode/settings.json for the CLI (JSONC, with comments and trailing
 * commas as people write it): the emulator's AWS profile twice (the trusted and a stranger's
 * signing key), a Huawei profile whose secrets come from the environment, the demo's build task,
 * the board's port. The AWS keys reach the CLI only through the SDK's environment credentials.
 */
export function writeCliSettings(b: ReleaseBench): { file: string; env: NodeJS.ProcessEnv } {
  const p = b.aws.profile('bench');
  const aws = { kind: 'aws', region: p.region, endpoint: p.endpoint, bucket: p.bucket, thingName: p.thingName, roleArn: p.roleArn };
  const file = join(b.root, '.vscode', 'settings.json');
  mkdirSync(join(b.root, '.vscode'), { recursive: true });
  writeFileSync(
    file,
    `// OTA Bench settings of the bench workspace (written by test/e2e/cliRun.ts)
{
  "otaBench.profiles": [
    ${JSON.stringify({ ...aws, name: PROFILE, signing: { mode: 'local-key', keyFile: 'keys/demo-signing-key.pem', certificateName: '/certs/demo-signing-pub.pem' } })},
    ${JSON.stringify({ ...aws, name: WRONG_KEY_PROFILE, signing: { mode: 'local-key', keyFile: 'keys/wrong-key.pem' } })},
    /* secrets from OTA_BENCH_LAB_HUAWEI_* */
    ${JSON.stringify({ kind: 'huawei', name: 'Lab Huawei', region: 'cn-north-4', projectId: '0123456789abcdef0123456789abcdef', deviceId: 'bench-board-02' })},
  ],
  "otaBench.release.build": { "task": "Build firmware" }, // tasks.json, run as its shell command
  "otaBench.release.artifact": "build/**/*.bin",
  "otaBench.release.version": { "source": "file", "file": "include/version.h" },
  "otaBench.release.packageName": "bench-demo-firmware",
  "otaBench.release.jobTimeoutMinutes": 5,
  "otaBench.serial.port": ${JSON.stringify(b.board.link)},
  "otaBench.serial.baudRate": 115200,
}
`,
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: b.aws.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: b.aws.credentials.secretAccessKey,
    AWS_REGION: b.aws.region,
    AWS_EC2_METADATA_DISABLED: 'true',
    OTA_BENCH_LAB_HUAWEI_ACCESS_KEY: 'HWTESTAK0000000000001',
    OTA_BENCH_LAB_HUAWEI_SECRET_KEY: 'hw-test-secret-key-0000000000000000000001',
    FW_IMAGE_KB: '512',
  };
  for (const k of ['AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_SESSION_TOKEN']) delete env[k];
  return { file, env };
}
