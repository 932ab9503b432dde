// The host's check of every message from the Bench Monitor page (src/vscode/monitor/messageCheck).
import { strict as assert } from 'assert';
import { checkWebviewMessage, MAX_SEND_CHARS } from '../../src/vscode/monitor/messageCheck';
import { DEFAULT_VIEW_STATE, restoreViewState } from '../../src/shared/protocol';

const ok = (m: unknown) => {
  const r = checkWebviewMessage(m);
  if (!r.ok) assert.fail(`expected accepted: ${r.error}`);
  return r.message;
};
const bad = (m: unknown) => {
  const r = checkWebviewMessage(m);
  assert.equal(r.ok, false, `expected rejected: ${JSON.stringify(m)}`);
  return (r as { error: string }).error;
};

describe('monitor: the host validates every message from the page', () => {
  it('accepts each well-formed message and keeps only its known fields', () => {
    assert.deepEqual(ok({ type: 'send', text: 'reboot', eol: 'crlf', hex: false, extra: '<x>' }), { type: 'send', text: 'reboot', eol: 'crlf', hex: false });
    assert.deepEqual(ok({ type: 'send', text: 'de ad', eol: 'none', hex: true }), { type: 'send', text: 'de ad', eol: 'none', hex: true });
    assert.deepEqual(ok({ type: 'ping', id: 3 }), { type: 'ping', id: 3 });
    assert.deepEqual(ok({ type: 'command', command: 'saveLog' }), { type: 'command', command: 'saveLog' });
    assert.deepEqual(ok({ type: 'releaseCommand', command: 'resume' }), { type: 'releaseCommand', command: 'resume' });
    assert.deepEqual(ok({ type: 'copy', id: 1, text: 'a\nb' }), { type: 'copy', id: 1, text: 'a\nb' });
    assert.deepEqual(ok({ type: 'selectBoard', board: 'bench-2' }), { type: 'selectBoard', board: 'bench-2' });
    assert.deepEqual(ok({ type: 'exportCsv', csv: 't,temp\n1,2\n' }), { type: 'exportCsv', csv: 't,temp\n1,2\n' });
    const ready = ok({ type: 'ready', protocol: 1, state: { ...DEFAULT_VIEW_STATE, hex: true } });
    assert.equal(ready.type === 'ready' && ready.state.hex, true);
  });

  it('an unknown line ending is refused (it would send "rebootundefined")', () => {
    assert.match(bad({ type: 'send', text: 'reboot', eol: 'unix' }), /"send" message rejected: "eol" must be one of lf, cr, crlf, none \(got "unix"\)/);
    assert.match(bad({ type: 'send', text: 'reboot' }), /"eol" must be one of .*got undefined/);
  });

  it('{text: 42} and other wrong types are refused with what was wrong', () => {
    assert.match(bad({ type: 'send', text: 42, eol: 'lf' }), /"text" must be text \(got 42\)/);
    assert.match(bad({ type: 'send', text: 'x', eol: 'lf', hex: 'yes' }), /"hex" must be true or false/);
    assert.match(bad({ type: 'send', text: 'zz top', eol: 'lf', hex: true }), /not hex bytes/);
    assert.match(bad({ type: 'send', text: 'x'.repeat(MAX_SEND_CHARS + 1), eol: 'lf' }), /at most 4,096/);
    assert.match(bad({ type: 'copy', id: 'one', text: 'a' }), /"id" must be an integer/);
    assert.match(bad({ type: 'command', command: 'rm -rf' }), /"command" must be one of pickPort, clear/);
    assert.match(bad({ type: 'releaseCommand', command: 'deleteEverything' }), /must be one of saveBundle/);
    assert.match(bad({ type: 'selectBoard', board: { id: 1 } }), /"board" must be text \(got an object\)/);
    assert.match(bad({ type: 'launch' }), /unknown message type "launch"/);
    assert.match(bad({ text: 42 }), /unknown message type undefined/);
    assert.match(bad(null), /must be an object \(got null\)/);
    assert.match(bad([1, 2]), /must be an object \(got an array\)/);
    assert.match(bad({ type: 'ready', state: {} }), /"protocol" must be a number/);
  });

  it('a forged view state is repaired field by field, never taken as is', () => {
    const s = restoreViewState({
      timestamps: 'yes', hex: 1, follow: false, sendEol: 'reboot', sendHistory: ['ok', 3, null], filter: { include: 42, regex: true },
      levels: { min: 'panic', include: ['wifi', 7, ''], exclude: 'mqtt' }, plot: { open: true, pattern: 5 },
    });
    assert.equal(s.timestamps, DEFAULT_VIEW_STATE.timestamps);
    assert.equal(s.hex, false);
    assert.equal(s.follow, false);
    assert.equal(s.sendEol, 'lf');
    assert.deepEqual(s.sendHistory, ['ok']);
    assert.deepEqual(s.filter, { include: '', exclude: '', regex: true, matchCase: false });
    assert.deepEqual(s.levels, { min: 'all', include: ['wifi'], exclude: [] });
    assert.deepEqual(s.plot, { open: true, paused: false, pattern: '' });
    const st = ok({ type: 'state', state: 'not an object' });
    assert.deepEqual(st.type === 'state' && st.state, restoreViewState(undefined));
  });
});
