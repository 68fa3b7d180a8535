import type { Algorithms } from 'ssh2';

/**
 * Modern algorithms only, for the client-facing server and the target connections. ssh2 1.17
 * adds `kex-strict-s-v00@openssh.com` / `kex-strict-c-v00@openssh.com` (Terrapin, CVE-2023-48795)
 * to every offer by itself, so strict KEX is on for both sides whenever the peer supports it.
 */
export const MODERN_ALGORITHMS = {
  kex: [
    'curve25519-sha256',
    'curve25519-sha256@libssh.org',
    'ecdh-sha2-nistp256',
    'ecdh-sha2-nistp384',
    'ecdh-sha2-nistp521',
  ],
  serverHostKey: [
    'ssh-ed25519',
    'rsa-sha2-512',
    'rsa-sha2-256',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
  ],
  // AES-GCM first: with AES-NI, ssh2's binding runs it about 2.5x faster than chacha20-poly1305
  // (2.0 vs 0.8 GiB/s per 32 KiB packet), and so does OpenSSH on the target. It decides the
  // target leg (our preference as the client); on the user leg the user's client decides.
  cipher: [
    'aes128-gcm@openssh.com',
    'aes256-gcm@openssh.com',
    'chacha20-poly1305@openssh.com',
    'aes256-ctr',
    'aes192-ctr',
    'aes128-ctr',
  ],
  hmac: [
    'hmac-sha2-256-etm@openssh.com',
    'hmac-sha2-512-etm@openssh.com',
    'hmac-sha2-256',
    'hmac-sha2-512',
  ],
  compress: ['none'],
} satisfies Algorithms;
