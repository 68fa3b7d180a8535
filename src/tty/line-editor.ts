/**
 * The restricted prompt's line editor: key decoding for a raw-mode terminal and the editing state
 * (buffer, cursor, history). Pure: the prompt decides what to draw.
 */

/** Named keys; printable ASCII arrives as `{ kind: 'char' }`. */
export type KeyName =
  | 'enter'
  | 'backspace'
  | 'delete'
  | 'left'
  | 'right'
  | 'home'
  | 'end'
  | 'up'
  | 'down'
  | 'tab'
  | 'kill-before'
  | 'kill-after'
  | 'interrupt'
  | 'eof'
  | 'redraw'
  | 'ignored';

export type Key = { readonly kind: 'char'; readonly ch: string } | { readonly kind: KeyName };

const CSI_KEYS: Readonly<Record<string, KeyName>> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
  '1~': 'home',
  '7~': 'home',
  '4~': 'end',
  '8~': 'end',
  '3~': 'delete',
};

const CONTROL_KEYS: Readonly<Record<number, KeyName>> = {
  0x01: 'home', // Ctrl-A
  0x02: 'left', // Ctrl-B
  0x03: 'interrupt', // Ctrl-C
  0x04: 'eof', // Ctrl-D
  0x05: 'end', // Ctrl-E
  0x06: 'right', // Ctrl-F
  0x08: 'backspace', // Ctrl-H
  0x09: 'tab',
  0x0a: 'enter',
  0x0b: 'kill-after', // Ctrl-K
  0x0c: 'redraw', // Ctrl-L
  0x0d: 'enter',
  0x0e: 'down', // Ctrl-N
  0x10: 'up', // Ctrl-P
  0x15: 'kill-before', // Ctrl-U
  0x7f: 'backspace',
};

/**
 * The key that starts at `text[i]` and where the next one starts; null at the end of `text` or
 * when an escape sequence is cut off there (more input will complete it). `\r\n` (a pasted line)
 * counts as one Enter.
 */
export function nextKey(
  text: string,
  i: number,
): { readonly key: Key; readonly next: number } | null {
  const ch = text[i];
  if (ch === undefined) return null;
  const code = ch.charCodeAt(0);
  if (ch === '\x1b') {
    const next = text[i + 1];
    if (next === undefined) return null;
    if (next === '[' || next === 'O') {
      const m = /^[0-9;]*[\x40-\x7e]/.exec(text.slice(i + 2));
      if (m === null) {
        if (/^[0-9;]*$/.test(text.slice(i + 2)) && text.length - i < 16) return null;
        return { key: { kind: 'ignored' }, next: i + 2 };
      }
      const seq = m[0];
      const final = seq.slice(-1);
      const params = seq.slice(0, -1).split(';')[0] ?? '';
      const kind = CSI_KEYS[final === '~' ? `${params}~` : final] ?? 'ignored';
      return { key: { kind }, next: i + 2 + seq.length };
    }
    return { key: { kind: 'ignored' }, next: i + 2 }; // Alt-<key>
  }
  const end = ch === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1;
  const control = CONTROL_KEYS[code];
  if (control !== undefined) return { key: { kind: control }, next: end };
  if (code >= 0x20 && code < 0x7f) return { key: { kind: 'char', ch }, next: end };
  return { key: { kind: 'ignored' }, next: end };
}

/**
 * Splits terminal input into keys. An escape sequence cut off at the end of `text` is returned
 * as `rest`, to be prefixed to the next chunk.
 */
export function decodeKeys(text: string): { readonly keys: Key[]; readonly rest: string } {
  const keys: Key[] = [];
  let i = 0;
  while (i < text.length) {
    const k = nextKey(text, i);
    if (k === null) return { keys, rest: text.slice(i) };
    keys.push(k.key);
    i = k.next;
  }
  return { keys, rest: '' };
}

const HISTORY_LIMIT = 200;
/** Longer lines are refused by the matcher anyway (1024 bytes); this only bounds memory. */
const LINE_LIMIT = 2048;

export class LineEditor {
  private text = '';
  private pos = 0;
  private readonly history: string[] = [];
  /** Index into history while browsing; history.length = the line being typed. */
  private browsing = 0;
  private draft = '';

  /** Applies a pure editing key; false for keys the prompt handles (Enter, Tab, Ctrl-C …). */
  edit(key: Key): boolean {
    const ops: Partial<Record<KeyName, () => void>> = {
      backspace: () => this.backspace(),
      delete: () => this.deleteForward(),
      left: () => this.left(),
      right: () => this.right(),
      home: () => this.home(),
      end: () => this.end(),
      up: () => this.up(),
      down: () => this.down(),
      'kill-before': () => this.killBefore(),
      'kill-after': () => this.killAfter(),
    };
    const op = key.kind === 'char' ? undefined : ops[key.kind];
    if (op === undefined) return false;
    op();
    return true;
  }

  get line(): string {
    return this.text;
  }

  get cursor(): number {
    return this.pos;
  }

  insert(chars: string): void {
    const room = LINE_LIMIT - this.text.length;
    if (room <= 0) return;
    const add = chars.slice(0, room);
    this.text = this.text.slice(0, this.pos) + add + this.text.slice(this.pos);
    this.pos += add.length;
  }

  backspace(): void {
    if (this.pos === 0) return;
    this.text = this.text.slice(0, this.pos - 1) + this.text.slice(this.pos);
    this.pos -= 1;
  }

  deleteForward(): void {
    this.text = this.text.slice(0, this.pos) + this.text.slice(this.pos + 1);
  }

  left(): void {
    this.pos = Math.max(0, this.pos - 1);
  }

  right(): void {
    this.pos = Math.min(this.text.length, this.pos + 1);
  }

  home(): void {
    this.pos = 0;
  }

  end(): void {
    this.pos = this.text.length;
  }

  killBefore(): void {
    this.text = this.text.slice(this.pos);
    this.pos = 0;
  }

  killAfter(): void {
    this.text = this.text.slice(0, this.pos);
  }

  clear(): void {
    this.set('');
    this.browsing = this.history.length;
  }

  up(): void {
    if (this.browsing === 0) return;
    if (this.browsing === this.history.length) this.draft = this.text;
    this.browsing -= 1;
    this.set(this.history[this.browsing] ?? '');
  }

  down(): void {
    if (this.browsing >= this.history.length) return;
    this.browsing += 1;
    this.set(
      this.browsing === this.history.length ? this.draft : (this.history[this.browsing] ?? ''),
    );
  }

  /** Ends the line: returns it, remembers it in the history (not blanks, not repeats), clears. */
  take(): string {
    const line = this.text;
    if (line.trim() !== '' && this.history.at(-1) !== line) {
      this.history.push(line);
      if (this.history.length > HISTORY_LIMIT) this.history.shift();
    }
    this.draft = '';
    this.clear();
    return line;
  }

  private set(text: string): void {
    this.text = text;
    this.pos = text.length;
  }
}
