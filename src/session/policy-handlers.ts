import { isAllowedEnv } from '../core/channel-policy.js';
import { refuse } from '../core/refusal.js';
import type { ConnectionHandler, SessionChannelHandler } from './handler.js';

/**
 * Policy decorators (DESIGN.md §5): what no grant offers is refused here, before the handler that
 * relays sees it — x11, agent forwarding, subsystems (sftp), port forwarding, global requests,
 * environment other than LANG / LC_*, more session channels than `maxSessions`, new channels
 * while draining.
 */
export function policySessionChannel(inner: SessionChannelHandler): SessionChannelHandler {
  return {
    ...inner,
    env: (name, value) =>
      isAllowedEnv(name, value) ? inner.env(name, value) : refuse.quietly(null, 1),
    request: (kind, name) =>
      refuse.channel(
        kind,
        kind === 'subsystem' ? { details: { name: (name ?? '').slice(0, 64) } } : {},
      ),
  };
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
    ...inner,
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
        ...handler,
        closed: () => {
          open -= 1;
          handler.closed();
        },
      };
    },
  };
}
