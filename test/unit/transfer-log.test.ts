import { describe, expect, it } from 'vitest';
import {
  changeLine,
  fileMovedLine,
  formatSize,
  LOGGED_PATH_MAX,
  refusedLine,
} from '../../src/core/transfer-log.js';

describe('transfer log lines', () => {
  it('names a moved file with its direction, size and sha256', () => {
    const sha = '9f'.repeat(32);
    expect(
      fileMovedLine({
        path: '/var/log/syslog',
        direction: 'download',
        bytes: 1_258_291,
        sha256: sha,
      }),
    ).toBe(`download /var/log/syslog 1.2 MiB sha256 ${sha}`);
    expect(fileMovedLine({ path: '/tmp/p', direction: 'upload', bytes: 10, sha256: null })).toBe(
      'upload /tmp/p 10 B not one run from the start (no sha256)',
    );
  });

  it('sizes in binary units', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(1023)).toBe('1023 B');
    expect(formatSize(1536)).toBe('1.5 KiB');
    expect(formatSize(3 * 1024 ** 3)).toBe('3.0 GiB');
    expect(formatSize(2 * 1024 ** 5)).toBe('2048.0 TiB');
  });

  it('names a change and its second path', () => {
    expect(changeLine({ op: 'rename', path: '/tmp/a.part', to: '/tmp/a' })).toBe(
      'rename /tmp/a.part -> /tmp/a',
    );
    expect(changeLine({ op: 'remove', path: '/tmp/a', to: null })).toBe('remove /tmp/a');
  });

  it('names a refusal and why', () => {
    expect(
      refusedLine({ op: 'open', path: '/etc/x', why: 'this grant allows downloads only' }),
    ).toBe('refused open /etc/x: this grant allows downloads only');
    expect(refusedLine({ op: 'symlink', path: null, why: 'no' })).toBe('refused symlink: no');
  });

  it('keeps a hostile path on one printable line, bounded', () => {
    const line = changeLine({ op: 'mkdir', path: '/tmp/a\r\n\u001b[2Jb\u202e', to: null });
    // eslint-disable-next-line no-control-regex -- no control character may be left
    expect(line).not.toMatch(/[\r\n\u001b\u202e]/);
    expect(line).toContain('/tmp/a');
    const long = changeLine({ op: 'mkdir', path: `/${'x'.repeat(5000)}`, to: null });
    expect(long.length).toBeLessThan(LOGGED_PATH_MAX + 40);
  });
});
