import type { PseudoTtyInfo, ServerChannel, Session } from 'ssh2';
import { isRefusal, type Refusal } from '../core/refusal.js';
import { messages } from '../core/user-messages.js';
import type { Logger } from '../logging/logger.js';
import type { SessionChannelHandler, Verdict } from '../session/handler.js';
import { GATEHOUSE_EXIT } from '../session/user-exit.js';
import type { Pty } from '../stream/channels.js';

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

/** ssh2's events of one session channel, as calls on its handler chain. */
export function serveSessionChannel(
  session: Session,
  handler: SessionChannelHandler,
  log: Logger,
): void {
  let hasPty = false;
  session.on('error', (err: Error) => log.debug({ err: err.message }, 'session error'));
  session.once('close', () => handler.closed());
  session.on('pty', (accept, reject, info) => {
    const verdict = handler.pty(ptyOf(info));
    hasPty ||= !isRefusal(verdict);
    answer(verdict, accept, reject);
  });
  session.on('env', (accept, reject, info) =>
    answer(handler.env(info.key, info.val), accept, reject),
  );
  session.on('window-change', (accept, _reject, info) => {
    handler.windowChange(info.cols, info.rows, info.width, info.height);
    accept?.();
  });
  session.on('signal', (accept, reject, info) => answer(handler.signal(info.name), accept, reject));
  session.on('x11', (accept, reject) => answer(handler.request('x11', null), accept, reject));
  session.on('auth-agent', (accept, reject) =>
    answer(handler.request('auth-agent', null), accept, reject),
  );
  session.on('sftp', (_accept, reject) =>
    answer(handler.request('subsystem', 'sftp'), undefined, reject),
  );
  session.on('subsystem', (_accept, reject, info) =>
    answer(handler.request('subsystem', info.name), undefined, reject),
  );

  const start = (channel: ServerChannel, command: string | null): void => {
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
    handler.start(channel, command).then(
      (refused: Refusal | null) => {
        if (refused !== null) refuseWith(refused.line, refused.exitStatus);
      },
      (err: unknown) => {
        log.error({ err }, 'session failed');
        refuseWith(messages.targetUnavailable(), GATEHOUSE_EXIT);
      },
    );
  };
  session.on('shell', (accept) => start(accept(), null));
  session.on('exec', (accept, _reject, info) => start(accept(), info.command));
}
