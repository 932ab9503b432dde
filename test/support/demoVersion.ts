// The demo firmware project's version lives in include/version.h (FW_VERSION): the one place the
// release suites of every layer stamp it before a Quick Release.
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

/** Stamps `v` as FW_VERSION in the project at `root`. */
export function setDemoVersion(root: string, v: string): void {
  const f = join(root, 'include', 'version.h');
  writeFileSync(f, readFileSync(f, 'utf8').replace(/#define\s+FW_VERSION\s+"[^"]*"/, `#define FW_VERSION "${v}"`));
}
