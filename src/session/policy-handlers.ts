import { isAllowedEnv, isForwardableSignal } from '../core/channel-policy.js';
import { refuse } from '../core/refusal.js';
import type { ChannelDenialDetails } from '../core/audit-payloads.js';
import type { ConnectionHandler, SessionChannelHandler, SessionRequestKind } from './handler.js';

/**
 * Policy decorators (DESIGN.md §5): what no grant offers is refused here, before the handler that
 * relays sees it — x11, agent forwarding, subsystems other than sftp, a second shell or exec on a
 * channel, port forwarding, global requests, environment other than LANG / LC_*, signals other
 * than the ones a user sends (INT, TERM, HUP, QUIT, KILL, USR1, USR2), more session channels than
 * `maxSessions`, new channels while draining.
 */
export function policySessionChannel(inner: SessionChannelHandler): SessionChannelHandler {
  return {
    pty: (pty) => inner.pty(pty),
    windowChange: (cols, rows, width, height) => inner.windowChange(cols, rows, width, height),
    signal: (name) =>
      isForwardableSignal(name)
        ? inner.signal(name)
        : refuse.channel('signal', { details: { name: name.slice(0, 32) } }),
    start: (io, command) => inner.start(io, command),
    // What the grant allows (transfer rights, target kind) is the transfer stage's decision.
    subsystem: (io, name) => inner.subsystem(io, name),
    closed: () => inner.closed(),
    env: (name, value) =>
      isAllowedEnv(name, value) ? inner.env(name, value) : refuse.quietly(null, 1),
    request: (kind, name) => refuse.channel(kind, { details: requestDetails(kind, name) }),
  };
}

function requestDetails(kind: SessionRequestKind, name: string | null): ChannelDenialDetails {
  if (kind === 'subsystem') return { name: (name ?? '').slice(0, 64) };
  if (kind === 'shell' || kind === 'exec') return { reason: 'already_started' };
  return {};
}

export interface ConnectionLimits {
  readonly maxSessions: number;
  isDraining(): boolean;
}

export function policyConnection(
  inner: ConnectionHandler,
  limits: ConnectionLimits,
): ConnectionHandler {
  let open = 0;
  return {
    closed: () => inner.closed(),
    otherChannel: (kind, details) => refuse.channel(kind, { details: { ...details } }),
    globalRequest: (name) => refuse.channel(name.slice(0, 64)),
    sessionChannel: () => {
      if (limits.isDraining()) return refuse.quietly(null, 1);
      if (open >= limits.maxSessions) {
        return refuse.channel('session', {
          details: { reason: 'max_sessions', limit: limits.maxSessions },
        });
      }
      const handler = inner.sessionChannel();
      if (!('start' in handler)) return handler;
      open += 1;
      return {
        pty: (pty) => handler.pty(pty),
        env: (name, value) => handler.env(name, value),
        request: (kind, name) => handler.request(kind, name),
        windowChange: (cols, rows, width, height) =>
          handler.windowChange(cols, rows, width, height),
        signal: (name) => handler.signal(name),
        start: (io, command) => handler.start(io, command),
        subsystem: (io, name) => handler.subsystem(io, name),
        closed: () => {
          open -= 1;
          handler.closed();
        },
      };
    },
  };
}
