// The send box: a line (or hex bytes) to the board, with the line ending chosen next to it and
// a shell-like ↑/↓ history. Enter sends; the host writes it to the port and echoes it as a 'tx' line.
import { EOL_LABELS, formatHexBytes, parseHexBytes, SendHistory, type SendEol } from '../../src/shared/logview/sendInput';
import type { MonitorViewState } from '../../src/shared/protocol';
import { el, icon, toggleButton } from './dom';

export interface SendEvents {
  send(text: string, eol: SendEol, hex: boolean): void;
  /** Line ending, hex mode or history changed: persist. */
  changed(): void;
}

export type SendBox = ReturnType<typeof buildSendBox>;

export function buildSendBox(state: MonitorViewState, ev: SendEvents) {
  const element = el('div', 'send-box');
  const prompt = icon('chevron-right');
  prompt.classList.add('prompt');
  const input = el('input', 'send-input');
  input.id = 'send';
  input.type = 'text';
  input.spellcheck = false;
  input.autocomplete = 'off';
  input.setAttribute('aria-label', 'Send to the board');
  const eol = el('select', 'eol');
  eol.id = 'eol';
  eol.title = 'Line ending added to what you send';
  eol.setAttribute('aria-label', 'Line ending');
  for (const k of Object.keys(EOL_LABELS) as SendEol[]) {
    const o = el('option', undefined, EOL_LABELS[k]);
    o.value = k;
    eol.append(o);
  }
  const hex = toggleButton('sendHex', 'text:HEX', 'Send Hex Bytes (e.g. "de ad be ef")', () => {
    updatePlaceholder();
    validate();
    ev.changed();
  });
  const send = el('button', 'primary', 'Send');
  send.type = 'button';
  send.id = 'sendButton';
  send.prepend(icon('send'));
  const error = el('span', 'send-error');
  error.id = 'sendError';
  error.setAttribute('role', 'alert');
  element.append(prompt, input, eol, hex, send, error);

  const history = new SendHistory(state.sendHistory ?? []);
  eol.value = state.sendEol;
  hex.setOn(!!state.sendHex);
  const isHex = () => hex.getAttribute('aria-pressed') === 'true';

  function updatePlaceholder() {
    input.placeholder = isHex() ? 'Hex bytes, e.g. de ad be ef' : 'Send to the board';
    input.title = 'Enter sends · ↑/↓ recall sent lines · Esc clears';
  }
  function validate(): boolean {
    const bad = isHex() && input.value.trim() !== '' ? parseHexBytes(input.value) : undefined;
    const msg = bad && 'error' in bad ? bad.error : '';
    error.textContent = msg;
    element.classList.toggle('invalid', !!msg);
    input.setAttribute('aria-invalid', String(!!msg));
    return !msg;
  }
  function submit() {
    const value = input.value;
    if (isHex()) {
      const parsed = parseHexBytes(value);
      if ('error' in parsed) {
        error.textContent = parsed.error;
        element.classList.add('invalid');
        return;
      }
      ev.send(formatHexBytes(parsed.bytes), eol.value as SendEol, true);
    } else {
      // An empty line is a legitimate thing to send (many shells redraw their prompt on it).
      ev.send(value, eol.value as SendEol, false);
    }
    history.record(value);
    input.value = '';
    validate();
    ev.changed();
  }

  input.addEventListener('input', validate);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.isComposing) {
      e.preventDefault();
      submit();
    } else if (e.key === 'ArrowUp') {
      const v = history.up(input.value);
      if (v !== undefined) {
        e.preventDefault();
        input.value = v;
        validate();
      }
    } else if (e.key === 'ArrowDown') {
      const v = history.down();
      if (v !== undefined) {
        e.preventDefault();
        input.value = v;
        validate();
      }
    }
  });
  send.addEventListener('click', submit);
  eol.addEventListener('change', () => ev.changed());
  updatePlaceholder();

  return {
    element,
    input,
    eol,
    hex,
    /**
     * The host could not send `text`: put it back (unless something else was typed since) and say why,
     * so nothing typed is lost to a port that is reconnecting.
     */
    failed(text: string, reason: string) {
      if (input.value === '') input.value = text;
      error.textContent = `Not sent: ${reason}`;
      element.classList.add('invalid');
    },
    /** The send box's part of the persisted state. */
    stateOf(): Pick<MonitorViewState, 'sendEol' | 'sendHex' | 'sendHistory'> {
      return { sendEol: eol.value as SendEol, sendHex: isHex(), sendHistory: [...history.items] };
    },
  };
}
