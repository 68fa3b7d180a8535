/** A reviewer password given on stdin (`--password-stdin` of `reviewer add` and `reset-password`). */
import { checkPasswordStrength } from '../web/password.js';
import { usage } from './validate.js';

const MAX_STDIN_BYTES = 4096;

/** The password piped on stdin: its first line, without the line break. */
export async function passwordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) throw usage('--password-stdin: stdin is a terminal; pipe the password');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_STDIN_BYTES) throw usage('--password-stdin: more than 4096 bytes on stdin');
    chunks.push(buf);
  }
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  const strength = checkPasswordStrength(password);
  if (!strength.ok) throw usage(`--password-stdin: ${strength.reason}`);
  return password;
}

export const PASSWORD_STDIN_HELP =
  'read the password (12+ characters) from the first line of stdin';
