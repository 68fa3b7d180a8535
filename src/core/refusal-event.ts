import { auditEvents, type AuditEvent } from './audit-events.js';
import type { Denial } from './refusal.js';
import { boundUntrusted } from './untrusted-text.js';

/** A refused request's detail is the line its user was told: bounded like other peer text. */
const DETAIL_MAX = 300;

/** Who was refused: the ssh user (null before a login was decided) and where from. */
export interface Refused {
  readonly user: string | null;
  readonly remoteAddr: string;
}

/** The audit event of a refusal (null: nothing worth recording). The one place refusals become events. */
export function refusalEvent(denial: Denial, who: Refused): AuditEvent | null {
  switch (denial.on) {
    case 'channel':
      return auditEvents.channelDenied({
        kind: denial.kind,
        user: who.user,
        remoteAddr: who.remoteAddr,
        ...denial.details,
      });
    case 'exec': {
      const { scope, reason, detail, sessionId } = denial;
      const user = who.user ?? '';
      return auditEvents.execDenied({
        grantId: scope.grantId,
        user,
        target: scope.target,
        ...(sessionId === null ? {} : { sessionId }),
        reason,
        detail,
      });
    }
    case 'transfer':
      return auditEvents.transferDenied({
        grantId: denial.scope.grantId,
        user: who.user ?? '',
        target: denial.scope.target,
        op: 'subsystem',
        path: null,
        why: denial.why,
      });
    case 'hostkey':
      return auditEvents.hostkeyMismatch({
        ...denial.target,
        presented: denial.presented,
        user: who.user ?? '',
      });
    case 'request':
      return auditEvents.requestRefused({
        user: who.user ?? '',
        kind: denial.kind,
        target: boundUntrusted(denial.target),
        grantId: denial.grantId,
        detail: boundUntrusted(denial.detail, DETAIL_MAX),
      });
    case 'none':
      return null;
  }
}
