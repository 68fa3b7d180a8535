/** Protocol-level access: an ssh2 client (exec strings OpenSSH cannot send, channels opened one by one). */
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { SshLogin } from './ssh-client.js';

export interface ExecResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export async function ssh2Connect(to: SshLogin): Promise<ssh2.Client> {
  const privateKey = await readFile(to.keyPath);
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({
      host: '127.0.0.1',
      port: to.port,
      username: to.login,
      privateKey,
      readyTimeout: 10_000,
    });
  });
}

/** One exec channel on `client`; the command string goes on the wire exactly as given. */
export function ssh2Exec(
  client: ssh2.Client,
  command: string,
  options: { readonly pty?: boolean } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(
      command,
      options.pty === true ? { pty: { term: 'xterm', cols: 80, rows: 24 } } : {},
      (err, channel) => {
        if (err) {
          reject(err);
          return;
        }
        let code: number | null = null;
        const out: Buffer[] = [];
        const errs: Buffer[] = [];
        channel.on('data', (d: Buffer) => out.push(d));
        channel.stderr.on('data', (d: Buffer) => errs.push(d));
        channel.on('exit', (c: number | null) => {
          code = c;
        });
        channel.on('error', reject);
        channel.once('close', () =>
          resolve({
            code,
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(errs).toString('utf8'),
          }),
        );
        channel.end();
      },
    );
  });
}

/** A shell, exec or subsystem request on a channel that may have started one already. */
export type ProgramRequest =
  | { readonly type: 'shell' }
  | { readonly type: 'exec'; readonly command: string }
  | { readonly type: 'subsystem'; readonly name: string };

interface ClientChannelInternals {
  readonly outgoing: { readonly id: number };
  readonly _callbacks: ((failed: boolean) => void)[];
  readonly _client: {
    readonly _protocol: {
      shell(id: number, wantReply: boolean): void;
      exec(id: number, command: string, wantReply: boolean): void;
      subsystem(id: number, name: string, wantReply: boolean): void;
    };
  };
}

/**
 * Sends `request` (want-reply) on an open channel, as ssh2 does for its first one; resolves
 * true on success, false on failure. ssh2's API (and OpenSSH) never send a second one: this
 * reaches into ssh2 the way its own client.exec() does.
 */
export function ssh2ChannelRequest(
  channel: ssh2.ClientChannel,
  request: ProgramRequest,
): Promise<boolean> {
  const ch = channel as unknown as ClientChannelInternals;
  const protocol = ch._client._protocol;
  return new Promise((resolve) => {
    ch._callbacks.push((failed) => resolve(!failed));
    if (request.type === 'shell') protocol.shell(ch.outgoing.id, true);
    else if (request.type === 'exec') protocol.exec(ch.outgoing.id, request.command, true);
    else protocol.subsystem(ch.outgoing.id, request.name, true);
  });
}
