/** The Auditor on a real SQLite store: what a failed write does per event type, and who hears of a write. */
import type { DestinationStream } from 'pino';
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { StoreAuditor } from '../../src/adapters/store-auditor.js';
import type { AuditEvent } from '../../src/core/audit-events.js';
import { auditEventTypes, onWriteFailure } from '../../src/core/auditor.js';
import type { SessionId } from '../../src/core/model.js';
import { createRootLogger } from '../../src/logging/logger.js';
import { sampleAuditEvents } from '../helpers/audit-event-samples.js';
import { fixedClock } from '../../src/core/clock.js';
import { isRefusal } from '../../src/core/refusal.js';
import type { LifecycleDeps } from '../../src/lifecycle/lifecycle-deps.js';
import { openSession } from '../../src/lifecycle/open-session.js';
import { sealSession } from '../../src/lifecycle/seal-session.js';
import { describeEachStore, failAuditInserts, grantFor, MAX, seed, T0 } from './store-fixtures.js';

describeEachStore('the auditor', (t) => {
  /** A real pino logger whose JSON lines are kept. */
  function memoryLogger(): {
    logger: ReturnType<typeof createRootLogger>;
    lines: () => Record<string, unknown>[];
  } {
    const written: string[] = [];
    const destination: DestinationStream = { write: (line: string) => void written.push(line) };
    const logger = createRootLogger({ level: 'info', destination });
    return { logger, lines: () => written.map((l) => JSON.parse(l) as Record<string, unknown>) };
  }

  function listening(auditor: StoreAuditor): AuditEvent[] {
    const heard: AuditEvent[] = [];
    auditor.subscribe((e) => heard.push(e));
    return heard;
  }

  describe('StoreAuditor', () => {
    it.each(auditEventTypes)(
      '%s: written once, with its payload as given, then announced',
      async (type) => {
        const { logger, lines } = memoryLogger();
        const auditor = new StoreAuditor(t.store.audit, logger);
        const heard = listening(auditor);
        const event = sampleAuditEvents[type];
        await auditor.record(event, 'user:alice');
        const stored = await t.store.audit.list({ type });
        expect(stored).toHaveLength(1);
        expect(stored[0]).toMatchObject({ actor: 'user:alice', type });
        expect(stored[0]!.payload).toEqual(event.payload);
        expect(heard).toEqual([event]);
        expect(lines()).toEqual([]);
      },
    );

    it.each(auditEventTypes)(
      '%s: a failed write refuses or is logged as auditEventRules says',
      async (type) => {
        const { logger, lines } = memoryLogger();
        const auditor = new StoreAuditor(t.store.audit, logger);
        const heard = listening(auditor);
        await failAuditInserts(t.path);
        const before = await t.counts();
        const recorded = auditor.record(sampleAuditEvents[type], 'user:alice');
        if (onWriteFailure(type) === 'refuse') {
          await expect(recorded).rejects.toThrow(/disk full/);
          expect(lines()).toEqual([]);
        } else {
          await expect(recorded).resolves.toBeUndefined();
          expect(lines()).toEqual([
            expect.objectContaining({ level: 50, msg: 'audit write failed', type }),
          ]);
        }
        expect(heard).toEqual([]);
        expect(await t.counts()).toEqual(before);
      },
    );

    it('logs a listener that throws and still tells the others', async () => {
      const { logger, lines } = memoryLogger();
      const auditor = new StoreAuditor(t.store.audit, logger);
      auditor.subscribe(() => {
        throw new Error('listener bug');
      });
      const heard = listening(auditor);
      await expect(
        auditor.record(sampleAuditEvents['auth.success'], 'user:alice'),
      ).resolves.toBeUndefined();
      expect(heard).toEqual([sampleAuditEvents['auth.success']]);
      expect(lines()).toEqual([
        expect.objectContaining({ msg: 'audit listener failed', type: 'auth.success' }),
      ]);
    });
  });

  describe('the session lifecycle', () => {
    it('announces session.start and session.end once their row is written, and nothing when the write fails', async () => {
      const { ndaA } = await seed(t.store);
      const g = await t.store.grants.add(grantFor(ndaA.id), MAX, T0, 'root');
      const { logger } = memoryLogger();
      const auditor = new StoreAuditor(t.store.audit, logger);
      const heard = listening(auditor);
      const deps = {
        store: t.store,
        // best_effort without a recording: the row is written, no file is needed
        taps: {
          mode: 'best_effort',
          open: async () => ({ ok: false, problem: 'no recordings here' }) as const,
        },
        recordingsDir: '/nonexistent',
        signingKey: generateKeyPairSync('ed25519').privateKey,
        clock: fixedClock(T0),
        logger,
        auditor,
        announce: (event: AuditEvent) => auditor.announce(event),
      } satisfies LifecycleDeps;
      const user = (await t.store.users.get(g.userId))!;
      const target = (await t.store.targets.get(g.targetId))!;
      const sessionId = 'c47ac10b-58cc-4372-a567-0e02b2c3d479' as SessionId;
      const opening = {
        sessionId,
        grant: g,
        target,
        userName: user.name,
        command: null,
        pty: null,
        remoteAddr: '127.0.0.1',
        startedAt: T0,
      };
      const opened = await openSession(deps, opening);
      if (isRefusal(opened)) throw new Error('refused');
      await opened.seal({ reason: 'closed', exitStatus: 0, bytesIn: 0, bytesOut: 0, stdin: null });
      expect(heard.map((e) => e.type)).toEqual([
        'recording.failure',
        'session.start',
        'session.end',
      ]);

      const subject = { sessionId, grantId: g.id, user: user.name, target: target.name };
      const again = {
        ...subject,
        subject,
        actor: 'user:alice',
        reason: 'closed',
        exitStatus: 0,
        bytesIn: 0,
        bytesOut: 0,
        stdin: null,
      } as const;
      await expect(sealSession(deps, again, null)).rejects.toMatchObject({ code: 'refused' });
      expect(heard).toHaveLength(3);
    });
  });
});
