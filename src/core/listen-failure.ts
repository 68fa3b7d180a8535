import { errnoCode, GatehouseError } from './errors.js';

/** Why a listener could not bind, in words an operator acts on; null for other failures. */
const BIND_PROBLEMS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'address in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'address not available on this machine',
};

/**
 * A failed bind as a one-line error naming the setting and address
 * (`ssh.listen 127.0.0.1:2222: address in use`); anything else is returned unchanged.
 */
export function listenFailure(setting: string, host: string, port: number, e: unknown): unknown {
  const problem = BIND_PROBLEMS[errnoCode(e)];
  if (problem === undefined) return e;
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new GatehouseError('refused', `${setting} ${address}: ${problem}`, { cause: e });
}
