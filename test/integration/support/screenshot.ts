// Screenshots of the live workbench: the test logs a marker line, the runner (Playwright, outside
// the extension host) sees it, waits for rendering and saves <screenshots>/<name>.png; the test
// waits for that file so the UI stays as it was until the picture is taken.
import * as fs from 'fs';
import * as path from 'path';
import { testEnv } from './env';
import { waitFor } from './wait';

export const SCREENSHOT_MARKER = '@@SCREENSHOT';

/** Asks the runner for a screenshot; returns its path, or undefined when the host has no runner. */
export async function screenshot(name: string, settleMs = 800): Promise<string | undefined> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`screenshot name "${name}" must be [A-Za-z0-9_.-]`);
  const dir = testEnv().screenshots;
  if (!dir) {
    console.log(`(screenshot ${name} not taken: no screenshot runner in this host)`);
    return undefined;
  }
  const file = path.join(dir, `${name}.png`);
  fs.rmSync(file, { force: true });
  console.log(`${SCREENSHOT_MARKER} ${name} ${settleMs}`);
  return waitFor(`screenshot ${file}`, () => fs.existsSync(file) && file, settleMs + 15_000, 100);
}
