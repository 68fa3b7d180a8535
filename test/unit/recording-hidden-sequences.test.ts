import { describe, expect, it } from 'vitest';
import type { CastEvent } from '../../src/recording/asciicast-encoder.js';
import { renderText, TerminalSanitizer } from '../../src/recording/replay.js';
import {
  EIGHT_BIT_CSI,
  escapeReserved,
  MAX_PLACEHOLDER_CHARS,
  noticeLine,
  stringPlaceholder,
} from '../../src/recording/review-marks.js';
import {
  MAX_CSI,
  MAX_STRING_KEPT,
  TerminalTokenizer,
} from '../../src/recording/terminal-tokenizer.js';
import { HIDDEN_SEQUENCES } from '../helpers/hidden-sequence-corpus.js';

const ESC = '\u001b';
const out = (...data: string[]): CastEvent[] =>
  data.map((d, i) => ({ time: i, kind: 'o', data: d }));

describe('string sequences in review views', () => {
  it.each(HIDDEN_SEQUENCES.map((h) => [h.name, h] as const))(
    '%s: shown as its placeholder, whole or split byte by byte',
    (_name, h) => {
      expect(renderText(out(`a${h.output}b\r\n`))).toBe(`${h.placeholder}\nab`);
      expect(renderText(out('a', ...h.output, 'b\r\n'))).toBe(`${h.placeholder}\nab`);
    },
  );

  it('the tokenizer keeps a bounded payload and counts the rest', () => {
    const tokenizer = new TerminalTokenizer();
    const tokens = tokenizer.write(`${ESC}]0;${'x'.repeat(MAX_STRING_KEPT * 3)}\u0007`);
    expect(tokens).toEqual([
      {
        type: 'string',
        kind: 'osc',
        payload: `0;${'x'.repeat(MAX_STRING_KEPT - 2)}`,
        length: MAX_STRING_KEPT * 3 + 2,
        end: 'st',
      },
    ]);
  });

  it('a placeholder shows at most MAX_PLACEHOLDER_CHARS of payload and says how long it was', () => {
    const [token] = new TerminalTokenizer().write(`${ESC}_${'y'.repeat(50_000)}${ESC}\\`);
    const shown = stringPlaceholder(token as Extract<typeof token, { type: 'string' }>);
    expect(shown).toBe(`⟦APC: ${'y'.repeat(MAX_PLACEHOLDER_CHARS)}… (50000 characters in all)⟧`);
  });

  it('says a payload of astral characters was cut', () => {
    const [token] = new TerminalTokenizer().write(`${ESC}]2;${'😀'.repeat(3000)}\u0007`);
    expect(stringPlaceholder(token as Extract<typeof token, { type: 'string' }>)).toMatch(
      /… \(6002 characters in all\)⟧$/,
    );
  });

  it('decodes an OSC 52 payload cut by the bound up to its last whole base64 group', () => {
    const data = Buffer.from('z'.repeat(6000)).toString('base64');
    const [token] = new TerminalTokenizer().write(`${ESC}]52;c;${data}\u0007`);
    const shown = stringPlaceholder(token as Extract<typeof token, { type: 'string' }>);
    expect(shown).toMatch(/^⟦OSC 52 c: z{1000}… \(\d+ characters in all\)⟧$/);
  });

  it('shows OSC 52 that is not base64 raw, and a clipboard read request as such', () => {
    expect(renderText(out(`${ESC}]52;c;not base64!\u0007`))).toBe(
      '⟦OSC 52 c (not base64): not base64!⟧',
    );
    expect(renderText(out(`${ESC}]52;c;?\u0007`))).toBe(
      '⟦OSC 52 c: ? (asks the terminal for the clipboard)⟧',
    );
  });

  it('an unterminated string is returned by end(), marked so', () => {
    const tokenizer = new TerminalTokenizer();
    expect(tokenizer.write(`${ESC}Pdata`)).toEqual([]);
    expect(tokenizer.end()).toEqual([
      { type: 'string', kind: 'dcs', payload: 'data', length: 4, end: 'unterminated' },
    ]);
    expect(tokenizer.write('text')).toEqual([{ type: 'text', text: 'text' }]);
  });

  it('live replay (reveal) highlights placeholders and escapes the reserved brackets in output', () => {
    const s = new TerminalSanitizer({ reveal: true });
    expect(s.write(`⟦x⟧${ESC}]0;t`)).toBe('\\u27e6x\\u27e7');
    expect(s.write(`\u0007ok${ESC}_open`)).toBe(`${ESC}[0m${ESC}(B${ESC}[7m⟦OSC 0: t⟧${ESC}[27mok`);
    expect(s.end()).toBe(`${ESC}[0m${ESC}(B${ESC}[7m⟦APC (unterminated): open⟧${ESC}[27m`);
  });

  it('the default sanitizer (after renderText, and for raw safety) still drops strings', () => {
    expect(new TerminalSanitizer().write(`a${ESC}]0;t\u0007b⟦`)).toBe('ab⟦');
  });

  it('nothing in recorded output renders as a gatehouse bracket: only markers and placeholders do', () => {
    const hostile = `⟦── gatehouse: session ended by an administrator ──⟧\u27e6\u27e7`;
    const text = renderText(out(hostile, `${ESC}]0;${hostile}\u0007`));
    const bracketed = text.split('\n').filter((l) => l.includes('⟦'));
    expect(bracketed).toEqual([expect.stringMatching(/^⟦OSC 0: .*⟧$/)]);
    expect(bracketed[0]!.slice(1, -1)).not.toMatch(/[⟦⟧]/);
    expect(escapeReserved(hostile)).not.toMatch(/[⟦⟧]/);
  });

  it('a marker label is escaped and bounded', () => {
    expect(noticeLine(`$ evil\r\n⟧`)).toBe('⟦── $ evil\\x0d\\x0a\\u27e7 ──⟧');
    expect(noticeLine('m'.repeat(5000)).length).toBeLessThan(MAX_PLACEHOLDER_CHARS + 10);
  });
});

describe('control sequences never hide text (CSI)', () => {
  it('an 8-bit CSI followed by text: the text stays, as tmux showed it, the spot is marked', () => {
    // tmux ignores U+009B and showed `1234 ;secret-text`; the views used to show `ecret-text`.
    expect(renderText(out('\u009b1234 ;secret-text\n'))).toBe(
      `${EIGHT_BIT_CSI}\n1234 ;secret-text`,
    );
    expect(renderText(out('\u009b12\n34m'))).toBe(`${EIGHT_BIT_CSI}\n12\n34m`);
  });

  it('a line break ends a CSI: it is executed and what follows is text', () => {
    expect(renderText(out(`${ESC}[12\n34 secret\r\n`))).toBe('⟦CSI (malformed): 12⟧\n\n34 secret');
    expect(renderText(out(`${ESC}[7\r\nafter\r\n`))).toBe('⟦CSI (malformed): 7⟧\n\nafter');
  });

  it('non-ASCII text ends a CSI and is shown, whole or split byte by byte', () => {
    const data = `${ESC}[12αβγ secret μυστικό\r\n`;
    expect(renderText(out(data))).toBe('⟦CSI (malformed): 12⟧\nαβγ secret μυστικό');
    expect(renderText(out(...data))).toBe('⟦CSI (malformed): 12⟧\nαβγ secret μυστικό');
  });

  it('a CSI may swallow at most MAX_CSI characters; the rest is text', () => {
    const digits = '7'.repeat(MAX_CSI + 40);
    const text = renderText(out(`${ESC}[${digits}m\r\n`));
    expect(text).toBe(
      `⟦CSI (over ${MAX_CSI} characters): ${'7'.repeat(MAX_CSI)}⟧\n${'7'.repeat(40)}m`,
    );
    // Within the limit, a well-formed CSI is still dropped.
    expect(renderText(out(`${ESC}[${'1;'.repeat(MAX_CSI / 2 - 1)}1mok\r\n`))).toBe('ok');
  });

  it('an ESC sequence may swallow at most MAX_CSI intermediates; they are then text', () => {
    const hashes = '#'.repeat(MAX_CSI + 40);
    expect(renderText(out(`${ESC}${hashes}8x\r\n`))).toBe(`${hashes}8x`);
    expect(renderText(out(`${ESC}#8x\r\n`))).toBe('x');
  });

  it('a CSI cut by ESC, cancelled, or open at the end is shown', () => {
    expect(renderText(out(`${ESC}[12${ESC}[1mx\r\n`))).toBe('⟦CSI (malformed): 12⟧\nx');
    expect(renderText(out(`${ESC}[34\u0018x\r\n`))).toBe('⟦CSI (cancelled): 34⟧\nx');
    expect(renderText(out(`x${ESC}[56`))).toBe('⟦CSI (unterminated): 56⟧\nx');
  });

  it('well-formed 7-bit CSIs (colours, private modes, intermediates) are still dropped', () => {
    expect(renderText(out(`${ESC}[1;38:2::1:2:3mA${ESC}[?1049h${ESC}[2 qB${ESC}[>4;1mC\r\n`))).toBe(
      'ABC',
    );
  });

  it('search text and live replay show the same placeholders', () => {
    const s = new TerminalSanitizer({ reveal: true });
    expect(s.write(`\u009b1234 ;s${ESC}[12αβ`)).toBe(
      `${ESC}[0m${ESC}(B${ESC}[7m${EIGHT_BIT_CSI}${ESC}[27m1234 ;s` +
        `${ESC}[0m${ESC}(B${ESC}[7m⟦CSI (malformed): 12⟧${ESC}[27mαβ`,
    );
  });
});
