/**
 * Rules for a command target's definition (issue 7): the program's argv and its environment.
 * No quoting language: the command line is split on single spaces, each argument printable ASCII
 * without spaces; the environment is the run-as account's passwd entries (HOME, USER, PATH…),
 * then exactly what the admin gave (plus TERM from the user's pty).
 */
import { quoteForMessage } from './names.js';

export type CommandTargetCheck =
  { readonly ok: true } | { readonly ok: false; readonly message: string };

export const ENV_KEY_PATTERN = /^[A-Z_][A-Z0-9_]*$/;
const MAX_ARGS = 64;
const MAX_ARG_LENGTH = 1024;

/** Printable ASCII (0x21-0x7e for arguments, 0x20-0x7e for env values). */
const isPrintable = (text: string, allowSpace: boolean): boolean =>
  Array.from(text).every((ch) => {
    const c = ch.charCodeAt(0);
    return ch.length === 1 && c <= 0x7e && (c > 0x20 || (allowSpace && c === 0x20));
  });

const refuse = (message: string): { ok: false; message: string } => ({ ok: false, message });

/** `'psql service=prod'` → `['psql', 'service=prod']`; a double, leading or trailing space is refused. */
export function splitCommandLine(
  text: string,
):
  | { readonly ok: true; readonly argv: string[] }
  | { readonly ok: false; readonly message: string } {
  if (text === '') return refuse('--command: empty');
  const argv = text.split(' ');
  const empty = argv.findIndex((a) => a === '');
  if (empty !== -1) {
    return refuse(
      `--command: empty argument ${empty} (arguments are separated by single spaces; there is no quoting)`,
    );
  }
  const checked = checkArgv(argv);
  return checked.ok ? { ok: true, argv } : checked;
}

function checkArgv(argv: readonly string[]): CommandTargetCheck {
  if (argv.length === 0) return refuse('--command: empty');
  if (argv.length > MAX_ARGS) return refuse(`--command: more than ${MAX_ARGS} arguments`);
  for (const [i, arg] of argv.entries()) {
    if (arg === '' || arg.length > MAX_ARG_LENGTH || !isPrintable(arg, false)) {
      return refuse(
        `--command: argument ${i} ${quoteForMessage(arg)} must be 1-${MAX_ARG_LENGTH} printable ASCII characters without spaces`,
      );
    }
  }
  return { ok: true };
}

/** `KEY=VALUE` → the pair; KEY matches ^[A-Z_][A-Z0-9_]*$, VALUE is printable ASCII (may be empty). */
export function parseEnvEntry(
  text: string,
):
  | { readonly ok: true; readonly key: string; readonly value: string }
  | { readonly ok: false; readonly message: string } {
  const eq = text.indexOf('=');
  if (eq === -1) return refuse(`--env: ${quoteForMessage(text)} is not KEY=VALUE`);
  const key = text.slice(0, eq);
  const value = text.slice(eq + 1);
  const checked = checkEnvEntry(key, value);
  return checked.ok ? { ok: true, key, value } : checked;
}

function checkEnvEntry(key: string, value: string): CommandTargetCheck {
  if (!ENV_KEY_PATTERN.test(key))
    return refuse(`--env: key ${quoteForMessage(key)} must match ^[A-Z_][A-Z0-9_]*$`);
  if (key === 'TERM') return refuse("--env: TERM comes from the user's pty request; do not set it");
  if (value.length > 4096 || !isPrintable(value, true)) {
    return refuse(`--env: value of ${key} must be printable ASCII (at most 4096 characters)`);
  }
  return { ok: true };
}

/** The whole definition, as the store accepts it: argv[0] absolute, every argument and env entry valid. */
export function checkCommandTarget(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
): CommandTargetCheck {
  const args = checkArgv(argv);
  if (!args.ok) return args;
  if (!(argv[0] ?? '').startsWith('/'))
    return refuse(`--command: program ${quoteForMessage(argv[0] ?? '')} must be an absolute path`);
  // The program follows `env K=V…` in the confinement (targets/confinement.ts).
  if ((argv[0] ?? '').includes('='))
    return refuse(`--command: program ${quoteForMessage(argv[0] ?? '')} must not contain "="`);
  for (const [key, value] of Object.entries(env)) {
    const entry = checkEnvEntry(key, value);
    if (!entry.ok) return entry;
  }
  return { ok: true };
}
