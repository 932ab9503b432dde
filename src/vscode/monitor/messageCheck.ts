// Every message from the Bench Monitor page is checked here before the host acts on it: the page
// renders device text and could be confused or compromised, so its messages are untrusted input.
// Each type has its schema; a message that fails is rejected with what was wrong (never half-used),
// and the result carries only the known fields. Pure (no `vscode`): unit tests drive it directly.
import { parseHexBytes } from '../../shared/logview/sendInput';
import {
  isObject, MONITOR_COMMANDS, RELEASE_COMMANDS, restoreViewState, SEND_EOLS, type WebviewMessage,
} from '../../shared/protocol';

export type MessageCheck = { ok: true; message: WebviewMessage } | { ok: false; error: string };

/** A line typed into the send box; more is not typing. */
export const MAX_SEND_CHARS = 4096;
/** Copy and CSV export carry up to the page's whole view (200,000 rows). */
export const MAX_TEXT_CHARS = 64 * 1024 * 1024;

class Invalid extends Error {}

const shown = (v: unknown) => {
  const s = typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
  return s;
};

function id(m: Record<string, unknown>): number {
  const v = m.id;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Invalid(`"id" must be an integer (got ${shown(v)})`);
  return v;
}

function text(m: Record<string, unknown>, key: string, max: number): string {
  const v = m[key];
  if (typeof v !== 'string') throw new Invalid(`"${key}" must be text (got ${shown(v)})`);
  if (v.length > max) throw new Invalid(`"${key}" is ${v.length.toLocaleString('en-US')} characters; at most ${max.toLocaleString('en-US')} are accepted`);
  return v;
}

function member<T extends string>(m: Record<string, unknown>, key: string, allowed: readonly T[]): T {
  const v = m[key];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new Invalid(`"${key}" must be one of ${allowed.join(', ')} (got ${shown(v)})`);
  return v as T;
}

function optionalBool(m: Record<string, unknown>, key: string): boolean | undefined {
  const v = m[key];
  if (v === undefined || typeof v === 'boolean') return v;
  throw new Invalid(`"${key}" must be true or false (got ${shown(v)})`);
}

function object(m: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = m[key];
  if (!isObject(v)) throw new Invalid(`"${key}" must be an object (got ${shown(v)})`);
  return v;
}

function build(m: Record<string, unknown>): WebviewMessage {
  switch (m.type) {
    case 'ready':
      if (typeof m.protocol !== 'number') throw new Invalid(`"protocol" must be a number (got ${shown(m.protocol)})`);
      return { type: 'ready', protocol: m.protocol, state: restoreViewState(m.state) };
    case 'state':
      return { type: 'state', state: restoreViewState(m.state) };
    case 'ping':
      return { type: 'ping', id: id(m) };
    case 'send': {
      const t = text(m, 'text', MAX_SEND_CHARS);
      const eol = member(m, 'eol', SEND_EOLS);
      const hex = optionalBool(m, 'hex');
      if (hex) {
        const parsed = parseHexBytes(t);
        if ('error' in parsed) throw new Invalid(`"text" is not hex bytes: ${parsed.error}`);
      }
      return { type: 'send', text: t, eol, ...(hex !== undefined ? { hex } : {}) };
    }
    case 'command':
      return { type: 'command', command: member(m, 'command', MONITOR_COMMANDS) };
    case 'selectBoard':
      return { type: 'selectBoard', board: text(m, 'board', 256) };
    case 'exportCsv':
      return { type: 'exportCsv', csv: text(m, 'csv', MAX_TEXT_CHARS) };
    case 'copy':
      return { type: 'copy', id: id(m), text: text(m, 'text', MAX_TEXT_CHARS) };
    case 'releaseCommand':
      return { type: 'releaseCommand', command: member(m, 'command', RELEASE_COMMANDS) };
    // Test-only answers: the integration tests read them; only their envelope is checked here.
    case 'queryResult': {
      const error = m.error === undefined ? undefined : text(m, 'error', MAX_SEND_CHARS);
      const result = m.result === undefined ? undefined : object(m, 'result');
      return { type: 'queryResult', id: id(m), ...(result ? { result: result as never } : {}), ...(error !== undefined ? { error } : {}) };
    }
    case 'rolloutQueryResult':
      return { type: 'rolloutQueryResult', id: id(m), result: object(m, 'result') as never };
    default:
      throw new Invalid(`unknown message type ${shown(m.type)}`);
  }
}

/** Checks a message from the page against its type's schema. */
export function checkWebviewMessage(m: unknown): MessageCheck {
  if (!isObject(m)) return { ok: false, error: `a message must be an object (got ${shown(m)})` };
  try {
    return { ok: true, message: build(m) };
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    const type = typeof m.type === 'string' ? `"${m.type.slice(0, 40)}" ` : '';
    return { ok: false, error: `${type}message rejected: ${e.message}` };
  }
}
