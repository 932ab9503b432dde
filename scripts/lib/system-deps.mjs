// Debian packages the harness needs. Missing ones are installed when running as root (CI);
// otherwise the scripts stop and print the exact command to run.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './proc.mjs';

/** What each package provides, checked by a file or a command on PATH. */
export const SYSTEM_PACKAGES = [
  { pkg: 'chromium', why: 'headless browser that drives the VS Code workbench', file: '/usr/bin/chromium' },
  { pkg: 'socat', why: 'real pseudo-terminals for serial tests', command: 'socat' },
  { pkg: 'udev', why: 'serialport lists ports through udevadm', command: 'udevadm' },
  { pkg: 'ripgrep', why: "VS Code's search (copied into code-server)", command: 'rg' },
  { pkg: 'libkrb5-dev', why: "gssapi headers for code-server's kerberos module", file: '/usr/include/gssapi/gssapi.h' },
  { pkg: 'build-essential', why: "compilers for code-server's native modules", command: 'g++' },
  { pkg: 'python3', why: 'node-gyp', command: 'python3' },
  { pkg: 'pkg-config', why: 'native module builds', command: 'pkg-config' },
  // Chromium only depends on fontconfig: without a font, screenshots show boxes instead of text.
  { pkg: 'fonts-dejavu-core', why: 'a font for the workbench screenshots', file: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' },
  { pkg: 'stm32flash', why: 'real flash-tool failures on a pty (e2e)', command: 'stm32flash' },
  { pkg: 'avrdude', why: 'real flash-tool failures on a pty (e2e)', command: 'avrdude' },
  { pkg: 'gcc-arm-none-eabi', why: 'a real Cortex-M ELF for the backtrace decoding test', command: 'arm-none-eabi-gcc' },
  { pkg: 'binutils-arm-none-eabi', why: 'arm-none-eabi-addr2line decodes crash addresses', command: 'arm-none-eabi-addr2line' },
];

const onPath = (cmd) => (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, cmd)));

export function missingPackages() {
  return SYSTEM_PACKAGES.filter((p) => (p.file ? !existsSync(p.file) : !onPath(p.command)));
}

export function aptCommand(pkgs) {
  return `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
}

/** Makes sure the packages are there. Resolves with what it installed; throws with the command when it cannot. */
export async function ensureSystemPackages({ log, say = console.log } = {}) {
  const missing = missingPackages();
  if (missing.length === 0) return [];
  const pkgs = missing.map((m) => m.pkg);
  const list = missing.map((m) => `  ${m.pkg}: ${m.why}`).join('\n');
  if (process.getuid?.() !== 0) {
    throw new Error(`missing system packages:\n${list}\nInstall them as root, then run again:\n  sudo sh -c '${aptCommand(pkgs)}'`);
  }
  say(`installing system packages: ${pkgs.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update'], { env, log });
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { env, log });
  const still = missingPackages();
  if (still.length) throw new Error(`still missing after apt-get install: ${still.map((m) => m.pkg).join(' ')}`);
  return pkgs;
}
