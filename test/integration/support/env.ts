// Where things are, as the runner (scripts/integration.mjs or scripts/test-electron.mjs) tells the
// extension host through environment variables. Test bundles may run from a copy outside the repo:
// use these rather than __dirname to find repo files.
import * as os from 'os';
import * as path from 'path';

export interface TestEnv {
  /** The repository (source tree, node_modules, test/bench fixtures). */
  repo: string;
  /** A scratch folder for this run (results, temp files). */
  out: string;
  /** The workspace folder the host opened. */
  workspace?: string;
  /** The host's user-data-dir (User/settings.json lives there), when the runner knows it. */
  userDataDir?: string;
  /** Where the runner saves screenshots; unset when no runner can take them (test-electron). */
  screenshots?: string;
  /** Set when the extension under test is the installed .vsix: its extensions folder. */
  installedIn?: string;
}

export function testEnv(): TestEnv {
  const e = process.env;
  const repo = e.OTA_BENCH_REPO ?? path.resolve(__dirname, '../../..');
  return {
    repo,
    out: e.OTA_BENCH_TEST_OUT ?? path.join(os.tmpdir(), 'ota-bench-test'),
    workspace: e.OTA_BENCH_WORKSPACE || undefined,
    userDataDir: e.OTA_BENCH_USER_DATA_DIR || undefined,
    screenshots: e.OTA_BENCH_SCREENSHOTS || undefined,
    installedIn: e.OTA_BENCH_INSTALLED_IN || undefined,
  };
}
