import { describe, expect, it } from 'vitest';
import {
  describeMode,
  describeRequestMode,
  type RequestedMode,
} from '../../src/core/access-request.js';

const shell: RequestedMode = { kind: 'shell' };
const allowlist: RequestedMode = { kind: 'allowlist', patterns: ['psql *'] };
const profile: RequestedMode = { kind: 'profile', name: 'read-only', patterns: ['psql *'] };

describe('how a request names its mode', () => {
  it.each([
    [shell, 'shell'],
    [allowlist, 'allowlist'],
    [profile, 'profile read-only'],
  ])('%j is %s', (mode, text) => {
    expect(describeMode(mode)).toBe(text);
    expect(describeRequestMode({ kind: 'grant', mode })).toBe(text);
  });

  it('an extension is `extend`, whatever mode its grant has', () => {
    expect(describeRequestMode({ kind: 'extend', mode: profile })).toBe('extend');
  });
});
