import type { PseudoTtyInfo, ServerChannel, Session } from 'ssh2';
import { isAllowedEnv } from '../core/channel-policy.js';
import { messages } from '../session/messages.js';
import type { Relay } from '../stream/relay.js';
import { GATEHOUSE_EXIT, runSession, type ChannelContext } from '../session/session-run.js';

/** One session channel's requests (pty, env, signals, refused ones); shell/exec run `runSession`. */
export function handleSessionChannel(session: Session, ctx: ChannelContext): void {
  let pty: PseudoTtyInfo | null = null;
  const env: Record<string, string> = {};
  let relay: Relay | null = null;
  const log = ctx.logger;

  session.on('error', (err: Error) => log.debug({ err: err.message }, 'session error'));
  session.on('pty', (accept, _reject, info) => {
    pty = info;
    accept?.();
  });
  session.on('env', (accept, reject, info) => {
    if (isAllowedEnv(info.key, info.val)) {
      env[info.key] = info.val;
      accept?.();
    } else {
      log.debug({ name: info.key.slice(0, 64) }, 'env request dropped');
      reject?.();
    }
  });
  session.on('window-change', (accept, _reject, info) => {
    if (pty !== null) pty = { ...pty, cols: info.cols, rows: info.rows, width: info.width, height: info.height };
    relay?.resize(info.cols, info.rows, info.height, info.width);
    accept?.();
  });
  session.on('signal', (accept, _reject, info) => {
    relay?.signal(info.name);
    accept?.();
  });
  session.on('x11', (_accept, reject) => {
    ctx.deny('x11');
    reject?.();
  });
  session.on('auth-agent', (_accept, reject) => {
    ctx.deny('auth-agent');
    reject?.();
  });
  session.on('sftp', (_accept, reject) => {
    ctx.deny('subsystem', { name: 'sftp' });
    reject?.();
  });
  session.on('subsystem', (_accept, reject, info) => {
    ctx.deny('subsystem', { name: info.name.slice(0, 64) });
    reject?.();
  });

  const start = (channel: ServerChannel, command: string | null): void => {
    channel.on('error', (err: Error) => log.debug({ err: err.message }, 'channel error'));
    channel.stderr.on('error', (err: Error) => log.debug({ err: err.message }, 'channel stderr error'));
    runSession(channel, command, ctx, () => pty, env, (r) => {
      relay = r;
    }).catch((err: unknown) => {
      log.error({ err }, 'session failed');
      channel.stderr.write(`${messages.targetUnavailable()}\r\n`);
      channel.exit(GATEHOUSE_EXIT);
      channel.end();
    });
  };
  session.on('shell', (accept) => start(accept(), null));
  session.on('exec', (accept, _reject, info) => start(accept(), info.command));
}
