// The README and the docs match the product: links stay inside the repository, every palette
// command the README lists is in the palette (a hidden one is not listed as such), the system
// packages are those scripts/lib/system-deps.mjs installs, F5 has a launch configuration that is
// committed but not shipped, and docs/ci.md explains every exit code of the CLI.
import { strict as assert } from 'assert';
import { existsSync, readFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { EXIT } from '../../src/cli/exit';
import { parseJsonc } from '../../src/core/jsonc';

const root = resolve(__dirname, '../..');
const read = (f: string) => readFileSync(join(root, f), 'utf8');

interface Manifest {
  contributes: { commands: { command: string; title: string; category?: string }[]; menus: { commandPalette: { command: string; when?: string }[] } };
}

describe('README and docs match the product', () => {
  const readme = read('README.md');

  it('links only to files in this repository, and they exist', () => {
    for (const file of ['README.md', 'docs/ci.md', 'docs/architecture.md']) {
      for (const m of read(file).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        const target = m[1];
        if (/^[a-z]+:/.test(target)) continue;
        const path = resolve(join(root, dirname(file)), target);
        assert.ok(path.startsWith(root + '/'), `${file} links outside the repository: ${target}`);
        assert.ok(existsSync(path), `${file} links to a missing file: ${target}`);
      }
    }
    assert.match(readme, /\(docs\/architecture\.md\)/);
  });

  it('lists as palette commands only commands that are in the palette', async () => {
    const pkg = JSON.parse(read('package.json')) as Manifest;
    const hidden = new Set(pkg.contributes.menus.commandPalette.filter((m) => m.when === 'false').map((m) => m.command));
    const titles = pkg.contributes.commands.map((c) => ({ ...c, full: `${c.category ? `${c.category}: ` : ''}${c.title}` }));
    const table = readme.slice(readme.indexOf('## Commands'), readme.indexOf('## Settings'));
    const listed = [...table.matchAll(/^\| (`OTA Bench: [^|]+)\|/gm)].flatMap((m) => [...m[1].matchAll(/`(?:OTA Bench: )?([^`]+)`/g)].map((x) => `OTA Bench: ${x[1].trim()}`));
    assert.ok(listed.length > 15, listed.join(', '));
    for (const name of listed) {
      const cmd = titles.find((c) => c.full === name || c.full.startsWith(`${name} (`));
      assert.ok(cmd, `README lists "${name}", which is no command's title`);
      assert.ok(!hidden.has(cmd.command), `README lists "${name}" as a palette command, but ${cmd.command} is hidden from the palette`);
    }
    // The check can fail: Refresh is hidden.
    assert.ok(hidden.has('otaBench.refresh'));
  });

  it('names every system package scripts/lib/system-deps.mjs installs', async () => {
    const deps = (await import(join(root, 'scripts/lib/system-deps.mjs'))) as { SYSTEM_PACKAGES: { pkg: string }[] };
    for (const { pkg } of deps.SYSTEM_PACKAGES) assert.match(readme, new RegExp(`\`${pkg.replace(/[.+]/g, '\\$&')}\``), `README does not name ${pkg}`);
  });

  it('F5 runs the extension: .vscode/launch.json, committed (not git-ignored), not in the .vsix', () => {
    const launch = parseJsonc(read('.vscode/launch.json')) as { configurations: { type: string; args?: string[] }[] };
    const ext = launch.configurations.find((c) => c.type === 'extensionHost');
    assert.ok(ext?.args?.includes('--extensionDevelopmentPath=${workspaceFolder}'));
    assert.ok(!read('.gitignore').split('\n').some((l) => /^\/?\.vscode\/?$/.test(l.trim())), '.vscode is not git-ignored');
    const vscodeignore = read('.vscodeignore').split('\n');
    assert.ok(vscodeignore.includes('**') && !vscodeignore.some((l) => l.startsWith('!.vscode')), 'the .vsix leaves .vscode out');
  });

  it('docs/ci.md explains every exit code of the CLI', () => {
    const ci = read('docs/ci.md');
    for (const code of Object.values(EXIT)) assert.match(ci, new RegExp(`^\\| ${code} \\|`, 'm'), `exit code ${code}`);
  });
});
