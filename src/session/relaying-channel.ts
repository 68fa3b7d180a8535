import { refuse } from '../core/refusal.js';
import type { Pty } from '../stream/channels.js';
import { ACCEPTED, type SessionChannelHandler } from './handler.js';
import type { RunningControls } from './relay-session.js';
import type { SessionContext } from './session-context.js';
import { startSession } from './start-session.js';
import { startTransfer } from './start-transfer.js';

/**
 * The innermost session channel handler: keeps the pty and the env the policy let through, runs
 * the session stages on shell/exec, and passes window changes and signals to the running target.
 */
export function relayingChannel(ctx: SessionContext): SessionChannelHandler {
  let pty: Pty | null = null;
  const env: Record<string, string> = {};
  let running: RunningControls | null = null;
  return {
    pty: (requested) => {
      pty = requested;
      return ACCEPTED;
    },
    env: (name, value) => {
      env[name] = value;
      return ACCEPTED;
    },
    // Nothing here serves x11, agent forwarding or another subsystem: refused even without policy.
    request: () => refuse.quietly(null, 1),
    windowChange: (cols, rows, width, height) => {
      if (pty !== null) pty = { ...pty, cols, rows, width, height };
      running?.resize(cols, rows, width, height);
    },
    signal: (name) => {
      running?.signal(name);
      return ACCEPTED;
    },
    closed: () => undefined,
    subsystem: (io) => startTransfer(ctx, io),
    start: (io, command) =>
      startSession(ctx, {
        io,
        command,
        env,
        currentPty: () => pty,
        setControls: (controls) => {
          running = controls;
        },
      }),
  };
}
