import ssh2, { type ClientChannel, type ExecOptions, type PseudoTtyOptions } from 'ssh2';
import type { SshTarget } from '../core/model.js';
import type { Logger } from '../logging/logger.js';
import type { Pty } from '../stream/channels.js';
import { watchChannelExit } from '../stream/channel-exit.js';
import { MODERN_ALGORITHMS } from '../transport/algorithms.js';
import type { TargetLinkResult } from './target-link.js';

const CONNECT_TIMEOUT_MS = 15_000;

const ptyOptions = (pty: Pty | null): PseudoTtyOptions | false =>
  pty === null
    ? false
    : {
        term: pty.term,
        cols: pty.cols,
        rows: pty.rows,
        width: pty.width,
        height: pty.height,
        modes: pty.modes,
      };

/** `algorithm base64` → the raw key blob, or null when the line is not a key line. */
function pinnedBlob(line: string): Buffer | null {
  const b64 = line.trim().split(/\s+/)[1];
  if (b64 === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  return Buffer.from(b64, 'base64');
}

export function connectTarget(
  target: SshTarget,
  clientKey: Buffer,
  logger: Logger,
): Promise<TargetLinkResult> {
  const pinned = target.hostKey === null ? null : pinnedBlob(target.hostKey);
  if (pinned === null)
    return Promise.resolve({ ok: false, reason: 'hostkey.unpinned', presentedKey: null });
  const log = logger.child({ targetHost: target.host, targetPort: target.port });

  return new Promise((resolve) => {
    const client = new ssh2.Client();
    let presented: Buffer | null = null;
    let settled = false;
    const closed = new Promise<void>((done) => client.once('close', () => done()));
    const settle = (r: TargetLinkResult): void => {
      if (settled) return;
      settled = true;
      resolve(r);
    };

    client.on('error', (err: Error) => {
      log.warn({ err: err.message }, 'target connection error');
      if (presented !== null && !presented.equals(pinned)) {
        settle({
          ok: false,
          reason: 'hostkey.mismatch',
          presentedKey: presented.toString('base64'),
        });
      } else {
        settle({ ok: false, reason: 'connect.failed', presentedKey: null });
      }
    });
    client.on('close', () => settle({ ok: false, reason: 'connect.failed', presentedKey: null }));
    // Keys go out at once, not behind an unacknowledged small packet (a window adjust, the
    // previous key) waiting for the target's delayed ACK (issue 16; bulk showed no loss).
    client.once('connect', () => client.setNoDelay(true));

    const open = (
      fn: (cb: (err: Error | undefined, ch: ClientChannel) => void) => void,
    ): Promise<ClientChannel> =>
      new Promise((res, rej) => {
        fn((err, ch) => {
          if (err) {
            rej(err);
            return;
          }
          watchChannelExit(ch);
          ch.on('error', (e: Error) => log.warn({ err: e.message }, 'target channel error'));
          ch.stderr.on('error', (e: Error) => log.warn({ err: e.message }, 'target stderr error'));
          res(ch);
        });
      });

    client.on('ready', () => {
      log.debug('target connection ready');
      settle({
        ok: true,
        link: {
          shell: (pty, env) => open((cb) => client.shell(ptyOptions(pty), { env: { ...env } }, cb)),
          exec: (command, pty, env) => {
            const options: ExecOptions =
              pty === null ? { env: { ...env } } : { env: { ...env }, pty: ptyOptions(pty) };
            return open((cb) => client.exec(command, options, cb));
          },
          subsystem: (name) => open((cb) => client.subsys(name, cb)),
          closed,
          close: () => client.end(),
        },
      });
    });

    client.connect({
      host: target.host,
      port: target.port,
      username: target.login,
      privateKey: clientKey,
      algorithms: MODERN_ALGORITHMS,
      readyTimeout: CONNECT_TIMEOUT_MS,
      keepaliveInterval: 15_000,
      hostVerifier: (key: Buffer): boolean => {
        presented = key;
        return key.equals(pinned);
      },
    });
  });
}
