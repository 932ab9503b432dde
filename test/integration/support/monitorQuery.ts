// Reaching into the Bench Monitor page from a test: the test-only 'query' message drives one of
// the page's controls through its real DOM handlers and returns what the page renders.
import type { MonitorQueryResult, MonitorTestAction, WebviewMessage } from '../../../src/shared/protocol';
import type { MonitorPanel } from '../../../src/vscode/monitor/monitorPanel';
import { waitFor, within } from './wait';

let nextId = 1000;

/** Drives the page (optional action) and returns what it renders. */
export async function queryPage(monitor: MonitorPanel, action?: MonitorTestAction): Promise<MonitorQueryResult> {
  const id = ++nextId;
  const answer = new Promise<MonitorQueryResult>((resolve, reject) => {
    const sub = monitor.onMessage((m) => {
      if (m.type === 'queryResult' && m.id === id) {
        sub.dispose();
        if (m.error || !m.result) reject(new Error(`the page could not answer: ${m.error}`));
        else resolve(m.result);
      }
    });
  });
  monitor.post({ type: 'query', id, action });
  return within(`the page to answer query ${JSON.stringify(action ?? {})}`, answer, 15_000);
}

/** Polls the page until `ok` holds for what it renders. */
export async function untilPage(monitor: MonitorPanel, what: string, ok: (r: MonitorQueryResult) => boolean, timeoutMs = 15_000): Promise<MonitorQueryResult> {
  let last: MonitorQueryResult | undefined;
  try {
    return await waitFor(what, async () => {
      last = await queryPage(monitor);
      return ok(last) && last;
    }, timeoutMs, 100);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlast rows:\n${last?.visibleRows.slice(-12).join('\n')}\nstatus: ${last?.status}`);
  }
}

/** The next message of `type` the page sends. */
export function nextMessage<T extends WebviewMessage['type']>(monitor: MonitorPanel, type: T): Promise<Extract<WebviewMessage, { type: T }>> {
  return new Promise((resolve) => {
    const sub = monitor.onMessage((m) => {
      if (m.type === type) {
        sub.dispose();
        resolve(m as Extract<WebviewMessage, { type: T }>);
      }
    });
  });
}
