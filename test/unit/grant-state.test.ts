import { describe, expect, it } from 'vitest';
import { grantState } from '../../src/core/grant-state.js';

const grant = { revokedAt: null, startsAt: 100, endsAt: 200 };

describe('grantState', () => {
  it.each([
    [99, 'pending'],
    [100, 'active'],
    [199, 'active'],
    [200, 'expired'],
  ] as const)('at %i a grant of [100, 200) is %s', (now, state) => {
    expect(grantState(grant, now)).toBe(state);
  });

  it('a revoked grant is revoked whenever it is asked about', () => {
    expect(grantState({ ...grant, revokedAt: 150 }, 120)).toBe('revoked');
    expect(grantState({ ...grant, revokedAt: 150 }, 300)).toBe('revoked');
  });
});
