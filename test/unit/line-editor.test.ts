import { describe, expect, it } from 'vitest';
import { decodeKeys, LineEditor, type Key } from '../../src/tty/line-editor.js';

const ESC = '\x1b';
const LEFT = `${ESC}[D`;
const UP = `${ESC}[A`;
const DOWN = `${ESC}[B`;

/**
 * The one place the editor is built, driven as the restricted prompt drives it: bytes from the
 * terminal (latin1, as the prompt decodes them), chunk by chunk, through decodeKeys; a char is
 * inserted, an editing key applied, Enter takes the line.
 */
function editor() {
  const e = new LineEditor();
  const submitted: string[] = [];
  let pending = '';
  const type = (...chunks: (string | Buffer)[]): void => {
    for (const chunk of chunks) {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
      const { keys, rest } = decodeKeys(pending + text);
      pending = rest;
      for (const key of keys) {
        if (key.kind === 'char') e.insert(key.ch);
        else if (!e.edit(key) && key.kind === 'enter') submitted.push(e.take());
      }
    }
  };
  return {
    type,
    submitted,
    get line() {
      return e.line;
    },
    get cursor() {
      return e.cursor;
    },
    editor: e,
  };
}

const kinds = (keys: readonly Key[]): string[] =>
  keys.map((k) => (k.kind === 'char' ? k.ch : k.kind));

describe('decodeKeys', () => {
  it.each([
    { name: 'printable ASCII', input: 'ls -l /', keys: ['l', 's', ' ', '-', 'l', ' ', '/'] },
    {
      name: 'CR, LF and CRLF are one Enter each',
      input: 'a\rb\nc\r\n',
      keys: ['a', 'enter', 'b', 'enter', 'c', 'enter'],
    },
    { name: 'LF CR is two', input: '\n\r', keys: ['enter', 'enter'] },
    {
      name: 'Ctrl-A B C D E F H',
      input: '\x01\x02\x03\x04\x05\x06\x08',
      keys: ['home', 'left', 'interrupt', 'eof', 'end', 'right', 'backspace'],
    },
    {
      name: 'Tab, Ctrl-K L N P U, DEL',
      input: '\t\x0b\x0c\x0e\x10\x15\x7f',
      keys: ['tab', 'kill-after', 'redraw', 'down', 'up', 'kill-before', 'backspace'],
    },
    {
      name: 'other control bytes',
      input: '\x00\x07\x1a\x1c',
      keys: ['ignored', 'ignored', 'ignored', 'ignored'],
    },
    {
      name: 'arrows (CSI)',
      input: `${ESC}[A${ESC}[B${ESC}[C${ESC}[D`,
      keys: ['up', 'down', 'right', 'left'],
    },
    {
      name: 'arrows (SS3, application mode)',
      input: `${ESC}OA${ESC}OB${ESC}OC${ESC}OD`,
      keys: ['up', 'down', 'right', 'left'],
    },
    {
      name: 'Home/End, every spelling',
      input: `${ESC}[H${ESC}[F${ESC}OH${ESC}OF${ESC}[1~${ESC}[4~${ESC}[7~${ESC}[8~`,
      keys: ['home', 'end', 'home', 'end', 'home', 'end', 'home', 'end'],
    },
    { name: 'Delete', input: `${ESC}[3~`, keys: ['delete'] },
    {
      name: 'modified keys keep their meaning',
      input: `${ESC}[1;5C${ESC}[1;3D${ESC}[3;5~`,
      keys: ['right', 'left', 'delete'],
    },
    {
      name: 'unknown sequences are one ignored key each',
      input: `${ESC}[200~x${ESC}[Z${ESC}[5~`,
      keys: ['ignored', 'x', 'ignored', 'ignored'],
    },
    {
      name: 'Alt-<key> is ignored whole',
      input: `${ESC}x${ESC}.y`,
      keys: ['ignored', 'ignored', 'y'],
    },
  ])('$name', ({ input, keys }) => {
    expect(decodeKeys(input)).toEqual({ keys: expect.anything(), rest: '' });
    expect(kinds(decodeKeys(input).keys)).toEqual(keys);
  });

  const sequences = [`${ESC}[A`, `${ESC}OH`, `${ESC}[3~`, `${ESC}[1;5D`, `${ESC}[200~`];
  it.each(
    sequences.flatMap((seq) =>
      Array.from({ length: seq.length - 1 }, (_, i) => ({
        seq: JSON.stringify(seq),
        at: i + 1,
        raw: seq,
      })),
    ),
  )(
    'a sequence cut anywhere ($seq after $at) is held back and decoded with the next chunk',
    ({ raw, at }) => {
      const first = decodeKeys(`a${raw.slice(0, at)}`);
      expect(kinds(first.keys)).toEqual(['a']);
      expect(first.rest).toBe(raw.slice(0, at));
      const second = decodeKeys(first.rest + raw.slice(at) + 'b');
      expect(second.rest).toBe('');
      expect(kinds(second.keys)).toEqual([...kinds(decodeKeys(raw).keys), 'b']);
    },
  );

  it('does not hold back an endless parameter run: it becomes an ignored key and typing goes on', () => {
    const r = decodeKeys(`${ESC}[${'1'.repeat(20)}`);
    expect(r.rest).toBe('');
    expect(r.keys[0]).toEqual({ kind: 'ignored' });
    expect(r.keys.filter((k) => k.kind !== 'char')).toHaveLength(1);
  });

  it.each([
    { name: 'é (2 bytes)', text: 'é' },
    { name: '€ (3 bytes)', text: '€' },
    { name: '🙂 (4 bytes)', text: '🙂' },
  ])(
    'multibyte UTF-8 $name: one ignored key per byte, never a char, and the next key is kept',
    ({ text }) => {
      const bytes = Buffer.from(`${text}x`, 'utf8');
      const keys = decodeKeys(bytes.toString('latin1')).keys;
      expect(kinds(keys)).toEqual([...Array<string>(bytes.length - 1).fill('ignored'), 'x']);
    },
  );
});

describe('LineEditor: editing', () => {
  it.each([
    { name: 'insert', keys: ['abc'], line: 'abc', cursor: 3 },
    { name: 'insert in the middle', keys: ['ac', LEFT, 'b'], line: 'abc', cursor: 2 },
    { name: 'backspace (DEL)', keys: ['abc\x7f'], line: 'ab', cursor: 2 },
    {
      name: 'backspace (Ctrl-H) in the middle',
      keys: ['abc', LEFT, '\x08'],
      line: 'ac',
      cursor: 1,
    },
    { name: 'backspace at the start', keys: ['ab\x01\x7f'], line: 'ab', cursor: 0 },
    { name: 'delete under the cursor', keys: ['abc\x01', `${ESC}[3~`], line: 'bc', cursor: 0 },
    { name: 'delete at the end', keys: ['abc', `${ESC}[3~`], line: 'abc', cursor: 3 },
    { name: 'left stops at the start', keys: ['ab', LEFT, LEFT, LEFT], line: 'ab', cursor: 0 },
    {
      name: 'right stops at the end',
      keys: ['ab\x01', `${ESC}[C`, '\x06', `${ESC}[C`],
      line: 'ab',
      cursor: 2,
    },
    { name: 'Ctrl-B / Ctrl-F', keys: ['abc\x02\x02\x06'], line: 'abc', cursor: 2 },
    { name: 'Home (Ctrl-A) then type', keys: ['cho hi\x01e'], line: 'echo hi', cursor: 1 },
    { name: 'End (Ctrl-E) then type', keys: ['cho hi\x01e\x05!'], line: 'echo hi!', cursor: 8 },
    {
      name: 'Home / End keys',
      keys: ['bc', `${ESC}[H`, 'a', `${ESC}[F`, 'd'],
      line: 'abcd',
      cursor: 4,
    },
    {
      name: 'Ctrl-K kills after the cursor',
      keys: ['hello world', LEFT.repeat(5), '\x0b'],
      line: 'hello ',
      cursor: 6,
    },
    {
      name: 'Ctrl-U kills before the cursor',
      keys: ['hello world', LEFT.repeat(5), '\x15'],
      line: 'world',
      cursor: 0,
    },
    {
      name: 'keys the prompt handles leave the line alone',
      keys: ['ab', LEFT, '\t\x03\x04\x0c'],
      line: 'ab',
      cursor: 1,
    },
    {
      name: 'multibyte UTF-8 is not inserted',
      keys: [Buffer.from('aé€🙂b', 'utf8')],
      line: 'ab',
      cursor: 2,
    },
  ])('$name', ({ keys, line, cursor }) => {
    const e = editor();
    e.type(...keys);
    expect({ line: e.line, cursor: e.cursor }).toEqual({ line, cursor });
  });

  it.todo(
    'Ctrl-W deletes the word before the cursor (not implemented: 0x17 decodes as an ignored key)',
  );

  it('takes a fast-typed (or pasted) run of lines one by one, in order', () => {
    const e = editor();
    e.type('uptime\rdf -h\r\nwho', 'ami\r');
    expect(e.submitted).toEqual(['uptime', 'df -h', 'whoami']);
    expect(e.line).toBe('');
  });

  it('bounds the line at 2048 characters', () => {
    const e = editor();
    e.type('x'.repeat(3000));
    expect(e.line).toHaveLength(2048);
    e.type(LEFT, 'y');
    expect(e.line).toHaveLength(2048);
  });
});

describe('LineEditor: history', () => {
  it('Up recalls earlier lines newest first, Down comes back to the line being typed', () => {
    const e = editor();
    e.type('one\r', 'two\r', 'three\r', 'dra');
    e.type(UP);
    expect([e.line, e.cursor]).toEqual(['three', 5]);
    e.type('\x10'); // Ctrl-P
    expect(e.line).toBe('two');
    e.type(UP, UP);
    expect(e.line).toBe('one');
    e.type(DOWN);
    expect(e.line).toBe('two');
    e.type('\x0e', DOWN); // Ctrl-N
    expect([e.line, e.cursor]).toEqual(['dra', 3]);
    e.type(DOWN);
    expect(e.line).toBe('dra');
  });

  it('keeps neither blank lines nor a line equal to the one before', () => {
    const e = editor();
    e.type('ls\r', '\r', '   \r', 'ls\r', 'pwd\r', 'ls\r');
    expect(e.submitted).toEqual(['ls', '', '   ', 'ls', 'pwd', 'ls']);
    e.type(UP, UP, UP, UP);
    expect(e.line).toBe('ls');
    e.type(DOWN);
    expect(e.line).toBe('pwd');
  });

  it('a recalled line can be edited and run; the history keeps the original', () => {
    const e = editor();
    e.type('echo a\r', UP, '\x7fb\r');
    expect(e.submitted).toEqual(['echo a', 'echo b']);
    e.type(UP, UP);
    expect(e.line).toBe('echo a');
  });

  it('starts browsing from the newest line again after a line is taken or cleared', () => {
    const e = editor();
    e.type('one\r', 'two\r', UP, UP);
    e.editor.clear();
    e.type(UP);
    expect(e.line).toBe('two');
  });

  it('remembers the last 200 lines', () => {
    const e = editor();
    for (let i = 1; i <= 205; i++) e.type(`cmd ${i}\r`);
    e.type(UP.repeat(300));
    expect(e.line).toBe('cmd 6');
  });
});
