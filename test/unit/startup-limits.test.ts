import { describe, expect, it } from 'vitest';
import { StartupLimits } from '../../src/transport/startup-limits.js';

describe('StartupLimits', () => {
  const limits = new StartupLimits(() => ({ maxStartups: 100, maxStartupsPerSource: 2 }));

  it('counts every address of one IPv6 /64 as one source, IPv4 addresses one by one', () => {
    expect(limits.admit('2001:db8:1:2::1')).not.toBeNull();
    expect(limits.admit('2001:db8:1:2::2')).not.toBeNull();
    expect(limits.admit('2001:db8:1:2:ffff::3')).toBeNull();
    expect(limits.admit('2001:db8:1:3::1')).not.toBeNull();
    expect(limits.admit('::ffff:192.0.2.1')).not.toBeNull();
    expect(limits.admit('::ffff:192.0.2.2')).not.toBeNull();
    expect(limits.admit('::ffff:192.0.2.3')).not.toBeNull();
  });

  it('frees the /64 slot when a connection is released', () => {
    const l = new StartupLimits(() => ({ maxStartups: 100, maxStartupsPerSource: 1 }));
    const first = l.admit('2001:db8::1');
    expect(l.admit('2001:db8::2')).toBeNull();
    first?.release();
    expect(l.admit('2001:db8::2')).not.toBeNull();
  });
});
