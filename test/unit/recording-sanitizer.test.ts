import { describe, expect, it } from 'vitest';
import { TerminalSanitizer, sanitizeForTerminal } from '../../src/recording/replay.js';

const ESC = '\u001b';
const BEL = '\u0007';
const ST = `${ESC}\\`;

describe('sanitizeForTerminal', () => {
  it.each([
    ['OSC 0 title (BEL)', `a${ESC}]0;pwned${BEL}b`, 'ab'],
    ['OSC 2 title (ST)', `a${ESC}]2;pwned${ST}b`, 'ab'],
    ['OSC 52 clipboard write', `x${ESC}]52;c;ZWNobyBoaQ==${BEL}y`, 'xy'],
    ['OSC 8 hyperlink', `${ESC}]8;;http://evil/${ST}click${ESC}]8;;${ST}`, 'click'],
    ['OSC 4 palette change', `${ESC}]4;1;rgb:ff/00/00${BEL}ok`, 'ok'],
    [
      'DCS (DECRQSS / tmux passthrough)',
      `a${ESC}P$qm${ST}b${ESC}Ptmux;${ESC}${ESC}]0;x${BEL}${ST}c`,
      'abc',
    ],
    ['SOS, PM, APC', `1${ESC}Xs${ST}2${ESC}^p${ST}3${ESC}_a${ST}4`, '1234'],
    ['8-bit OSC title', `a\u009d0;pwned\u0007b`, 'ab'],
    ['8-bit OSC ended by 8-bit ST', `a\u009d2;pwned\u009cb`, 'ab'],
    ['8-bit DCS', `a\u0090qdata\u009cb`, 'ab'],
    ['8-bit APC/PM/SOS', `a\u009fx\u009cb\u009ey\u009cc\u0098z\u009cd`, 'abcd'],
    ['device status report (answer typed into the shell)', `a${ESC}[6nb${ESC}[5n`, 'ab'],
    ['device attributes', `a${ESC}[c${ESC}[>c${ESC}[=c`, 'a'],
    ['window ops / title report', `a${ESC}[21t${ESC}[8;100;100t`, 'a'],
    ['DECRQM request', `a${ESC}[?2004$p`, 'a'],
    ['full reset', `a${ESC}cb`, 'ab'],
    ['mouse tracking and bracketed paste modes', `${ESC}[?1000h${ESC}[?2004h.`, '.'],
    ['BEL and other C0', `a${BEL}\u0005\u000e\u000fb`, 'ab'],
    ['other C1 controls', `a\u0085\u008db`, 'ab'],
    ['cancelled sequence', `a${ESC}[31\u0018b`, 'ab'],
  ])('removes %s', (_name, input, expected) => {
    expect(sanitizeForTerminal(input)).toBe(expected);
  });

  it.each([
    [
      'SGR colours (16, 256, truecolor)',
      `${ESC}[1;31mred${ESC}[38;5;208mo${ESC}[38:2::1:2:3mt${ESC}[0m`,
    ],
    [
      'cursor movement and erase',
      `${ESC}[2J${ESC}[H${ESC}[10;5H${ESC}[3A${ESC}[2C${ESC}[K${ESC}[1P${ESC}[2@`,
    ],
    ['alternate screen and cursor visibility', `${ESC}[?1049h${ESC}[?25l${ESC}[?25h${ESC}[?1049l`],
    ['save/restore cursor, reverse index, charsets', `${ESC}7${ESC}8${ESC}M${ESC}(0qqq${ESC}(B`],
    ['text with newlines, tabs and backspace', 'a\tb\r\nc\bd'],
    ['UTF-8 text', 'héllo 日本 😀'],
  ])('keeps %s', (_name, input) => {
    expect(sanitizeForTerminal(input)).toBe(input);
  });

  it('never obeys an 8-bit CSI (terminals disagree on it) nor lets a malformed CSI swallow text', () => {
    expect(sanitizeForTerminal('\u009b31mred')).toBe('31mred');
    expect(sanitizeForTerminal(`${ESC}[12αβγ\r\n`)).toBe('αβγ\r\n');
    expect(sanitizeForTerminal(`${ESC}[1\nsecret`)).toBe('\nsecret');
  });

  it('an ESC inside an OSC ends it and the following sequence is judged on its own', () => {
    expect(sanitizeForTerminal(`${ESC}]0;x${ESC}[31mred`)).toBe(`${ESC}[31mred`);
  });

  it('judges a sequence split across chunks whole (stateful form)', () => {
    const s = new TerminalSanitizer();
    const out = [`a${ESC}`, ']0;pw', `ned${BEL}b${ESC}[3`, '1mc']
      .map((chunk) => s.write(chunk))
      .join('');
    expect(out).toBe(`ab${ESC}[31mc`);
  });

  it('never lets an ESC through outside an allowed sequence, whatever the input', () => {
    const alphabet = [
      ESC,
      '\u009b',
      '\u009d',
      '\u0090',
      BEL,
      '\\',
      '[',
      ']',
      'P',
      '0',
      ';',
      '?',
      'm',
      'n',
      'c',
      'a',
      '\u009c',
    ];
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const allowed = new RegExp(
      String.raw`^(?:[^\u001b\u0080-\u009f]|\u001b\[[0-9;:]*[ABCDEFGHfdea\x60IZJKLMP@XSTmrsu]|\u001b\[\?[0-9;]+[hl]|\u001b[78DEM=>]|\u001b[()][0AB])*$`,
      'u',
    );
    for (let i = 0; i < 2000; i++) {
      let input = '';
      for (let j = 0; j < 20; j++) input += alphabet[next() % alphabet.length];
      expect(sanitizeForTerminal(input)).toMatch(allowed);
    }
  });
});
