import { describe, expect, it } from 'vitest';
import { isForwardableSignal } from '../../src/core/channel-policy.js';

describe('isForwardableSignal', () => {
  it.each(['INT', 'TERM', 'HUP', 'QUIT', 'KILL', 'USR1', 'USR2'])('forwards %s', (name) =>
    expect(isForwardableSignal(name)).toBe(true),
  );
  it.each([
    'ABRT',
    'ALRM',
    'FPE',
    'ILL',
    'PIPE',
    'SEGV',
    'STOP',
    'CONT',
    'SIGINT',
    'int',
    '',
    'INT ',
  ])('refuses %j', (name) => expect(isForwardableSignal(name)).toBe(false));
});
