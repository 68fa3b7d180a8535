import { describe, expect, it } from 'vitest';
import { ChangeBus, concerns, type Change } from '../../src/core/change-signals.js';
import type { GrantId, NdaId, SessionId, UserId } from '../../src/core/model.js';

const subject = {
  grant: { id: 7 as GrantId, ndaId: 3 as NdaId, userId: 1 as UserId },
  sessionId: 's1' as SessionId,
};

describe('concerns', () => {
  it.each<[Change, boolean]>([
    [{ kind: 'grant', id: 7 }, true],
    [{ kind: 'grant', id: 3 }, false],
    [{ kind: 'nda', id: 3 }, true],
    [{ kind: 'nda', id: 7 }, false],
    [{ kind: 'user', id: 1 }, true],
    [{ kind: 'user', id: 7 }, false],
    [{ kind: 'session', id: 's1' as SessionId }, true],
    [{ kind: 'session', id: 's2' as SessionId }, false],
  ])('%j concerns a session of grant 7 (NDA 3, user 1): %s', (change, expected) => {
    expect(concerns(change, subject)).toBe(expected);
  });

  it('a login without a session is concerned by no kill request', () => {
    const login = { ...subject, sessionId: null };
    expect(concerns({ kind: 'session', id: 's1' as SessionId }, login)).toBe(false);
    expect(concerns({ kind: 'grant', id: 7 }, login)).toBe(true);
  });
});

describe('ChangeBus', () => {
  it("carries the process's own changes to each subscriber until it unsubscribes", () => {
    const bus = new ChangeBus();
    expect(bus.crossProcess).toBe(false);
    const heard: string[] = [];
    const wake = (c: Change) => heard.push(`${c.kind}:${c.id}`);
    const stopA = bus.subscribe(wake);
    const stopB = bus.subscribe(wake);
    bus.publish({ kind: 'grant', id: 7 });
    stopA();
    bus.publish({ kind: 'nda', id: 3 });
    stopB();
    bus.publish({ kind: 'user', id: 1 });
    expect(heard).toEqual(['grant:7', 'grant:7', 'nda:3']);
  });

  it('a subscriber that throws neither stops the others nor the publisher', () => {
    const bus = new ChangeBus();
    const heard: Change[] = [];
    bus.subscribe(() => {
      throw new Error('broken');
    });
    bus.subscribe((c) => heard.push(c));
    expect(() => bus.publish({ kind: 'session', id: 's1' as SessionId })).not.toThrow();
    expect(heard).toEqual([{ kind: 'session', id: 's1' }]);
  });
});
