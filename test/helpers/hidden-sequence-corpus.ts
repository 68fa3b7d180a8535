/**
 * Output a terminal receives without drawing it (titles, clipboard, device control strings …),
 * each with the placeholder review views must show for it. Plain data: the unit tests feed it to
 * the tokenizer and text renderer, the ssh tests print it through a real session.
 */
const ESC = '\u001b';
const BEL = '\u0007';
const ST = `${ESC}\\`;

export interface HiddenSequence {
  readonly name: string;
  /** What the program prints. */
  readonly output: string;
  /** What `replay --text`, search and the review page show for it. */
  readonly placeholder: string;
}

export const HIDDEN_SEQUENCES: readonly HiddenSequence[] = [
  {
    name: 'OSC 0 window title (BEL)',
    output: `${ESC}]0;TITLE-SECRET${BEL}`,
    placeholder: '⟦OSC 0: TITLE-SECRET⟧',
  },
  {
    name: 'OSC 52 clipboard write (base64, decoded)',
    output: `${ESC}]52;c;Q0xJUC1TRUNSRVQ=${BEL}`,
    placeholder: '⟦OSC 52 c: CLIP-SECRET⟧',
  },
  { name: 'DCS (ST)', output: `${ESC}Pq-DCS-SECRET${ST}`, placeholder: '⟦DCS: q-DCS-SECRET⟧' },
  { name: 'APC', output: `${ESC}_APC-SECRET${ST}`, placeholder: '⟦APC: APC-SECRET⟧' },
  { name: 'PM', output: `${ESC}^PM-SECRET${ST}`, placeholder: '⟦PM: PM-SECRET⟧' },
  { name: 'SOS', output: `${ESC}XSOS-SECRET${ST}`, placeholder: '⟦SOS: SOS-SECRET⟧' },
  {
    name: '8-bit OSC title (U+009D … U+009C)',
    output: '\u009d2;C1-SECRET\u009c',
    placeholder: '⟦OSC 2: C1-SECRET⟧',
  },
  {
    name: 'controls and brackets inside a payload are escaped',
    output: `${ESC}]0;a\tb\u0001\\⟧c${BEL}`,
    placeholder: '⟦OSC 0: a\\x09b\\x01\\\\\\u27e7c⟧',
  },
  {
    name: 'a string cancelled by CAN (bytes delivered all the same)',
    output: `${ESC}]0;CAN-SECRET\u0018`,
    placeholder: '⟦OSC 0 (cancelled): CAN-SECRET⟧',
  },
  {
    name: '8-bit CSI (U+009B): terminals disagree, so marked and never obeyed',
    output: '\u009b',
    placeholder: '⟦8-bit CSI: not obeyed; what follows is shown as text⟧',
  },
  {
    name: 'CSI cut off by a control (executed, as the terminal does)',
    output: `${ESC}[12;3${BEL}`,
    placeholder: '⟦CSI (malformed): 12;3⟧',
  },
];

/** A printf(1) format that prints `text` exactly: every byte but letters and digits in octal. */
export function printfFormat(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `\\${b.toString(8).padStart(3, '0')}`,
    )
    .join('');
}
