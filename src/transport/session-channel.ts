import type { PseudoTtyInfo, ServerChannel, Session } from 'ssh2';
import { isRefusal, type Refusal } from '../core/refusal.js';
import { messages } from '../core/user-messages.js';
import type { Logger } from '../logging/logger.js';
import type { SessionChannelHandler, SessionRequestKind, Verdict } from '../session/handler.js';
import { GATEHOUSE_EXIT } from '../session/user-exit.js';
import type { Pty } from '../stream/channels.js';
import { failLateRequest } from './ssh2-late-request.js';

type Answer = (() => void) | undefined;

const answer = (verdict: Verdict, accept: Answer, reject: Answer): void => {
  if (isRefusal(verdict)) reject?.();
  else accept?.();
};

const ptyOf = (info: PseudoTtyInfo): Pty => ({
  term: info.term,
  cols: info.cols,
  rows: info.rows,
  width: info.width,
  height: info.height,
  modes: info.modes as Pty['modes'],
});

/**
 * ssh2's events of one session channel, as calls on its handler chain. A channel runs one
 * program: once its shell or exec started, a request that could only apply before (another
 * program, a pty, env, forwarding) is refused with a channel failure.
 */
export function serveSessionChannel(
  session: Session,
  handler: SessionChannelHandler,
  log: Logger,
): void {
  let hasPty = false;
  let program: ServerChannel | null = null;
  /** After the start: answers failure (ssh2 cannot) and says the request is done with. */
  const late = (reject: Answer): boolean => {
    if (program === null) return false;
    if (reject !== undefined) failLateRequest(program);
    return true;
  };
  const request = (
    kind: SessionRequestKind,
    name: string | null,
    accept: Answer,
    reject: Answer,
  ) => {
    const verdict = handler.request(kind, name);
    if (!late(reject)) answer(verdict, accept, reject);
  };
  session.on('error', (err: Error) => log.debug({ err: err.message }, 'session error'));
  session.once('close', () => handler.closed());
  session.on('pty', (accept, reject, info) => {
    if (late(reject)) return;
    const verdict = handler.pty(ptyOf(info));
    hasPty ||= !isRefusal(verdict);
    answer(verdict, accept, reject);
  });
  session.on('env', (accept, reject, info) => {
    if (!late(reject)) answer(handler.env(info.key, info.val), accept, reject);
  });
  session.on('window-change', (accept, _reject, info) => {
    handler.windowChange(info.cols, info.rows, info.width, info.height);
    accept?.();
  });
  session.on('signal', (accept, reject, info) => answer(handler.signal(info.name), accept, reject));
  session.on('x11', (accept, reject) => request('x11', null, accept, reject));
  session.on('auth-agent', (accept, reject) => request('auth-agent', null, accept, reject));
  // No 'sftp' listener: ssh2 then hands the sftp subsystem over as a plain channel to relay.
  session.on('subsystem', (accept, reject, info) => {
    if (info.name === 'sftp' && program === null)
      start(accept, (channel) => handler.subsystem(channel, 'sftp'));
    else request('subsystem', info.name, undefined, reject);
  });

  const start = (
    accept: () => ServerChannel | undefined,
    run: (channel: ServerChannel) => Promise<Refusal | null>,
  ): void => {
    const channel = accept();
    if (channel === undefined) return; // the client is closing the channel
    program = channel;
    channel.on('error', (err: Error) => log.debug({ err: err.message }, 'channel error'));
    channel.stderr.on('error', (err: Error) =>
      log.debug({ err: err.message }, 'channel stderr error'),
    );
    const eol = hasPty ? '\r\n' : '\n';
    const refuseWith = (line: string | null, status: number): void => {
      if (line !== null) channel.stderr.write(`${line}${eol}`);
      channel.exit(status);
      channel.end();
    };
    run(channel).then(
      (refused: Refusal | null) => {
        if (refused !== null) refuseWith(refused.line, refused.exitStatus);
      },
      (err: unknown) => {
        log.error({ err }, 'session failed');
        refuseWith(messages.targetUnavailable(), GATEHOUSE_EXIT);
      },
    );
  };
  session.on('shell', (accept, reject) => {
    if (program === null) start(accept, (channel) => handler.start(channel, null));
    else request('shell', null, undefined, reject);
  });
  session.on('exec', (accept, reject, info) => {
    if (program === null) start(accept, (channel) => handler.start(channel, info.command));
    else request('exec', null, undefined, reject);
  });
}
