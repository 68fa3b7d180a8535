import { describe, expect, it } from 'vitest';
import { LISTED_COMMAND_MAX, listedCommand, sessionKind } from '../../src/core/session-summary.js';

describe('sessionKind', () => {
  it('is exec for a command, the prompt for a commands grant without one, else a shell', () => {
    expect(sessionKind('uptime', 'shell')).toBe('exec');
    expect(sessionKind('uptime', 'commands')).toBe('exec');
    expect(sessionKind(null, 'commands')).toBe('prompt');
    expect(sessionKind(null, 'shell')).toBe('shell');
  });
});

describe('listedCommand', () => {
  it('keeps a command up to the bound and cuts a longer one with an ellipsis', () => {
    expect(listedCommand(null)).toBeNull();
    const atBound = 'x'.repeat(LISTED_COMMAND_MAX);
    expect(listedCommand(atBound)).toBe(atBound);
    const cut = listedCommand(`${atBound}y`);
    expect(cut).toHaveLength(LISTED_COMMAND_MAX);
    expect(cut?.endsWith('x…')).toBe(true);
  });
});
