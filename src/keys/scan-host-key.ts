import ssh2 from 'ssh2';
import { publicKeyFromBlob, type PublicKey } from './public-key.js';

export type HostKeyScan = { ok: true; key: PublicKey } | { ok: false; message: string };

/**
 * Connects to host:port, takes the host key the server proves during key exchange and hangs up
 * before any authentication. Nothing is trusted here: the caller shows the key to an admin.
 */
export function scanHostKey(host: string, port: number, timeoutMs = 10_000): Promise<HostKeyScan> {
  return new Promise((resolve) => {
    const client = new ssh2.Client();
    let settled = false;
    const finish = (result: HostKeyScan): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeAllListeners('ready');
      client.on('error', () => undefined);
      client.end();
      resolve(result);
    };
    const timer = setTimeout(() => {
      finish({
        ok: false,
        message: `no SSH answer from ${host}:${port} within ${Math.round(timeoutMs / 1000)}s`,
      });
      client.destroy();
    }, timeoutMs);
    client.on('error', (err: Error & { code?: string; level?: string }) => {
      const why = err.code ?? err.level ?? err.message;
      finish({ ok: false, message: `cannot get the host key of ${host}:${port}: ${why}` });
    });
    client.on('close', () =>
      finish({ ok: false, message: `${host}:${port} closed the connection before key exchange` }),
    );
    client.on('ready', () =>
      finish({ ok: false, message: 'unexpected: authenticated without a host key check' }),
    );
    client.connect({
      host,
      port,
      username: 'gatehouse-scan',
      readyTimeout: timeoutMs,
      // Only hostVerifier sees the raw blob; returning false ends the handshake there.
      hostVerifier: (key: Buffer): boolean => {
        const parsed = publicKeyFromBlob(key);
        finish(
          parsed.ok
            ? parsed
            : {
                ok: false,
                message: `the host key from ${host}:${port} is not usable: ${parsed.message}`,
              },
        );
        return false;
      },
    });
  });
}
