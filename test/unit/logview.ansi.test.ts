import { strict as assert } from 'assert';
import { AnsiParser, ansiColorCss, isDefaultStyle, applySgr, parseAnsi, stripAnsi, styleToCss } from '../../src/shared/logview/ansi';
import { lineSpans, LineStore } from '../../src/shared/logview/lineStore';

describe('logview: ANSI SGR parser', () => {
  it('passes plain text through without spans', () => {
    assert.deepEqual(parseAnsi('I (123) wifi: connected'), { text: 'I (123) wifi: connected' });
  });

  it('turns 16-colour SGR into styled spans over the plain text', () => {
    const r = parseAnsi('\x1b[0;32mI (42) boot: ok\x1b[0m tail');
    assert.equal(r.text, 'I (42) boot: ok tail');
    assert.equal(r.spans!.length, 1);
    assert.deepEqual({ from: r.spans![0].from, to: r.spans![0].to, fg: r.spans![0].style.fg }, { from: 0, to: 15, fg: 2 });
  });

  it('handles bright, 256-colour and truecolor, foreground and background', () => {
    assert.equal(parseAnsi('\x1b[91mx').spans![0].style.fg, 9);
    assert.equal(parseAnsi('\x1b[104mx').spans![0].style.bg, 12);
    assert.equal(parseAnsi('\x1b[38;5;208mx').spans![0].style.fg, 208);
    assert.equal(parseAnsi('\x1b[48;5;17mx').spans![0].style.bg, 17);
    assert.equal(parseAnsi('\x1b[38;2;255;128;0mx').spans![0].style.fg, '#ff8000');
    assert.equal(parseAnsi('\x1b[38:2::1:2:3mx').spans![0].style.fg, '#010203');
    assert.equal(parseAnsi('\x1b[38:5:99mx').spans![0].style.fg, 99);
    // a colour parameter after a truecolor one still applies
    const s = parseAnsi('\x1b[38;2;1;2;3;1mx').spans![0].style;
    assert.equal(s.fg, '#010203');
    assert.equal(s.bold, true);
  });

  it('tracks bold/dim/italic/underline/inverse/strike and their resets', () => {
    let st = applySgr({}, '1;2;3;4;7;9');
    assert.deepEqual({ ...st }, { bold: true, dim: true, italic: true, underline: true, inverse: true, strike: true });
    st = applySgr(st, '22;23;24;27;29');
    assert.deepEqual({ ...st }, {});
    assert.deepEqual({ ...applySgr({ fg: 1, bg: 2 }, '39') }, { bg: 2 });
    assert.deepEqual({ ...applySgr({ fg: 1, bold: true }, '') }, {}, 'ESC[m resets');
    assert.deepEqual({ ...applySgr({}, '4:0') }, {}, 'underline off in colon form');
  });

  it('returns the same style object when a sequence changes nothing (spans stay merged)', () => {
    const s = applySgr({}, '31');
    assert.equal(applySgr(s, '31'), s);
    const r = parseAnsi('\x1b[31mab\x1b[31mcd');
    assert.deepEqual(r.spans!.map((x) => [x.from, x.to]), [[0, 4]]);
  });

  it('bounds ANSI state to its line: a colour never reset does not colour the next line', () => {
    const p = new AnsiParser();
    assert.equal(p.parseLine('\x1b[33mwarning starts').spans![0].style.fg, 3);
    assert.deepEqual(p.parseLine('and continues'), { text: 'and continues' });
    p.parseLine('\x1b[31mred\x1b]0;open osc');
    assert.ok(isDefaultStyle(p.currentStyle), 'the parser ends each line in the default state');
    assert.deepEqual(p.parse('next'), { text: 'next' }, 'and outside the OSC');
  });

  it('SGR 8 (conceal) hides the rest of its line only, not every later line', () => {
    const store = new LineStore(10);
    store.push({ seq: 1, t: 0, dir: 'rx', text: 'pass: \x1b[8msecret' });
    store.push({ seq: 2, t: 0, dir: 'rx', text: 'I (2) app: visible' });
    const concealed = lineSpans(store.get(0)!)!;
    assert.deepEqual(concealed.map((s) => [s.from, s.to, s.style.hidden]), [[6, 12, true]]);
    assert.equal(lineSpans(store.get(1)!), undefined, 'the next line is drawn plainly');
  });

  it('an unterminated OSC swallows the rest of its line only', () => {
    const store = new LineStore(10);
    store.push({ seq: 1, t: 0, dir: 'rx', text: 'before\x1b]0;title never terminated' });
    store.push({ seq: 2, t: 0, dir: 'rx', text: 'I (3) app: still here' });
    store.push({ seq: 3, t: 0, dir: 'rx', text: '\x1b[' });
    store.push({ seq: 4, t: 0, dir: 'rx', text: '31mnot an escape continuation' });
    assert.equal(store.get(0)!.text, 'before');
    assert.equal(store.get(1)!.text, 'I (3) app: still here');
    assert.equal(store.get(3)!.text, '31mnot an escape continuation', 'a CSI cut by the line end does not eat the next line');
  });

  it('a line that is not text (a forged {text: 42}) is shown as text instead of breaking the store', () => {
    const store = new LineStore(10);
    store.push({ seq: 1, t: 0, dir: 'rx', text: 42 as unknown as string });
    assert.equal(store.get(0)!.text, '42');
  });

  it('completes an escape split across chunks', () => {
    const p = new AnsiParser();
    const a = p.parse('ab\x1b[3');
    assert.equal(a.text, 'ab');
    const b = p.parse('1mred');
    assert.equal(b.text, 'red');
    assert.equal(b.spans![0].style.fg, 1);
  });

  it('drops non-SGR and invalid sequences without eating text', () => {
    assert.equal(stripAnsi('\x1b[2K\x1b[1Gprogress 50%'), 'progress 50%');
    assert.equal(stripAnsi('\x1b]0;title\x07after'), 'after');
    assert.equal(stripAnsi('\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\'), 'link');
    assert.equal(stripAnsi('\x1b[?25lhidden cursor'), 'hidden cursor');
    assert.equal(stripAnsi('a\x1b(Bb'), 'ab', 'charset designation');
    assert.equal(stripAnsi('a\x1b7b\x1b8c'), 'abc', 'save/restore cursor');
    // garbage: a CSI interrupted by a control character: the control is still shown
    assert.equal(stripAnsi('x\x1b[3\x01y'), 'x\\x01y');
    // 38;5 with no index, and an out-of-range truecolor: ignored, text intact
    assert.deepEqual(parseAnsi('\x1b[38;5mA'), { text: 'A' });
    assert.deepEqual(parseAnsi('\x1b[38;2;300;0;0mA'), { text: 'A' });
    // private-mode 'm' is not SGR
    assert.deepEqual(parseAnsi('\x1b[>4;2mA'), { text: 'A' });
  });

  it('gives up on an endless CSI instead of swallowing the rest of the log', () => {
    const r = parseAnsi('\x1b[' + '1;'.repeat(100) + 'visible');
    assert.match(r.text, /visible$/);
  });

  it('shows control characters as marked \\xNN runs and strips the trailing CR', () => {
    const r = parseAnsi('a\x00b\x07\x1fc\x7f\r');
    assert.equal(r.text, 'a\\x00b\\x07\\x1fc\\x7f');
    assert.deepEqual(r.spans!.map((s) => [s.from, s.to, s.style.control]), [[1, 5, true], [6, 14, true], [15, 19, true]]);
    const red = parseAnsi('\x1b[31mx\x07y').spans!;
    assert.deepEqual(red.map((s) => [s.from, s.to, s.style.fg, !!s.style.control]), [[0, 1, 1, false], [1, 5, 1, true], [5, 6, 1, false]]);
    assert.deepEqual(styleToCss({ control: true }).classes, ['a-ctrl']);
    assert.equal(stripAnsi('tab\there'), 'tab\there');
  });

  it('never produces markup: HTML in a line is just text', () => {
    const r = parseAnsi('\x1b[31m<img src=x onerror=alert(1)>\x1b[0m');
    assert.equal(r.text, '<img src=x onerror=alert(1)>');
  });

  it('maps colours to the theme terminal variables and computes the 256 cube', () => {
    assert.equal(ansiColorCss(1), 'var(--vscode-terminal-ansiRed, #cd3131)');
    assert.equal(ansiColorCss(12), 'var(--vscode-terminal-ansiBrightBlue, #3b8eea)');
    assert.equal(ansiColorCss(16), 'rgb(0, 0, 0)');
    assert.equal(ansiColorCss(196), 'rgb(255, 0, 0)');
    assert.equal(ansiColorCss(232), 'rgb(8, 8, 8)');
    assert.equal(ansiColorCss('#123456'), '#123456');
    const inv = styleToCss({ inverse: true, fg: 1 });
    assert.equal(inv.background, ansiColorCss(1));
    assert.match(inv.color!, /terminal-background/);
    assert.deepEqual(styleToCss({ bold: true, underline: true }).classes, ['a-bold', 'a-underline']);
  });
});
