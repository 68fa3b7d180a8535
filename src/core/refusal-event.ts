import type { AuditEvent } from './audit-events.js';
import type { Denial } from './refusal.js';

/** Who was refused: the ssh user (null before a login was decided) and where from. */
export interface Refused {
  readonly user: string | null;
  readonly remoteAddr: string;
}

/** The audit event of a refusal (null: nothing worth recording). The one place refusals become events. */
export function refusalEvent(denial: Denial, who: Refused): AuditEvent | null {
  switch (denial.on) {
    case 'channel': {
      const scope = denial.scope === null ? {} : { target: denial.scope.target, grantId: denial.scope.grantId };
      const reason = denial.reason === null ? {} : { reason: denial.reason };
      const payload = { kind: denial.kind, user: who.user, remoteAddr: who.remoteAddr, ...scope, ...reason, ...denial.details };
      return { type: 'channel.denied', payload };
    }
    case 'exec': {
      const { scope, reason, detail, details } = denial;
      return { type: 'exec.denied', payload: { grantId: scope.grantId, user: who.user, target: scope.target, ...details, reason, detail } };
    }
    case 'hostkey':
      return { type: 'hostkey.mismatch', payload: { ...denial.target, presented: denial.presented, user: who.user } };
    case 'recording':
      return { type: 'recording.failure', payload: { ...denial.details, problem: denial.problem } };
    case 'none':
      return null;
  }
}
