import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../src/core/errors.js';
import { listenFailure } from '../../src/core/listen-failure.js';

const errno = (code: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`listen ${code}: something 127.0.0.1:2222`), { code });

describe('listenFailure', () => {
  it.each([
    ['EADDRINUSE', 'ssh.listen', '127.0.0.1', 2222, 'ssh.listen 127.0.0.1:2222: address in use'],
    [
      'EACCES',
      'web.listen',
      '0.0.0.0',
      443,
      'web.listen 0.0.0.0:443: permission denied (ports below 1024 need privileges)',
    ],
    [
      'EADDRNOTAVAIL',
      'ssh.listen',
      '::1',
      2222,
      'ssh.listen [::1]:2222: address not available on this machine',
    ],
  ])('%s → one line naming the setting and address', (code, setting, host, port, message) => {
    const e = listenFailure(setting, host, port, errno(code));
    expect(e).toBeInstanceOf(GatehouseError);
    expect((e as GatehouseError).userMessage).toBe(message);
    expect((e as GatehouseError).code).toBe('refused');
  });

  it('leaves other failures as they are', () => {
    const other = errno('ENOMEM');
    expect(listenFailure('ssh.listen', '127.0.0.1', 2222, other)).toBe(other);
    expect(listenFailure('ssh.listen', '127.0.0.1', 2222, 'text')).toBe('text');
  });
});
