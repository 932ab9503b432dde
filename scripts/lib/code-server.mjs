// code-server as the real VS Code host for integration tests, the bench and the demo
// (see ../shared/reference/test-hosts.md §1). Installed on demand into a cache folder, once:
// a marker file written at the end of a complete install says it can be reused.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from './proc.mjs';

export const CODE_SERVER_VERSION = '4.100.3';

export function codeServerPaths(root) {
  const cache = join(root, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
  const pkg = join(cache, 'node_modules', 'code-server');
  return { cache, pkg, entry: join(pkg, 'out', 'node', 'entry.js'), marker: join(cache, '.ota-bench-complete') };
}

/** Throwaway XDG folders: code-server and Chromium write there even for --help. */
export function xdgEnv(dir) {
  const env = {};
  for (const [k, sub] of [['XDG_CONFIG_HOME', 'config'], ['XDG_DATA_HOME', 'data'], ['XDG_CACHE_HOME', 'cache']]) {
    env[k] = join(dir, sub);
    mkdirSync(env[k], { recursive: true });
  }
  return env;
}

/** Installs code-server into .vscode-test/ unless a complete install is already there. Returns its paths. */
export async function ensureCodeServer(root, { log, say = console.log } = {}) {
  const p = codeServerPaths(root);
  if (existsSync(p.marker)) return p;
  await withLock(`${p.cache}.lock`, say, async () => {
    if (existsSync(p.marker)) return; // another run finished it while we waited
    const t0 = performance.now();
    say(`installing code-server ${CODE_SERVER_VERSION} into ${p.cache} (once; 1–4 min, from the npm registry)…`);
    rmSync(p.cache, { recursive: true, force: true });
    mkdirSync(p.cache, { recursive: true });
    writeFileSync(join(p.cache, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }, null, 2));
    const env = {
      ...process.env,
      ...xdgEnv(join(p.cache, '.xdg')),
      npm_config_yes: 'true', // node-pty's `npx node-gyp` aborts with yes=false
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      npm_config_unsafe_perm: 'true',
      npm_config_loglevel: 'warn',
    };
    // Headers of the system Node, so native modules build without downloading them.
    if (existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
    const npm = (args, cwd) => run('npm', args, { cwd, env, log });
    // Its own postinstall downloads from GitHub: skip every script, then do its steps by hand.
    await npm(['install', `code-server@${CODE_SERVER_VERSION}`, '--ignore-scripts', '--no-save', '--no-package-lock'], p.cache);
    const vscodeDir = join(p.pkg, 'lib', 'vscode');
    await npm(['install', '--omit=dev', '--ignore-scripts'], vscodeDir);
    // @vscode/ripgrep's postinstall fetches rg from GitHub and skips when bin/ exists: use Debian's.
    const rgBin = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
    mkdirSync(rgBin, { recursive: true });
    copyFileSync(which('rg') ?? '/usr/bin/rg', join(rgBin, 'rg'));
    await npm(['rebuild'], vscodeDir);
    await npm(['install', '--omit=dev'], join(vscodeDir, 'extensions'));
    await npm(['rebuild', 'argon2'], p.cache);
    if (!existsSync(p.entry)) throw new Error(`code-server install incomplete: ${p.entry} is missing`);
    writeFileSync(p.marker, JSON.stringify({ version: CODE_SERVER_VERSION, installedAt: new Date().toISOString(), seconds: (performance.now() - t0) / 1000 }));
    say(`code-server installed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  });
  return p;
}

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const f = join(dir, cmd);
    if (dir && existsSync(f)) return f;
  }
  return undefined;
}

/** A directory lock shared by concurrent runs (several engineers test in one tree). Stale after 15 min. */
async function withLock(dir, say, fn) {
  mkdirSync(join(dir, '..'), { recursive: true });
  for (let waited = 0; ; waited += 2) {
    try {
      mkdirSync(dir);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const age = Date.now() - statSync(dir, { throwIfNoEntry: false })?.mtimeMs;
      if (age > 15 * 60_000) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (waited % 30 === 0) say(`waiting for another code-server install (${dir})…`);
      if (waited > 20 * 60) throw new Error(`gave up waiting for ${dir}`);
      await sleep(2000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Installs a .vsix into an extensions folder with code-server's own CLI. */
export async function installVsix(paths, vsix, { extensionsDir, userDataDir, xdgDir, log }) {
  await run(process.execPath, [paths.entry, '--install-extension', vsix, '--force', '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir], {
    env: { ...process.env, ...xdgEnv(xdgDir) },
    log,
    timeoutMs: 120_000,
  });
}

/**
 * Starts code-server on 127.0.0.1 in its own process group and waits for /healthz.
 * `env` is added to its environment: it reaches the extension host (how tests get their settings).
 */
export async function startCodeServer(paths, { userDataDir, extensionsDir, xdgDir, env = {}, log, port }) {
  port ??= await freePort();
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const args = [
    paths.entry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
  ];
  const { openSync } = await import('node:fs');
  const fd = openSync(log, 'a');
  const child = spawn(process.execPath, args, {
    detached: true, // setsid: stopped as a whole process group
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...xdgEnv(xdgDir), ...env },
  });
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (true) {
    if (exited) throw new Error(`code-server exited during start-up; see ${log}:\n${readFileSync(log, 'utf8').slice(-2000)}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      stopGroup(child.pid);
      throw new Error(`code-server did not answer ${url}/healthz within 60 s; see ${log}`);
    }
    await sleep(200);
  }
  return {
    url,
    port,
    pid: child.pid,
    async stop() {
      if (exited) return;
      stopGroup(child.pid);
      for (let i = 0; i < 30 && !exited; i++) await sleep(100);
      if (!exited) stopGroup(child.pid, 'SIGKILL');
    },
  };
}

function stopGroup(pid, signal = 'SIGTERM') {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}
