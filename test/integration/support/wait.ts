// Bounded polling for the things a test waits on (a file, a tree update, a webview message).

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await sleep(everyMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Rejects with a clear message if `p` does not settle in time. */
export function within<T>(what: string, p: Thenable<T>, timeoutMs = 10_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${what}`)), timeoutMs);
    Promise.resolve(p).then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

/**
 * Reveals `node` in `view`, retrying while the workbench has not drawn it yet: getChildren has
 * returned it, but reveal fails with "Data tree node not found" until the view renders it.
 */
export async function revealWhenShown<T>(view: { reveal(node: T, opts?: { select?: boolean; focus?: boolean; expand?: boolean | number }): Thenable<void> }, node: T, opts: { select?: boolean; focus?: boolean; expand?: boolean | number }): Promise<void> {
  await waitFor('the view to show the node', async () => {
    await view.reveal(node, opts);
    return true;
  });
}
