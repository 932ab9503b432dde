import { strict as assert } from 'assert';
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative, resolve } from 'path';

// DESIGN.md's layer rules, checked on the source text so they hold whatever the linter config says.
const root = resolve(__dirname, '../..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3],
  );

export function layerViolations(): string[] {
  const bad: string[] = [];
  for (const f of tsFiles(join(root, 'src/core'))) {
    for (const spec of importsOf(f)) if (spec === 'vscode') bad.push(`${relative(root, f)} imports vscode`);
  }
  for (const f of tsFiles(join(root, 'webview-ui'))) {
    for (const spec of importsOf(f)) {
      if (spec === 'vscode') bad.push(`${relative(root, f)} imports vscode`);
      if (spec.startsWith('.')) {
        const target = relative(root, resolve(join(f, '..'), spec));
        if (target.startsWith('src/') && !target.startsWith('src/shared/')) bad.push(`${relative(root, f)} imports ${target}`);
      }
    }
  }
  return bad;
}

describe('layers', () => {
  it('src/core never imports vscode and webview-ui imports only src/shared', () => {
    assert.deepEqual(layerViolations(), []);
  });

  it('the check catches a violation (core importing vscode, webview importing src/vscode)', () => {
    const sample = "import * as vscode from 'vscode';\nimport { x } from '../../src/vscode/log';\n";
    const specs = [...sample.matchAll(/from\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
    assert.deepEqual(specs, ['vscode', '../../src/vscode/log']);
    const target = relative(root, resolve(join(root, 'webview-ui/monitor'), specs[1]));
    assert.ok(target.startsWith('src/') && !target.startsWith('src/shared/'));
  });
});
