/**
 * ssh2 (1.17) cannot answer a request on a session channel whose shell, exec or subsystem has
 * started: its accept() and reject() do nothing once the channel exists (and accept() for a
 * second shell or exec returns undefined). A client that asked for a reply would wait for ever;
 * OpenSSH answers such a request with a failure, and so do we, on the channel's own protocol.
 */
import type { ServerChannel } from 'ssh2';

interface ServerChannelInternals {
  readonly outgoing: { readonly id: number; readonly state: string };
  readonly _client: { readonly _protocol: { channelFailure(id: number): void } };
}

export function failLateRequest(channel: ServerChannel): void {
  const internals = channel as unknown as ServerChannelInternals;
  if (internals.outgoing.state !== 'open') return;
  internals._client._protocol.channelFailure(internals.outgoing.id);
}
