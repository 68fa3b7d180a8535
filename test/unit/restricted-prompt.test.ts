/**
 * The restricted prompt at unit level: what the user's terminal shows while editing a line
 * longer than the width (horizontal scroll), keys typed while a command is checked or runs
 * (typeahead), and a terminal that does not read (backpressure). The end-to-end behaviour over
 * ssh is in test/integration/restricted-prompt.test.ts and restricted-prompt-abuse.test.ts.
 */
import fc from 'fast-check';
import { pino } from 'pino';
import type { ClientChannel } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { LineEditor, decodeKeys } from '../../src/tty/line-editor.js';
import { RestrictedPrompt, type LineCheck } from '../../src/tty/restricted-prompt.js';
import { startRelay, type RelayTap } from '../../src/stream/relay.js';
import { FakeTargetChannel, FakeUserChannel, settle } from '../helpers/fake-channel.js';
import { grant, HOUR_MS, T0 } from './core-fixtures.js';

const PROMPT = 'db1 [alice, 1h left]> ';
const ESC = '\x1b';

/**
 * One terminal line as the user sees it: enough of a VT100 for what the prompt draws (\r, \n,
 * printable text, ESC[K, ESC[nD, ESC[nC, clear screen, bell). Records any write past the last
 * column.
 */
class TerminalLine {
  private cells: string[] = [];
  col = 0;
  overflow = false;

  constructor(private readonly cols: number) {}

  feed(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === ESC) {
        const m = /^\[(\d*)([A-Za-z])/.exec(text.slice(i + 1));
        if (m === null)
          throw new Error(`unexpected escape ${JSON.stringify(text.slice(i, i + 8))}`);
        const [seq, n, final] = m;
        if (final === 'K') this.cells.length = this.col;
        else if (final === 'D') this.col = Math.max(0, this.col - Number(n === '' ? 1 : n));
        else if (final === 'C')
          this.col = Math.min(this.cols - 1, this.col + Number(n === '' ? 1 : n));
        else if (final === 'J' || final === 'H') {
          this.cells = [];
          this.col = 0;
        }
        i += seq.length; // ESC and the sequence
      } else if (ch === '\r') this.col = 0;
      else if (ch === '\n') {
        this.cells = [];
        this.col = 0;
      } else if (ch !== '\x07') {
        if (this.col >= this.cols) this.overflow = true;
        this.cells[this.col] = ch;
        this.col += 1;
      }
    }
  }

  get text(): string {
    return Array.from(this.cells, (c) => c ?? ' ').join('');
  }
}

/**
 * The one place the prompt is built: a commands grant, a terminal of `cols`, fake exec channels.
 * Its output is read as it comes unless `unread` (the test connects a reader itself).
 */
async function prompt(
  o: { cols?: number; check?: (line: string) => Promise<LineCheck>; unread?: boolean } = {},
) {
  const cols = o.cols ?? 40;
  const execs: { command: string; channel: FakeTargetChannel }[] = [];
  const checked: string[] = [];
  const allow = (line: string): Promise<LineCheck> =>
    Promise.resolve({ ok: true, argv: line.split(' '), command: line });
  const p = new RestrictedPrompt({
    grant: grant({ mode: 'commands', allowlist: ['uptime', 'echo {word}'], endsAt: T0 + HOUR_MS }),
    targetName: 'db1',
    userName: 'alice',
    clock: fixedClock(T0),
    logger: pino({ level: 'silent' }),
    cols,
    link: {
      exec: (command) => {
        const channel = new FakeTargetChannel();
        execs.push({ command, channel });
        return Promise.resolve(channel as unknown as ClientChannel);
      },
    },
    check: (line) => {
      checked.push(line);
      return (o.check ?? allow)(line);
    },
    deniedLine: 'gatehouse: command not allowed by grant 7',
  });
  const term = new TerminalLine(cols);
  let shown = '';
  const show = (d: Buffer): void => {
    const text = d.toString('utf8');
    shown += text;
    term.feed(text);
  };
  if (o.unread !== true) {
    p.on('data', show);
    p.stderr.on('data', show);
  }
  const type = async (...chunks: string[]): Promise<void> => {
    for (const c of chunks) p.write(c);
    await settle();
  };
  // The banner is a message and may wrap; only what comes after it is checked for width.
  await settle();
  term.overflow = false;
  return { p, term, execs, checked, type, shown: () => shown };
}

describe('RestrictedPrompt: drawing a line wider than the terminal', () => {
  // 40 columns: the prompt takes 22, one is kept free, 17 are left for the line.
  it.each([
    { name: 'a short line', keys: ['uptime'], visible: 'uptime', cursor: 6 },
    { name: 'a line that just fits', keys: ['a'.repeat(17)], visible: 'a'.repeat(17), cursor: 17 },
    {
      name: 'one character more scrolls by one',
      keys: ['abcdefghijklmnopqr'],
      visible: 'bcdefghijklmnopqr',
      cursor: 17,
    },
    {
      name: 'Home shows the start',
      keys: ['abcdefghijklmnopqrst', '\x01'],
      visible: 'abcdefghijklmnopq',
      cursor: 0,
    },
    {
      name: 'End shows the end again',
      keys: ['abcdefghijklmnopqrst', '\x01\x05'],
      visible: 'defghijklmnopqrst',
      cursor: 17,
    },
    {
      name: 'moving left inside the window does not scroll',
      keys: ['abcdefghijklmnopqrst', `${ESC}[D`.repeat(5)],
      visible: 'defghijklmnopqrst',
      cursor: 12,
    },
    {
      name: 'moving left past the window scrolls',
      keys: ['abcdefghijklmnopqrst', `${ESC}[D`.repeat(19)],
      visible: 'bcdefghijklmnopqr',
      cursor: 0,
    },
    {
      name: 'deleting back to a short line',
      keys: ['abcdefghijklmnopqrst', '\x7f'.repeat(10)],
      visible: 'abcdefghij',
      cursor: 10,
    },
  ])('$name', async ({ keys, visible, cursor }) => {
    const { term, type } = await prompt();
    await type(...keys);
    expect(term.text).toBe(PROMPT + visible);
    expect(term.col).toBe(PROMPT.length + cursor);
    expect(term.overflow).toBe(false);
  });

  it('shows a window of the line around the cursor after any edit, never past the last column', async () => {
    const key = fc.constantFrom(
      'a',
      'b',
      ' ',
      'xyz',
      '\x7f',
      '\x01',
      '\x05',
      `${ESC}[D`,
      `${ESC}[C`,
      `${ESC}[3~`,
      '\x0b',
      '\x15',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: PROMPT.length + 9, max: 60 }),
        fc.array(key, { maxLength: 60 }),
        async (cols, keys) => {
          const { term, type } = await prompt({ cols });
          const model = new LineEditor();
          for (const k of keys) {
            await type(k);
            for (const key of decodeKeys(k).keys)
              if (key.kind === 'char') model.insert(key.ch);
              else model.edit(key);
            const avail = Math.max(8, cols - PROMPT.length - 1);
            const visible = term.text.slice(PROMPT.length);
            const scroll = model.cursor - (term.col - PROMPT.length);
            expect(term.text.startsWith(PROMPT)).toBe(true);
            expect(scroll).toBeGreaterThanOrEqual(0);
            expect(visible).toBe(model.line.slice(scroll, scroll + avail));
            expect(term.overflow).toBe(false);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('uses the new width after a window change', async () => {
    const { p, term, type } = await prompt({ cols: 80 });
    p.setWindow(24, 31);
    await type('abcdefghijklmnopqrst');
    // 31 columns: 8 left for the line (the least it gets on any terminal).
    expect(term.text).toBe(PROMPT + 'mnopqrst');
    expect(term.overflow).toBe(false);
  });
});

describe('RestrictedPrompt: typeahead', () => {
  it('keeps keys typed while a command runs and edits them after it ends', async () => {
    const { execs, checked, term, type } = await prompt();
    await type('echo one\r');
    expect(execs.map((e) => e.command)).toEqual(['echo one']);
    const running = execs[0]!.channel;
    expect(running.inputEnded).toBe(true);
    await type('echo two\r', 'upt');
    running.send('one\n');
    await settle();
    // Nothing typed ahead was run or echoed while the first command runs.
    expect(checked).toEqual(['echo one']);
    expect(execs).toHaveLength(1);
    running.finish(0);
    await settle();
    expect(checked).toEqual(['echo one', 'echo two']);
    expect(execs.map((e) => e.command)).toEqual(['echo one', 'echo two']);
    execs[1]!.channel.finish(0);
    await settle();
    expect(term.text).toBe(`${PROMPT}upt`);
  });

  it('keeps keys typed while a line is being checked', async () => {
    let allowNow: () => void = () => undefined;
    const slow = (line: string) =>
      new Promise<LineCheck>((res) => {
        allowNow = () => res({ ok: true, argv: [line], command: line });
      });
    const { execs, term, type } = await prompt({ check: slow });
    await type('uptime\r', 'echo');
    expect(execs).toHaveLength(0);
    allowNow();
    await settle();
    execs[0]!.channel.finish(0);
    await settle();
    expect(term.text).toBe(`${PROMPT}echo`);
  });

  it('Ctrl-C interrupts the command and drops what was typed ahead', async () => {
    const { execs, checked, term, type, shown } = await prompt();
    await type('echo one\r');
    const running = execs[0]!.channel;
    await type('echo two\r', '\x03');
    expect(running.signals).toEqual(['INT']);
    expect(running.closeCalls).toBe(1);
    await settle();
    expect(shown()).toContain('^C\r\n');
    expect(checked).toEqual(['echo one']);
    expect(term.text).toBe(PROMPT);
  });

  it('shows the exit status of a failed command before the next prompt', async () => {
    const { execs, shown, type } = await prompt();
    await type('echo x\r');
    execs[0]!.channel.send('oops');
    execs[0]!.channel.finish(2);
    await settle();
    expect(shown()).toContain(`oops\r\n[exit 2]\r\n\r${PROMPT}`);
  });
});

describe('RestrictedPrompt: a user whose terminal does not read', () => {
  const tap: RelayTap = { output: () => true, input: () => true, onDrain: () => undefined };
  const KiB = 1024;

  it('takes no more input while its output waits, and catches up once it is read', async () => {
    const cols = 2000;
    const { p } = await prompt({ cols, unread: true });
    const user = new FakeUserChannel().block();
    user.stderr.block();
    startRelay(user, p, tap, () => undefined);
    // A line of 1800 characters, Ctrl-A/Ctrl-E pairs, characters inserted at its start (each
    // redraws the whole line), then more Ctrl-A than the prompt's input buffer holds (16 KiB);
    // sent in ssh-packet-sized chunks.
    const typed = `${'a'.repeat(1800)}${'\x01\x05'.repeat(2000)}\x01${'x'.repeat(400)}${'\x01'.repeat(12_000)}`;
    for (let i = 0; i < typed.length; i += 32 * KiB) user.type(typed.slice(i, i + 32 * KiB));
    await settle(10);

    // The prompt stopped taking keys: its writer was told to wait, the relay paused the user.
    expect(p.writableNeedDrain).toBe(true);
    expect(user.isPaused()).toBe(true);
    // What waits for the user's terminal stays within the streams' buffers (16 KiB each) and a
    // line or two; it used to be every redraw of every key (some 8 MB here).
    const waiting =
      p.readableLength + p.stderr.readableLength + user.writableLength + user.stderr.writableLength;
    expect(waiting).toBeLessThan(64 * KiB);

    user.drain();
    user.stderr.drain();
    for (let i = 0; i < 500 && (user.readableLength > 0 || p.writableLength > 0); i++)
      await settle();
    await settle();
    const term = new TerminalLine(cols);
    for (const chunk of user.chunks) term.feed(chunk.toString('utf8'));
    // The line limit (2048) let 248 x's in before the a's; 1977 columns show its start.
    const line = `${'x'.repeat(248)}${'a'.repeat(1800)}`;
    expect(term.text).toBe(PROMPT + line.slice(0, cols - PROMPT.length - 1));
    expect(term.col).toBe(PROMPT.length); // the last Ctrl-A
  });

  it('moves the cursor without redrawing the line when nothing scrolls', async () => {
    const { type, shown } = await prompt({ cols: 2000 });
    await type('a'.repeat(1800));
    const before = shown().length;
    await type('\x01\x05'.repeat(100));
    // 200 cursor movements of a few bytes each, not 200 redraws of 1800 characters.
    expect(shown().length - before).toBeLessThan(200 * 10);
  });
});
